// Outcome-aware sampling through the real plugin server: with sample_ratio 0 a mixed stream of
// calls exports exactly the failed, slow, expensive and token-heavy ones (and the caller-sampled
// one), each saying why; metrics still count every call.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as F from '../fixtures/serialized-logs';
import { startHarness, type Harness } from '../helpers/plugin-harness';
import type { FlatMetric, OtlpReceiver } from '../helpers/otlp-receiver';

let h: Harness;
let seq = 0;

before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.stop();
});

function requestsTotal(r: OtlpReceiver): number {
  // Cumulative counters: the newest export holds the totals.
  const exports = r.requests.filter(q => q.path === '/v1/metrics').length;
  if (exports === 0) return 0;
  const latest: FlatMetric[] = r.metrics().filter(m => m.name === 'ai_llm_requests_total');
  const last = latest.at(-1);
  return last === undefined ? 0 : last.points.reduce((sum, p) => sum + (p.value ?? 0), 0);
}

describe('outcome-aware sampling with sample_ratio 0', () => {
  it('exports exactly the errors, the slow, the expensive and the token-heavy calls, each with its reason', async () => {
    const entity = h.entity('5a000000-0000-4000-8000-000000000001', {
      sample_ratio: 0,
      sampling: { min_duration_ms: 5000, min_cost: 0.05, min_total_tokens: 4000 },
      metrics_export_interval_ms: 200,
    });
    const stream: [string, F.LogOptions, string | undefined][] = [
      ['fast-cheap-1', {}, undefined],
      ['server-error', { status: 500, upstreamStatus: '500' }, 'error'],
      ['fast-cheap-2', { llmLatency: 4999, cost: 0.049 }, undefined],
      ['slow', { llmLatency: 8000 }, 'duration'],
      ['rate-limited', { status: 429, upstreamStatus: '429', payloads: false }, 'error'],
      ['expensive', { cost: 0.5 }, 'cost'],
      ['fast-cheap-3', { payloads: false, promptTokens: 3000, completionTokens: 999 }, undefined],
      ['token-heavy', { payloads: false, promptTokens: 3000, completionTokens: 1000 }, 'tokens'],
      ['caller-sampled', { traceparent: F.TRACEPARENT }, 'parent'],
      ['caller-unsampled', { traceparent: F.TRACEPARENT.replace(/-01$/, '-00') }, undefined],
      [
        'caller-unsampled-error',
        { traceparent: F.TRACEPARENT.replace(/-01$/, '-00'), status: 502 },
        'error',
      ],
    ];
    const tag = `s${++seq}-${process.pid}`;
    const expected = new Map<string, string>();
    for (const [name, options, reason] of stream) {
      const log = F.log39(options);
      const id = `${tag}-${name}`;
      (log.request as Record<string, unknown>).id = id;
      const event = await h.runLog(entity, { serialized: log, status: options.status ?? 200 });
      assert.equal(event.pdkCalls, 1);
      if (reason !== undefined) expected.set(id, reason);
    }
    const ours = (r: OtlpReceiver) =>
      r.spans().filter(s => String(s.attributes['kong.request.id']).startsWith(`${tag}-`));
    await h.receiver.waitFor(r => ours(r).length >= expected.size);
    // Every call is counted, sampled or not.
    await h.receiver.waitFor(r => requestsTotal(r) === stream.length);
    // One more metric export after that: any span of a dropped call would have been exported by now.
    const seen = h.receiver.requestCount('/v1/metrics');
    await h.receiver.waitFor(r => r.requestCount('/v1/metrics') > seen + 1);
    const got = new Map(
      ours(h.receiver).map(s => [
        String(s.attributes['kong.request.id']),
        String(s.attributes['kong.gen_ai.sampling.reason']),
      ]),
    );
    assert.deepEqual(got, expected);
    const sampledByCaller = ours(h.receiver).find(
      s => s.attributes['kong.request.id'] === `${tag}-caller-sampled`,
    );
    assert.equal(sampledByCaller?.traceId, F.TRACE_ID);
    assert.equal(sampledByCaller?.parentSpanId, F.PARENT_SPAN_ID);
  });

  it('marks kept spans with reason ratio at sample_ratio 1, and keep_errors false lets errors be sampled away', async () => {
    const entity = h.entity('5a000000-0000-4000-8000-000000000002', {
      sample_ratio: 1,
      sampling: { keep_errors: false },
    });
    const id = `${++seq}-${process.pid}-ratio`;
    const log = F.log39({ status: 500, upstreamStatus: '500' });
    (log.request as Record<string, unknown>).id = id;
    await h.runLog(entity, { serialized: log, status: 500 });
    const span = await h.spanFor(id);
    assert.equal(span.attributes['kong.gen_ai.sampling.reason'], 'ratio');
    assert.equal(span.status.code, 'STATUS_CODE_ERROR');
  });
});
