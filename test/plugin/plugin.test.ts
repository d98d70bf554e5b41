// The plugin as Kong runs it: built entry in the real kong-js-pluginserver, driven by the Kong
// emulator, spans decoded from real OTLP protobuf. Logs are in the OSS 3.9 shape (`ai.proxy`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as F from '../fixtures/serialized-logs';
import { streamLog39, streamLogEe312 } from '../fixtures/stream-logs';
import { startOtlpReceiver } from '../helpers/otlp-receiver';
import { ROOT, startHarness, type Harness } from '../helpers/plugin-harness';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

let h: Harness;
let seq = 0;
/** A 3.9 log with a unique request id, so each test finds its own span. */
function uniqueLog(build: (o?: F.LogOptions) => Record<string, unknown>, o: F.LogOptions = {}) {
  const log = build(o);
  const id = `req-${process.pid}-${++seq}`;
  (log.request as Record<string, unknown>).id = id;
  return { log, id };
}

const toNanos = (ms: number): bigint => BigInt(ms) * 1_000_000n;
const CONTENT_KEY =
  /^gen_ai\.(prompt|completion)\.\d+\.(role|content|tool_calls)|^gen_ai\.(input|output)\.messages$|^gen_ai\.system_instructions$|^gen_ai\.tool\.definitions$|^llm\.request\.functions\./;

before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.stop();
});

describe('plugin info (Kong query command)', () => {
  it('dumps pure JSON with exactly this plugin, log phase only, equal to the golden file', () => {
    const dump = JSON.parse(h.dumpStdout) as Record<string, unknown>[];
    const golden = JSON.parse(
      readFileSync(path.join(ROOT, 'schemas/genai-otel.kong.json'), 'utf8'),
    ) as unknown;
    assert.deepEqual(dump, golden, 'run `npm run schema:dump` and review the diff');
    assert.equal(dump.length, 1);
    const info = dump[0]!;
    assert.equal(info.Name, 'genai-otel');
    assert.equal(info.Version, pkg.version);
    assert.deepEqual(info.Phases, ['log']);
    assert.ok(typeof info.Priority === 'number' && info.Priority < 765);
  });
});

describe('one span per AI Proxy call', () => {
  const cases = [
    {
      op: 'chat',
      request: F.CHAT_REQUEST,
      response: F.CHAT_RESPONSE,
      model: 'gpt-4o-mini',
      upstream: '/v1/chat/completions',
    },
    {
      op: 'completion',
      request: F.COMPLETION_REQUEST,
      response: F.COMPLETION_RESPONSE,
      model: 'gpt-3.5-turbo-instruct',
      upstream: '/v1/completions',
    },
    {
      op: 'embedding',
      request: F.EMBEDDINGS_REQUEST,
      response: F.EMBEDDINGS_RESPONSE,
      model: 'text-embedding-3-small',
      upstream: '/v1/embeddings',
    },
  ] as const;
  const latestOp = { chat: 'chat', completion: 'text_completion', embedding: 'embeddings' };

  for (const c of cases) {
    for (const mode of ['legacy', 'latest', 'both'] as const) {
      it(`exports a ${c.op} span in ${mode} mode`, async () => {
        const entity = h.entity(
          `00000000-0000-4000-8000-0000000000${mode === 'legacy' ? '01' : mode === 'latest' ? '02' : '03'}`,
          { semconv: mode },
        );
        const { log, id } = uniqueLog(F.log39, {
          request: c.request,
          response: c.response,
          requestModel: c.model,
          responseModel: c.response.model,
          traceparent: F.TRACEPARENT,
          upstreamUri: c.upstream,
          promptTokens: c.response.usage.prompt_tokens,
          completionTokens:
            'completion_tokens' in c.response.usage ? c.response.usage.completion_tokens : 0,
        });
        const event = await h.runLog(entity, { serialized: log });
        assert.equal(event.pdkCalls, 1);
        assert.deepEqual(event.methods, ['kong.log.serialize']);
        assert.equal(event.timedOut, false);

        const span = await h.spanFor(id);
        assert.equal(
          span.name,
          mode === 'legacy' ? `openai.${c.op}` : `${latestOp[c.op]} ${c.model}`,
        );
        assert.equal(span.kind, 'SPAN_KIND_CLIENT');
        assert.equal(span.traceId, F.TRACE_ID);
        assert.equal(span.parentSpanId, F.PARENT_SPAN_ID);
        assert.equal(span.startTimeUnixNano, toNanos(F.STARTED_AT + 3));
        assert.equal(span.endTimeUnixNano, toNanos(F.STARTED_AT + 3 + 1258));
        assert.equal(span.status.code, 'STATUS_CODE_UNSET');
        assert.equal(span.scope.name, 'kong-genai-otel');
        assert.equal(span.scope.version, pkg.version);
        assert.equal(span.resource['service.name'], 'kong');

        const a = span.attributes;
        assert.equal(a['gen_ai.request.model'], c.model);
        assert.equal(a['gen_ai.response.model'], c.response.model);
        assert.equal(a['server.address'], 'api.openai.com');
        assert.equal(a['server.port'], 443);
        assert.equal(a['kong.route.name'], 'openai-chat');
        assert.equal(a['kong.service.name'], 'llm');
        assert.equal(a['kong.consumer.username'], 'team-a');
        assert.equal(a['kong.workspace.name'], 'default');
        assert.equal(a['kong.plugin.id'], '6e7c40f6-0000-4000-8000-000000000001');
        assert.equal(a['kong.gen_ai.request.mode'], 'oneshot');
        assert.equal(a['kong.trace_id'], undefined, 'a valid traceparent is the parent');
        const legacy = mode !== 'latest';
        const latest = mode !== 'legacy';
        assert.equal(a['gen_ai.system'], legacy ? 'openai' : undefined);
        assert.equal(a['llm.request.type'], legacy ? c.op : undefined);
        assert.equal(
          a['gen_ai.usage.prompt_tokens'],
          legacy ? c.response.usage.prompt_tokens : undefined,
        );
        assert.equal(a['gen_ai.provider.name'], latest ? 'openai' : undefined);
        assert.equal(a['gen_ai.operation.name'], latest ? latestOp[c.op] : undefined);
        assert.equal(
          a['gen_ai.usage.input_tokens'],
          latest ? c.response.usage.prompt_tokens : undefined,
        );
        assert.equal(
          a['llm.usage.total_tokens'],
          legacy ? c.response.usage.total_tokens : undefined,
        );
        if (c.op !== 'embedding') {
          assert.equal(a['gen_ai.response.id'], c.response.id);
          const finish = c.response.choices[0]!.finish_reason;
          assert.equal(a['gen_ai.completion.0.finish_reason'], legacy ? finish : undefined);
          assert.deepEqual(a['gen_ai.response.finish_reasons'], latest ? [finish] : undefined);
        } else {
          assert.equal(a['gen_ai.embeddings.dimension.count'], latest ? 4 : undefined);
        }
        const content = Object.keys(a).filter(k => CONTENT_KEY.test(k));
        assert.deepEqual(content, [], 'no content attributes with capture off');
      });
    }
  }

  it('exports exactly the promised attribute set for a chat call in both mode', async () => {
    const { log, id } = uniqueLog(F.log39, { cost: 0.0000195 });
    await h.runLog(h.entity('00000000-0000-4000-8000-000000000003', { semconv: 'both' }), {
      serialized: log,
    });
    const span = await h.spanFor(id);
    assert.deepEqual(span.attributes, {
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.request.max_tokens': 256,
      'gen_ai.request.temperature': 0,
      'gen_ai.request.top_p': 0,
      'gen_ai.response.id': 'chatcmpl-abc123',
      'server.address': 'api.openai.com',
      'server.port': 443,
      'kong.route.name': 'openai-chat',
      'kong.route.id': 'r0000000-0000-4000-8000-000000000001',
      'kong.service.name': 'llm',
      'kong.service.id': 's0000000-0000-4000-8000-000000000001',
      'kong.consumer.username': 'team-a',
      'kong.auth.consumer.name': 'team-a',
      'kong.consumer.id': 'c0ffee00-0000-4000-8000-000000000001',
      'kong.workspace.name': 'default',
      'kong.request.id': id,
      'kong.plugin.id': '6e7c40f6-0000-4000-8000-000000000001',
      'kong.trace_id': 'aaaabbbbccccddddeeeeffff00001111',
      'kong.gen_ai.request.mode': 'oneshot',
      'kong.gen_ai.sampling.reason': 'ratio',
      'gen_ai.usage.cost': 0.0000195,
      'kong.gen_ai.usage.cost': 0.0000195,
      'kong.gen_ai.cost.source': 'kong',
      'gen_ai.system': 'openai',
      'llm.request.type': 'chat',
      'gen_ai.usage.prompt_tokens': 25,
      'gen_ai.usage.completion_tokens': 12,
      'llm.usage.total_tokens': 37,
      'gen_ai.openai.api_base': 'https://api.openai.com',
      'gen_ai.openai.system_fingerprint': 'fp_44709d6fcb',
      'llm.is_streaming': false,
      'gen_ai.completion.0.finish_reason': 'stop',
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.usage.input_tokens': 25,
      'gen_ai.usage.output_tokens': 12,
      'openai.response.system_fingerprint': 'fp_44709d6fcb',
      'gen_ai.response.finish_reasons': ['stop'],
    });
    assert.equal(span.parentSpanId, undefined, 'no traceparent: a new trace');
  });

  it('records the same tokens and models for every Kong log shape', async () => {
    const entity = h.entity('00000000-0000-4000-8000-000000000004');
    for (const build of [F.log36, F.log37, F.log38, F.log39, F.logEe312]) {
      const { log, id } = uniqueLog(build);
      await h.runLog(entity, { serialized: log });
      const a = (await h.spanFor(id)).attributes;
      assert.equal(a['gen_ai.request.model'], 'gpt-4o-mini', build.name);
      assert.equal(a['gen_ai.response.model'], 'gpt-4o-mini-2024-07-18', build.name);
      assert.equal(a['gen_ai.usage.input_tokens'], 25, build.name);
      assert.equal(a['gen_ai.usage.output_tokens'], 12, build.name);
      assert.equal(a['gen_ai.usage.prompt_tokens'], 25, build.name);
      assert.equal(a['gen_ai.usage.completion_tokens'], 12, build.name);
    }
  });
});

describe('streamed calls', () => {
  it('spans the whole stream: start after Kong, end after TTFT + generation (OSS 3.9 and EE 3.12)', async () => {
    const entity = h.entity('00000000-0000-4000-8000-000000000008');
    for (const [build, ttft] of [
      [streamLog39, 410],
      [streamLogEe312, 350],
    ] as const) {
      const log = build();
      const id = `stream-${++seq}`;
      (log.request as Record<string, unknown>).id = id;
      await h.runLog(entity, { serialized: log });
      const span = await h.spanFor(id);
      const start = F.STARTED_AT + 2;
      assert.equal(span.startTimeUnixNano, toNanos(start));
      assert.equal(span.endTimeUnixNano, toNanos(start + ttft + 2905));
      assert.equal(span.attributes['gen_ai.response.time_to_first_chunk'], ttft / 1000);
      assert.equal(span.attributes['gen_ai.request.stream'], true);
    }
  });
});

describe('sampling', () => {
  it('exports no span for unsampled calls but still counts them in metrics', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const entity = h.entity('00000000-0000-4000-8000-000000000009', {
        sample_ratio: 0,
        traces_endpoint: receiver.tracesUrl,
        metrics_endpoint: receiver.metricsUrl,
        metrics_export_interval_ms: 200,
      });
      for (let i = 0; i < 3; i += 1) await h.runLog(entity, { serialized: uniqueLog(F.log39).log });
      await receiver.waitFor(r =>
        r
          .metrics()
          .some(m => m.name === 'ai_llm_requests_total' && m.points.some(p => p.value === 3)),
      );
      assert.equal(receiver.spans().length, 0);
    } finally {
      await receiver.close();
    }
  });
});

describe('errors and junk', () => {
  it('marks a 4xx/5xx upstream reply as ERROR with error.type', async () => {
    const entity = h.entity('00000000-0000-4000-8000-000000000005');
    for (const status of [429, 500, 503]) {
      const { log, id } = uniqueLog(F.log39, {
        status,
        upstreamStatus: String(status),
        payloads: false,
      });
      await h.runLog(entity, { serialized: log, status });
      const span = await h.spanFor(id);
      assert.equal(span.status.code, 'STATUS_CODE_ERROR');
      assert.equal(span.attributes['error.type'], String(status));
    }
  });

  it('exports no span for a log without AI data or with garbage, and completes every event', async () => {
    const entity = h.entity('00000000-0000-4000-8000-000000000006');
    const before = h.receiver.spans().length;
    const { ai: _ai, ...noAi } = F.log39();
    const junk: unknown[] = [
      noAi,
      'not json {',
      '[]',
      '{"ai": 12}',
      '{"ai": {"proxy": {"meta": 1}}}',
      '',
    ];
    for (const serialized of junk) {
      const event = await h.runLog(entity, { serialized });
      assert.equal(event.timedOut, false);
      assert.equal(event.pdkCalls, 1);
      assert.equal(event.error, undefined);
    }
    // A valid log afterwards arrives alone: nothing was exported for the junk.
    const { log, id } = uniqueLog(F.log39);
    await h.runLog(entity, { serialized: log });
    await h.spanFor(id);
    assert.equal(h.receiver.spans().length, before + 1);
  });

  it('logs one clear error for a config zod rejects, emits nothing, and still completes events', async () => {
    const entity = h.entity('00000000-0000-4000-8000-000000000007', {
      redact_patterns: ['(unclosed'],
    });
    const before = h.receiver.spans().length;
    for (let i = 0; i < 3; i += 1) {
      const { log } = uniqueLog(F.log39);
      const event = await h.runLog(entity, { serialized: log });
      assert.equal(event.timedOut, false);
      assert.equal(event.pdkCalls, 1);
    }
    const lines = h.server
      .stderr()
      .split('\n')
      .filter(l => l.includes('invalid plugin config'));
    assert.equal(lines.length, 1, 'one line per instance, not per request');
    assert.match(lines[0]!, /config\.redact_patterns\.0: must be a valid RE2 regular expression/);
    const { log, id } = uniqueLog(F.log39);
    await h.runLog(h.entity('00000000-0000-4000-8000-000000000004'), { serialized: log });
    await h.spanFor(id);
    assert.equal(h.receiver.spans().length, before + 1);
  });

  it('makes exactly one PDK call per log event across the whole run', () => {
    const stats = h.emulator.stats;
    assert.ok(stats.events > 20);
    assert.equal(stats.pdkCalls, stats.events);
    assert.equal(stats.timedOut, 0);
    assert.equal(stats.abandoned, 0);
  });
});
