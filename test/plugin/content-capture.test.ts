// Message content through the real plugin server: off by default (nothing from bodies is
// exported), and when captured every value is redacted before it leaves the process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as F from '../fixtures/serialized-logs';
import { startHarness, type Harness } from '../helpers/plugin-harness';

// Secrets of every preset kind; the card number passes the Luhn check.
const EMAIL = 'jane.doe@example.com';
const CARD = '4111 1111 1111 1111';
const BEARER = 'Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.sig';
const API_KEY = 'sk-proj-abcdefghijklmnopqrstuvwx1234';
const CUSTOM = 'ACME-77-SECRET';
const SECRETS = [EMAIL, CARD, BEARER.slice(7), API_KEY, CUSTOM];
const PROMPT_TEXT = 'UNIQUE-PROMPT-MARKER';

const toolRequest = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: `Be helpful. ${PROMPT_TEXT}` },
    { role: 'user', content: `Mail ${EMAIL}, card ${CARD}, auth ${BEARER}` },
    {
      role: 'assistant',
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'lookup', arguments: JSON.stringify({ key: API_KEY }) },
        },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: `found ${CUSTOM}` },
  ],
  tools: [
    {
      type: 'function',
      function: { name: 'lookup', description: 'Looks things up', parameters: { type: 'object' } },
    },
  ],
};
const toolResponse = {
  id: 'chatcmpl-tools',
  object: 'chat.completion',
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: `Your key ${API_KEY} and mail ${EMAIL}`,
        tool_calls: [
          {
            id: 'call_2',
            type: 'function',
            function: { name: 'charge', arguments: JSON.stringify({ card: CARD }) },
          },
        ],
      },
    },
  ],
  usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 },
};
const embeddingsRequest = {
  model: 'text-embedding-3-small',
  input: [`embed ${EMAIL} ${CUSTOM}`, 'plain'],
};

describe('message content capture', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.stop();
  });

  const run = async (entityId: string, config: Record<string, unknown>, tag: string) => {
    const entity = h.entity(entityId, config);
    const chat = F.log39({ request: toolRequest, response: toolResponse });
    (chat.request as Record<string, unknown>).id = `${tag}-chat`;
    const emb = F.log39({
      request: embeddingsRequest,
      response: F.EMBEDDINGS_RESPONSE,
      upstreamUri: '/v1/embeddings',
    });
    (emb.request as Record<string, unknown>).id = `${tag}-emb`;
    await h.runLog(entity, { serialized: chat });
    await h.runLog(entity, { serialized: emb });
    return { chat: await h.spanFor(`${tag}-chat`), emb: await h.spanFor(`${tag}-emb`) };
  };

  const exportedBytes = (): string =>
    h.receiver.requests.map(r => r.body.toString('latin1')).join('\n');

  it('exports nothing from message bodies with capture off (the default)', async () => {
    const { chat } = await run('cc000000-0000-4000-8000-000000000001', {}, 'off');
    assert.equal(chat.attributes['gen_ai.prompt.0.content'], undefined);
    assert.equal(chat.attributes['gen_ai.input.messages'], undefined);
    const bytes = exportedBytes();
    for (const secret of [...SECRETS, PROMPT_TEXT, 'found ', 'Looks things up']) {
      assert.ok(!bytes.includes(secret), `"${secret}" must not be exported`);
    }
  });

  it('captures content when asked, with every preset and pattern redacted everywhere', async () => {
    const { chat, emb } = await run(
      'cc000000-0000-4000-8000-000000000002',
      { capture_message_content: true, redact_patterns: ['ACME-\\d+-SECRET'] },
      'on',
    );
    const a = chat.attributes;
    // Content is there (legacy and latest vocabularies)...
    assert.equal(a['gen_ai.prompt.0.role'], 'system');
    assert.equal(a['gen_ai.prompt.0.content'], `Be helpful. ${PROMPT_TEXT}`);
    assert.equal(a['gen_ai.prompt.1.content'], 'Mail [REDACTED], card [REDACTED], auth [REDACTED]');
    assert.equal(a['gen_ai.prompt.2.tool_calls.0.name'], 'lookup');
    assert.equal(a['gen_ai.prompt.3.tool_call_id'], 'call_1');
    assert.equal(a['gen_ai.completion.0.role'], 'assistant');
    assert.equal(a['gen_ai.completion.0.tool_calls.0.name'], 'charge');
    assert.equal(a['llm.request.functions.0.name'], 'lookup');
    assert.equal(a['llm.request.functions.0.description'], 'Looks things up');
    const input = JSON.parse(String(a['gen_ai.input.messages'])) as {
      role: string;
      parts: { type: string }[];
    }[];
    assert.deepEqual(
      input.map(m => m.role),
      ['system', 'user', 'assistant', 'tool'],
    );
    assert.equal(input[3]!.parts[0]!.type, 'tool_call_response');
    const output = JSON.parse(String(a['gen_ai.output.messages'])) as {
      finish_reason: string;
      parts: { type: string }[];
    }[];
    assert.equal(output[0]!.finish_reason, 'tool_calls');
    assert.deepEqual(
      output[0]!.parts.map(p => p.type),
      ['text', 'tool_call'],
    );
    assert.ok(String(a['gen_ai.tool.definitions']).includes('"lookup"'));
    assert.equal(emb.attributes['gen_ai.prompt.1.content'], 'plain');
    assert.equal(emb.attributes['gen_ai.prompt.0.content'], 'embed [REDACTED] [REDACTED]');
    // ...and no secret is anywhere in the exported protobuf bytes.
    const bytes = exportedBytes();
    assert.ok(bytes.includes(PROMPT_TEXT), 'sanity: captured content is in the bytes');
    for (const secret of SECRETS) assert.ok(!bytes.includes(secret), `"${secret}" leaked`);
  });

  it('truncates long content to max_content_length with a visible marker', async () => {
    const long = F.log39({
      request: { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(5000) }] },
    });
    (long.request as Record<string, unknown>).id = 'trunc-chat';
    await h.runLog(
      h.entity('cc000000-0000-4000-8000-000000000003', {
        capture_message_content: true,
        max_content_length: 100,
      }),
      { serialized: long },
    );
    const content = String((await h.spanFor('trunc-chat')).attributes['gen_ai.prompt.0.content']);
    assert.equal(content.length, 100);
    assert.ok(content.endsWith('…[truncated]'));
  });
});
