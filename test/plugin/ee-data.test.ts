// EE 3.11+ data through the real plugin server and the OTLP receiver, from this project's own
// logs (test/fixtures/ee-logs.ts, so it runs without the shared corpus): guard verdicts and a judge
// score on the call's span, the block counter, failover to a custom upstream, cache-write pricing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  eeAnthropicCacheLog,
  eeBlockedLog,
  eeFailoverLog,
  eeGuardedJudgedLog,
} from '../fixtures/ee-logs';
import type { FlatSpan } from '../helpers/otlp-receiver';
import { startHarness, type Harness } from '../helpers/plugin-harness';

type Obj = Record<string, unknown>;

describe('EE 3.11+ data through the plugin server', () => {
  let h: Harness;
  let n = 0;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.stop();
  });

  async function run(log: Obj, config: Obj = {}): Promise<{ span: FlatSpan; service: string }> {
    const id = `ee-data-${++n}`;
    (log.request as Obj).id = id;
    const service = `ee-data-${n}`;
    const entity = h.entity(`d0000000-0000-4000-8000-${String(n).padStart(12, '0')}`, {
      service_name: service,
      metrics_export_interval_ms: 200,
      ...config,
    });
    await h.runLog(entity, { serialized: log });
    return { span: await h.spanFor(id), service };
  }

  it('guards become events on the call span (faulty text only redacted, with capture), blocks are counted, the judge score is an evaluation event', async () => {
    const { span, service } = await run(eeGuardedJudgedLog(), { capture_message_content: true });
    const guards = span.events.filter(e => e.name === 'kong.gen_ai.guard');
    assert.deepEqual(
      guards.map(e => e.attributes['kong.gen_ai.guard.name']),
      ['aws-guardrails', 'sanitizer'],
    );
    const aws = guards[0]!.attributes;
    assert.equal(aws['kong.gen_ai.guard.blocked'], true);
    assert.equal(aws['kong.gen_ai.guard.blocked_side'], 'output');
    assert.equal(aws['kong.gen_ai.guard.block_source'], 'ai-aws-guardrails');
    assert.equal(aws['kong.gen_ai.guard.block_reason'], 'PII');
    assert.equal(aws['kong.gen_ai.guard.output_latency_ms'], 55);
    assert.equal(aws['kong.gen_ai.guard.guardrails_version'], 'DRAFT');
    assert.equal(aws['kong.gen_ai.guard.faulty_content'], 'call me at [REDACTED]');
    const sanitizer = guards[1]!.attributes;
    assert.equal(sanitizer['kong.gen_ai.guard.blocked'], false);
    assert.equal(sanitizer['kong.gen_ai.guard.pii_sanitized'], 2);
    assert.ok(!JSON.stringify(sanitizer).includes('a@b.example'), 'no raw PII item');
    const [evaluation] = span.events.filter(e => e.name === 'gen_ai.evaluation.result');
    assert.deepEqual(evaluation!.attributes, {
      'gen_ai.evaluation.name': 'llm_accuracy',
      'gen_ai.evaluation.score.value': 87,
      'gen_ai.response.id': 'chatcmpl-abc123',
      'kong.gen_ai.evaluation.judge.model': 'gpt-4.1',
      'kong.gen_ai.evaluation.judge.provider': 'openai',
    });
    // The judge is not an LLM call of its own: one span for the request.
    assert.equal(
      h.receiver
        .spans()
        .filter(s => s.attributes['kong.request.id'] === span.attributes['kong.request.id']).length,
      1,
    );
    const blocks = await h.receiver.waitFor(
      r =>
        r
          .metrics()
          .find(
            m => m.resource['service.name'] === service && m.name === 'kong.gen_ai.guard.blocks',
          ),
      5000,
    );
    assert.deepEqual(
      blocks.points.map(p => [p.attributes['kong.gen_ai.guard.name'], p.value]),
      [['aws-guardrails', 1]],
    );
  });

  it('without content capture, no faulty text leaves the plugin', async () => {
    const { span } = await run(eeGuardedJudgedLog());
    const guard = span.events.find(e => e.name === 'kong.gen_ai.guard')!;
    assert.equal(guard.attributes['kong.gen_ai.guard.faulty_content'], undefined);
    assert.ok(!JSON.stringify(span.events.map(e => e.attributes)).includes('jane@example.com'));
  });

  it('failover to a custom upstream: server.* of the answering target, one event for the 503', async () => {
    const { span } = await run(eeFailoverLog());
    assert.equal(span.attributes['server.address'], 'llm.internal.example');
    assert.equal(span.attributes['server.port'], 8443);
    const [attempt, ...more] = span.events.filter(e => e.name === 'kong.gen_ai.upstream.attempt');
    assert.equal(more.length, 0);
    assert.equal(attempt!.attributes['gen_ai.provider.name'], 'mistral_ai');
    assert.equal(attempt!.attributes['error.type'], '503');
    assert.equal(attempt!.attributes['kong.gen_ai.upstream.state'], 'failed');
    assert.equal(span.status.code, 'STATUS_CODE_UNSET');
  });

  it('Anthropic cache reads and writes priced apart with cache_write (latest: kong.gen_ai.usage.cost)', async () => {
    const { span } = await run(eeAnthropicCacheLog(), {
      semconv: 'latest',
      pricing: [{ model: 'claude-*', input: 1, output: 5, cached_input: 0.1, cache_write: 1.25 }],
    });
    const a = span.attributes;
    assert.equal(a['gen_ai.usage.input_tokens'], 2510);
    assert.equal(a['gen_ai.usage.cache_read.input_tokens'], 2000);
    assert.equal(a['gen_ai.usage.cache_creation.input_tokens'], 500);
    assert.equal(a['gen_ai.usage.cost'], undefined, 'no invented gen_ai.* name in latest');
    const expected = (10 * 1 + 2000 * 0.1 + 500 * 1.25 + 40 * 5) / 1e6;
    assert.ok(Math.abs(Number(a['kong.gen_ai.usage.cost']) - expected) < 1e-12);
    assert.equal(a['kong.gen_ai.cost.source'], 'pricing');
  });

  it('a guard block before any LLM call: its own span with error.type', async () => {
    const { span } = await run(eeBlockedLog());
    assert.equal(span.name, 'guard custom-guardrail');
    assert.equal(span.kind, 'SPAN_KIND_INTERNAL');
    assert.equal(span.status.code, 'STATUS_CODE_ERROR');
    assert.equal(span.attributes['error.type'], '400');
    assert.equal(span.attributes['kong.gen_ai.guard.block_reason'], 'jailbreak');
    assert.equal(span.endTimeUnixNano - span.startTimeUnixNano, 31_000_000n);
  });
});
