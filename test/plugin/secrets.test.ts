// What must never leave the plugin server (docs/design.md#content-capture-and-redaction): with
// capture off, nothing from message bodies (scanned in the raw exported protobuf bytes, across
// every payload format, Kong's own AI Proxy fixtures included); with capture on, no e-mail, card
// number, bearer token or API key in any content attribute; never a request or response header
// (only `traceparent`, as the parent); and never the OTLP `headers` config values in the server's
// stdout/stderr, even when exports fail.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as F from '../fixtures/serialized-logs';
import { closedPort, sleep, unclean, withRequestId } from '../helpers/fault-tools';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';
import { startHarness, type Harness } from '../helpers/plugin-harness';
import type { EventResult, PluginEntity } from '../kong-emulator/emulator';

type Json = Record<string, unknown>;

const KONG_FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/kong-ai-proxy');

/** One of each secret kind the presets promise to remove; `needle` is what must not be exported. */
const SECRETS: { readonly text: string; readonly needle: string }[] = [
  { text: 'jane.doe+llm@corp.example.com', needle: 'jane.doe+llm@corp.example.com' },
  { text: '4111 1111 1111 1111', needle: '4111 1111 1111 1111' },
  { text: '5500-0000-0000-0004', needle: '5500-0000-0000-0004' },
  { text: '378282246310005', needle: '378282246310005' },
  { text: 'Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.c2ln', needle: 'eyJhbGciOiJIUzI1NiJ9' },
  { text: 'sk-proj-Zx9Qw8Er7Ty6Ui5Op4As3Df2', needle: 'Zx9Qw8Er7Ty6Ui5Op4As3Df2' },
  { text: 'sk-ant-api03-Qw8Er7Ty6Ui5Op4As3Df2Gh1', needle: 'Qw8Er7Ty6Ui5Op4As3Df2Gh1' },
  { text: 'AKIAIOSFODNN7EXAMPLE', needle: 'AKIAIOSFODNN7EXAMPLE' },
  { text: 'AIzaSyA1234567890abcdefghijklmnopqrstuv', needle: 'SyA1234567890abcdefghij' },
  { text: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', needle: 'ghp_abcdefghijklmnopqrstu' },
  { text: 'xoxb-1234567890-abcdefghij', needle: 'xoxb-1234567890' },
  { text: 'hf_abcdefghijklmnopqrstuvwxyz0123', needle: 'hf_abcdefghijklmnopqrst' },
  { text: `dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.${'Q'.repeat(64)}`, needle: 'ABCDEFGHIJKLMNOPQRSTUVWX' },
  { text: 'api_key="s3cr3t-v4lue-99"', needle: 's3cr3t-v4lue-99' },
];

/** Header values that must never be exported, capture on or off. */
const HEADER_SECRETS = {
  authorization: 'Bearer HDRSECRET-authorization-9f3k',
  'x-api-key': 'HDRSECRET-x-api-key-2m7q',
  'api-key': 'HDRSECRET-azure-api-key-5t1w',
  cookie: 'session=HDRSECRET-cookie-8v4z',
  'proxy-authorization': 'Basic HDRSECRET-proxy-auth-3c6y',
};
const RESPONSE_HEADER_SECRETS = {
  'set-cookie': 'sid=HDRSECRET-set-cookie-1n2b',
  'x-upstream-token': 'HDRSECRET-upstream-token-4h8j',
};
const HEADER_NEEDLES = ['HDRSECRET'];

/**
 * Content-carrying attributes of both vocabularies (docs/design.md#content-capture-and-redaction).
 */
const CONTENT_KEY =
  /^gen_ai\.(prompt|completion)\.\d+\.(content|refusal|tool_calls\.\d+\.arguments)$|^gen_ai\.(input|output)\.messages$|^gen_ai\.system_instructions$|^gen_ai\.tool\.definitions$|^llm\.request\.functions\.\d+\.(description|parameters)$/;

/**
 * The fixture scenarios, each message text a distinctive marker plus (rotating) one secret. The
 * markers show capture off exports no body text; the secrets show capture on redacts all kinds.
 */
function scenarios(tag: string): { name: string; log: Json; texts: string[] }[] {
  let n = 0;
  const texts: string[] = [];
  const say = (where: string): string => {
    const secret = SECRETS[n++ % SECRETS.length]!.text;
    const text = `MARK-${tag}-${where}-${n} says ${secret} ok`;
    texts.push(text);
    return text;
  };
  const collect = (name: string, log: Json) => {
    const out = { name, log, texts: texts.splice(0) };
    const request = log.request as Json;
    request.headers = {
      ...(request.headers as Json),
      ...HEADER_SECRETS,
      traceparent: F.TRACEPARENT,
    };
    const response = log.response as Json;
    response.headers = { ...(response.headers as Json), ...RESPONSE_HEADER_SECRETS };
    return out;
  };
  const chatResponse = (content: string): Json => ({
    ...F.CHAT_RESPONSE,
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
  });
  return [
    collect(
      'chat',
      F.log39({
        request: {
          model: 'gpt-4o-mini',
          messages: [
            { role: 'system', content: say('system') },
            { role: 'user', content: [{ type: 'text', text: say('user-part') }] },
            { role: 'assistant', content: say('assistant'), refusal: say('refusal') },
          ],
        },
        response: chatResponse(say('answer')),
      }),
    ),
    collect(
      'completion',
      F.log39({
        request: { model: 'gpt-3.5-turbo-instruct', prompt: say('prompt') },
        response: { ...F.COMPLETION_RESPONSE, choices: [{ index: 0, text: say('completion') }] },
        upstreamUri: '/v1/completions',
      }),
    ),
    collect(
      'embeddings',
      F.log39({
        request: { model: 'text-embedding-3-small', input: [say('embed-1'), say('embed-2')] },
        response: F.EMBEDDINGS_RESPONSE,
        upstreamUri: '/v1/embeddings',
      }),
    ),
    collect(
      'stream',
      (() => {
        const streamed = say('stream-answer');
        const log = F.log39({
          request: {
            model: 'gpt-4o-mini',
            stream: true,
            messages: [{ role: 'user', content: say('stream-q') }],
          },
          response: {
            object: 'chat.completion',
            choices: [
              {
                index: 0,
                finish_reason: 'stop',
                message: { role: 'assistant', content: streamed },
              },
            ],
            usage: { prompt_tokens: 18, completion_tokens: 13, total_tokens: 31 },
            response: streamed,
          },
        });
        (log.response as Json).headers = { 'content-type': 'text/event-stream' };
        return log;
      })(),
    ),
    collect(
      'azure',
      (() => {
        const log = F.log39({
          provider: 'azure',
          request: { messages: [{ role: 'user', content: say('azure-q') }] },
          response: {
            ...chatResponse(say('azure-a')),
            prompt_filter_results: [
              {
                prompt_index: 0,
                content_filter_results: { hate: { filtered: false, severity: 'safe' } },
              },
            ],
          },
        });
        const meta = ((log.ai as Json).proxy as Json).meta as Json;
        Object.assign(meta, {
          azure_instance_id: 'my-inst',
          azure_deployment_id: 'gpt4o-prod',
          azure_api_version: '2024-06-01',
        });
        return log;
      })(),
    ),
    collect(
      'tools',
      F.log39({
        request: {
          model: 'gpt-4o-mini',
          messages: [
            { role: 'user', content: say('tool-q') },
            {
              role: 'assistant',
              tool_calls: [
                {
                  id: 'call_1',
                  type: 'function',
                  function: { name: 'lookup', arguments: JSON.stringify({ q: say('tool-args') }) },
                },
              ],
            },
            { role: 'tool', tool_call_id: 'call_1', content: say('tool-result') },
          ],
          tools: [
            {
              type: 'function',
              function: {
                name: 'lookup',
                description: say('tool-description'),
                parameters: {
                  type: 'object',
                  properties: { q: { type: 'string', description: say('tool-param') } },
                },
              },
            },
          ],
        },
        response: {
          ...F.CHAT_RESPONSE,
          choices: [
            {
              index: 0,
              finish_reason: 'tool_calls',
              message: {
                role: 'assistant',
                content: say('tool-answer'),
                tool_calls: [
                  {
                    id: 'call_2',
                    type: 'function',
                    function: {
                      name: 'charge',
                      arguments: JSON.stringify({ note: say('resp-args') }),
                    },
                  },
                ],
              },
            },
          ],
        },
      }),
    ),
    collect(
      'anthropic',
      F.log39({
        provider: 'anthropic',
        request: {
          model: 'claude-3-5-sonnet',
          system: say('anthropic-system'),
          max_tokens: 100,
          messages: [{ role: 'user', content: [{ type: 'text', text: say('anthropic-user') }] }],
        },
        response: chatResponse(say('anthropic-answer')),
        upstreamUri: '/v1/messages',
      }),
    ),
    collect(
      'gemini',
      F.log39({
        provider: 'gemini',
        request: {
          contents: [{ role: 'user', parts: [{ text: say('gemini-user') }] }],
          systemInstruction: { parts: [{ text: say('gemini-system') }] },
          generationConfig: { maxOutputTokens: 64 },
        },
        response: chatResponse(say('gemini-answer')),
      }),
    ),
    collect(
      'bedrock',
      F.log39({
        provider: 'bedrock',
        request: {
          messages: [{ role: 'user', content: [{ text: say('bedrock-user') }] }],
          system: [{ text: say('bedrock-system') }],
          inferenceConfig: { maxTokens: 64 },
        },
        response: chatResponse(say('bedrock-answer')),
      }),
    ),
    collect(
      'cohere',
      F.log39({
        provider: 'cohere',
        request: {
          message: say('cohere-message'),
          preamble: say('cohere-preamble'),
          chat_history: [{ role: 'USER', message: say('cohere-history') }],
        },
        response: chatResponse(say('cohere-answer')),
      }),
    ),
  ];
}

/** Distinctive pieces of every message text of a Kong fixture body (metadata keys excluded). */
const METADATA_KEYS = new Set([
  'model',
  'role',
  'anthropic_version',
  'finish_reason',
  'object',
  'id',
]);
function bodyTexts(value: unknown, key = ''): string[] {
  if (typeof value === 'string') {
    return METADATA_KEYS.has(key) || value.length < 10 ? [] : [value.slice(0, 32)];
  }
  if (Array.isArray(value)) return value.flatMap(v => bodyTexts(v, key));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => bodyTexts(v, k));
  return [];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

/** Every export request body a receiver accepted, as one buffer (protobuf strings are UTF-8). */
const exportedBytes = (receiver: OtlpReceiver): Buffer =>
  Buffer.concat(receiver.requests.map(r => r.body));
const spanIn = (receiver: OtlpReceiver, id: string) =>
  receiver.waitFor(r => r.spans().find(s => s.attributes['kong.request.id'] === id), 5000);
const found = (bytes: Buffer, needles: readonly string[]): string[] =>
  needles.filter(needle => bytes.includes(Buffer.from(needle, 'utf8')));

describe('secrets never leave the plugin server', () => {
  let h: Harness;
  const extra: OtlpReceiver[] = [];
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.stop();
    await Promise.all(extra.map(r => r.close()));
  });

  async function runAll(
    entity: PluginEntity,
    logs: readonly { name: string; log: Json }[],
    tag: string,
  ): Promise<string[]> {
    const ids: string[] = [];
    const results: EventResult[] = [];
    for (const { name, log } of logs) {
      const id = `${tag}-${name}`;
      ids.push(id);
      results.push(
        await h.runLog(entity, {
          serialized: withRequestId(log, id),
          requestHeaders: HEADER_SECRETS,
        }),
      );
    }
    assert.deepEqual(unclean(results), []);
    return ids;
  }

  it('capture off: no message text, no header, from any payload format, reaches the exported bytes', async () => {
    const entity = h.entity('5e000000-0000-4000-8000-000000000001', {
      metrics_export_interval_ms: 200,
    });
    const cases = scenarios('off');
    const ids = await runAll(entity, cases, 'off');
    for (const id of ids) {
      const span = await h.spanFor(id);
      // The only header used: the caller's traceparent, as the parent.
      assert.equal(span.traceId, F.TRACE_ID);
      assert.equal(span.parentSpanId, F.PARENT_SPAN_ID);
      assert.deepEqual(
        Object.keys(span.attributes).filter(k => CONTENT_KEY.test(k)),
        [],
      );
    }
    await h.receiver.waitFor(r => r.metrics().length > 0, 5000); // metric bytes scanned too
    const bytes = exportedBytes(h.receiver);
    assert.deepEqual(found(bytes, ids), ids, 'sanity: the scan sees exported strings');
    const texts = cases.flatMap(c => c.texts);
    assert.ok(texts.length >= 30);
    assert.deepEqual(
      found(
        bytes,
        texts.map(t => t.split(' says ')[0]!),
      ),
      [],
      'message markers',
    );
    assert.deepEqual(
      found(
        bytes,
        SECRETS.map(s => s.needle),
      ),
      [],
      'secrets',
    );
    assert.deepEqual(found(bytes, HEADER_NEEDLES), [], 'headers');
  });

  it("capture off: Kong's AI Proxy fixtures (provider-native requests) export no body text", async t => {
    const requestsDir = path.join(KONG_FIXTURES, 'unit/expected-requests');
    if (!existsSync(requestsDir)) {
      t.skip(`Kong AI Proxy fixtures not found at ${KONG_FIXTURES}`);
      return;
    }
    const receiver = await startOtlpReceiver();
    extra.push(receiver);
    const entity = h.entity('5e000000-0000-4000-8000-000000000002', {
      traces_endpoint: receiver.tracesUrl,
      metrics_endpoint: receiver.metricsUrl,
    });
    const needles: string[] = [];
    const ids: string[] = [];
    for (const file of filesUnder(requestsDir).filter(f => f.endsWith('.json'))) {
      const relative = path.relative(requestsDir, file);
      const provider = relative.split(path.sep)[0]!;
      const requestText = readFileSync(file, 'utf8');
      const responseFile = path.join(KONG_FIXTURES, 'unit/expected-responses', relative);
      const responseText = existsSync(responseFile)
        ? readFileSync(responseFile, 'utf8')
        : undefined;
      needles.push(...bodyTexts(JSON.parse(requestText)));
      if (responseText !== undefined) needles.push(...bodyTexts(JSON.parse(responseText)));
      const id = `kong-fixture-${relative.replace(/[^a-z0-9]+/gi, '-')}`;
      ids.push(id);
      const log = F.log39({
        provider,
        requestText,
        ...(responseText === undefined ? {} : { responseText }),
        upstreamUri: relative.includes('completions') ? '/v1/completions' : '/v1/chat/completions',
      });
      const result = await h.runLog(entity, { serialized: withRequestId(log, id) });
      assert.deepEqual(unclean([result]), []);
    }
    for (const id of ids) await spanIn(receiver, id);
    const bytes = exportedBytes(receiver);
    assert.deepEqual(found(bytes, ids), ids, 'sanity: every fixture exported a span');
    assert.ok(needles.length > 50, `${needles.length} body texts`);
    assert.deepEqual(found(bytes, [...new Set(needles)]), []);
    t.diagnostic(
      `${ids.length} Kong fixtures, ${new Set(needles).size} distinct body texts, none exported`,
    );
  });

  it('capture on: every content attribute is redacted (all presets), headers still never exported', async () => {
    const receiver = await startOtlpReceiver();
    extra.push(receiver);
    const entity = h.entity('5e000000-0000-4000-8000-000000000003', {
      traces_endpoint: receiver.tracesUrl,
      metrics_endpoint: receiver.metricsUrl,
      capture_message_content: true,
      semconv: 'both',
    });
    const cases = scenarios('on');
    const ids = await runAll(entity, cases, 'on');
    const needles = SECRETS.map(s => s.needle);
    let contentValues = 0;
    for (const id of ids) {
      const span = await spanIn(receiver, id);
      for (const [key, value] of Object.entries(span.attributes)) {
        if (!CONTENT_KEY.test(key)) continue;
        contentValues += 1;
        const text = JSON.stringify(value);
        assert.deepEqual(found(Buffer.from(text), needles), [], `${id}: ${key} = ${text}`);
      }
      assert.equal(span.parentSpanId, F.PARENT_SPAN_ID);
    }
    assert.ok(contentValues > 40, `${contentValues} content values checked`);
    const bytes = exportedBytes(receiver);
    const markers = cases.flatMap(c => c.texts).map(t => t.split(' says ')[0]!);
    assert.deepEqual(found(bytes, markers), markers, 'sanity: captured content is exported');
    assert.deepEqual(found(bytes, needles), [], 'no secret anywhere in the exported bytes');
    assert.deepEqual(found(bytes, HEADER_NEEDLES), [], 'no header anywhere in the exported bytes');
  });

  it('never prints OTLP header values (vault-resolved tokens), even when exports fail', async () => {
    const token = `dt0c01.SECRETAPITOKEN24CHARSXY.${'S'.repeat(60)}SEND`;
    const metricsToken = 'mhdr-SECRET-value-for-metrics-7k2p';
    const headers = {
      headers: { Authorization: `Api-Token ${token}` },
      metrics_headers: { 'X-Metrics-Key': metricsToken },
    };
    const r401 = await startOtlpReceiver();
    const r500 = await startOtlpReceiver();
    extra.push(r401, r500);
    r401.setFault('status:401');
    r500.setFault('status:500');
    const refused = `http://127.0.0.1:${await closedPort()}`;
    const targets = [r401.url, r500.url, refused];
    const entities = targets.map((base, i) =>
      h.entity(`5e000000-0000-4000-8000-00000000001${i}`, {
        ...headers,
        traces_endpoint: `${base}/v1/traces`,
        metrics_endpoint: `${base}/v1/metrics`,
        timeout_ms: 500,
        metrics_export_interval_ms: 200,
      }),
    );
    // And an invalid config carrying the same headers: its error line must not echo them.
    entities.push(
      h.entity('5e000000-0000-4000-8000-000000000019', { ...headers, redact_patterns: ['('] }),
    );
    const results: EventResult[] = [];
    for (const entity of entities) {
      for (let i = 0; i < 5; i += 1) {
        results.push(await h.runLog(entity, { serialized: F.log39() }));
      }
    }
    assert.deepEqual(unclean(results), []);
    // Sanity: the secrets really were sent (so the process held them), and exports failed.
    await r401.waitFor(r => r.attempts.some(a => a.path === '/v1/metrics'), 5000);
    await r500.waitFor(r => r.attempts.some(a => a.path === '/v1/metrics'), 5000);
    assert.equal(
      r401.attempts.find(a => a.path === '/v1/traces')?.headers.authorization,
      `Api-Token ${token}`,
    );
    assert.equal(
      r500.attempts.find(a => a.path === '/v1/metrics')?.headers['x-metrics-key'],
      metricsToken,
    );
    const output = (): string => h.server.stdout() + h.server.stderr();
    const deadline = Date.now() + 5000;
    while (!/ECONNREFUSED/.test(output()) && Date.now() < deadline) await sleep(50);
    assert.match(output(), /Unauthorized|Internal Server Error|ECONNREFUSED/);
    assert.match(output(), /invalid plugin config/);
    for (const needle of [
      token,
      'SECRETAPITOKEN24CHARSXY',
      'SSSSSSSSSSSSSSSSSSSSSEND',
      metricsToken,
      'SECRET-value',
    ]) {
      assert.ok(!output().includes(needle), `"${needle}" appears in the plugin server output`);
    }
  });
});
