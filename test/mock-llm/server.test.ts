// The mock LLM answers the real `openai` npm client (v6) the way OpenAI does: chat, streaming with
// usage, tool calls, completions, embeddings (base64 and float), models, and injected errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParams,
} from 'openai/resources/chat/completions';
import { startMockLlm, type MockLlm } from '../../mock-llm/server';

const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer' },
      },
      required: ['city', 'unit'],
    },
  },
};

const CHAT: ChatCompletionCreateParams = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Hello mock, my mail is jane@example.com' },
  ],
};

describe('mock LLM with the openai client', () => {
  let mock: MockLlm;
  let client: OpenAI;

  before(async () => {
    mock = await startMockLlm({ port: 0 });
    // No retries: an injected 429 must surface at once, not after the SDK's backoff.
    client = new OpenAI({ apiKey: 'test-key', baseURL: `${mock.url}/v1`, maxRetries: 0 });
  });
  after(async () => {
    await mock?.close();
  });

  it('answers chat deterministically with OpenAI-shaped fields and usage', async () => {
    const first = await client.chat.completions.create({ ...CHAT, stream: false });
    const again = await client.chat.completions.create({ ...CHAT, stream: false });
    assert.equal(first.object, 'chat.completion');
    assert.match(first.id, /^chatcmpl-/);
    assert.equal(first.model, 'gpt-4o-mini-2024-07-18', 'dated snapshot, as OpenAI answers');
    assert.match(first.system_fingerprint ?? '', /^fp_/);
    const choice = first.choices[0]!;
    assert.equal(choice.finish_reason, 'stop');
    assert.equal(choice.message.role, 'assistant');
    assert.ok(choice.message.content?.includes('jane@example.com'), 'quotes the user message');
    assert.equal(choice.message.content, again.choices[0]!.message.content);
    assert.equal(first.id, again.id);
    const usage = first.usage!;
    assert.ok(usage.prompt_tokens > 8 && usage.completion_tokens > 8);
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    assert.equal(usage.completion_tokens_details?.reasoning_tokens, 0);
    assert.match(first._request_id ?? '', /^req_/);

    const other = await client.chat.completions.create({
      ...CHAT,
      stream: false,
      messages: [{ role: 'user', content: 'something else' }],
    });
    assert.notEqual(other.choices[0]!.message.content, choice.message.content);
  });

  it('honours max_tokens (finish_reason length) and n', async () => {
    const cut = await client.chat.completions.create({ ...CHAT, stream: false, max_tokens: 5 });
    assert.equal(cut.choices[0]!.finish_reason, 'length');
    assert.equal(cut.usage!.completion_tokens, 5);
    const many = await client.chat.completions.create({ ...CHAT, stream: false, n: 3 });
    assert.deepEqual(
      many.choices.map(c => c.index),
      [0, 1, 2],
    );
    assert.equal(new Set(many.choices.map(c => c.message.content)).size, 3);
  });

  it('streams chat chunks and a final usage chunk when include_usage is set', async () => {
    const whole = await client.chat.completions.create({ ...CHAT, stream: false });
    const stream = await client.chat.completions.create({
      ...CHAT,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.length > 5);
    assert.ok(chunks.every(c => c.object === 'chat.completion.chunk' && c.id === chunks[0]!.id));
    const text = chunks.map(c => c.choices[0]?.delta.content ?? '').join('');
    assert.equal(text, whole.choices[0]!.message.content);
    const finish = chunks.find(c => c.choices[0]?.finish_reason);
    assert.equal(finish?.choices[0]?.finish_reason, 'stop');
    const last = chunks[chunks.length - 1]!;
    assert.deepEqual(last.choices, []);
    assert.deepEqual(
      [last.usage?.prompt_tokens, last.usage?.completion_tokens],
      [whole.usage!.prompt_tokens, whole.usage!.completion_tokens],
    );
    assert.ok(chunks.slice(0, -1).every(c => c.usage === null));

    const plain = await client.chat.completions.create({ ...CHAT, stream: true });
    const plainChunks: ChatCompletionChunk[] = [];
    for await (const chunk of plain) plainChunks.push(chunk);
    assert.ok(plainChunks.every(c => c.usage === undefined && c.choices.length === 1));
  });

  it('calls a tool named in the user message, also streamed, and answers a tool result', async () => {
    const ask: ChatCompletionCreateParams = {
      model: 'gpt-4o',
      tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: 'Use get_weather for Paris please' }],
    };
    const called = await client.chat.completions.create({ ...ask, stream: false });
    const choice = called.choices[0]!;
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.content, null);
    const call = choice.message.tool_calls![0]!;
    assert.equal(call.type, 'function');
    assert.ok(call.type === 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'mock-city', unit: 'celsius' });

    // The SDK's stream helper rebuilds the message from deltas: the frames must be well formed.
    const streamed = await client.chat.completions
      .stream({ ...ask, stream: true })
      .finalChatCompletion();
    const streamedCall = streamed.choices[0]!.message.tool_calls![0]!;
    assert.ok(streamedCall.type === 'function');
    assert.deepEqual(streamedCall.function, call.function);
    assert.equal(streamedCall.id, call.id);

    const noMatch = await client.chat.completions.create({
      ...ask,
      stream: false,
      messages: [{ role: 'user', content: 'Just chat' }],
    });
    assert.equal(noMatch.choices[0]!.finish_reason, 'stop');
    const answered = await client.chat.completions.create({
      ...ask,
      stream: false,
      messages: [
        ...ask.messages,
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"temp": 21}' },
      ],
    });
    assert.equal(answered.choices[0]!.finish_reason, 'stop');
  });

  it('answers legacy completions', async () => {
    const done = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Say hi',
      max_tokens: 64,
    });
    assert.equal(done.object, 'text_completion');
    assert.ok(done.choices[0]!.text.length > 0);
    assert.equal(done.choices[0]!.finish_reason, 'stop');
    assert.equal(
      done.usage!.total_tokens,
      done.usage!.prompt_tokens + done.usage!.completion_tokens,
    );
  });

  it('returns deterministic unit embeddings, honouring dimensions (base64 and float)', async () => {
    const input = ['first text', 'second text'];
    const base64 = await client.embeddings.create({ model: 'text-embedding-3-small', input });
    assert.equal(base64.data.length, 2);
    assert.equal(base64.data[0]!.embedding.length, 1536);
    const norm = Math.hypot(...base64.data[0]!.embedding);
    assert.ok(Math.abs(norm - 1) < 1e-4, `norm ${norm}`);
    assert.notDeepEqual(base64.data[0]!.embedding, base64.data[1]!.embedding);
    assert.ok(base64.usage.prompt_tokens > 0);

    const floats = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input,
      encoding_format: 'float',
    });
    const close = floats.data[0]!.embedding.every(
      (v, i) => Math.abs(v - base64.data[0]!.embedding[i]!) < 1e-6,
    );
    assert.ok(close, 'float and base64 encode the same vector');

    const short = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'first text',
      dimensions: 256,
    });
    assert.equal(short.data[0]!.embedding.length, 256);
  });

  it('lists models and serves /health', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    assert.ok(models.includes('gpt-4o-mini'));
    const health = await fetch(`${mock.url}/health`);
    assert.equal(health.status, 200);
  });

  it('injects errors the SDK maps to its error classes, and delays', async () => {
    const limited = client.chat.completions.create(
      { ...CHAT, stream: false },
      { headers: { 'x-mock-status': '429' } },
    );
    await assert.rejects(limited, (error: unknown) => {
      assert.ok(error instanceof OpenAI.RateLimitError);
      assert.equal(error.status, 429);
      assert.equal(error.code, 'rate_limit_exceeded');
      return true;
    });
    const broken = client.embeddings.create(
      { model: 'text-embedding-3-small', input: 'x' },
      { headers: { 'x-mock-status': '500' } },
    );
    await assert.rejects(broken, OpenAI.InternalServerError);
    await assert.rejects(
      client.chat.completions.create({ ...CHAT, stream: false, model: '' }),
      OpenAI.BadRequestError,
    );

    const started = Date.now();
    await client.chat.completions.create(
      { ...CHAT, stream: false },
      { headers: { 'x-mock-delay-ms': '150' } },
    );
    assert.ok(Date.now() - started >= 140);
    await assert.rejects(
      client.chat.completions.create(
        { ...CHAT, stream: false },
        { headers: { 'x-mock-delay-ms': '5000' }, timeout: 100 },
      ),
      OpenAI.APIConnectionTimeoutError,
    );
  });
});

describe('startMockLlm', () => {
  it('close() ends in-flight delayed requests and is idempotent', async () => {
    const mock = await startMockLlm();
    try {
      const pending = fetch(`${mock.url}/v1/models`, { headers: { 'x-mock-delay-ms': '60000' } });
      // Let the request reach the server before closing.
      await new Promise(resolve => setTimeout(resolve, 50));
      const started = Date.now();
      await mock.close();
      await assert.rejects(pending);
      assert.ok(Date.now() - started < 2000);
    } finally {
      await mock.close();
    }
  });
});
