// One pipeline, two doors: `genai-otel replay` over the sample log lines exports the same spans as
// the plugin does for the same lines through the real plugin server.
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigSchema } from '../../schemas/config';
import { replay } from '../../src/replay/replay';
import { EXIT, exitCode } from '../../src/replay/report';
import { ROOT, startHarness, type Harness } from '../helpers/plugin-harness';
import { startOtlpReceiver, type FlatSpan, type OtlpReceiver } from '../helpers/otlp-receiver';

const SAMPLES = path.join(ROOT, 'samples/kong-ai-logs.jsonl');
const sampleLines = readFileSync(SAMPLES, 'utf8')
  .split('\n')
  .filter(l => l.trim() !== '');
const validLogs = sampleLines.flatMap(l => {
  try {
    return [JSON.parse(l) as Record<string, unknown>];
  } catch {
    return [];
  }
});

/** What must agree between the two doors (span/trace ids are random unless a traceparent is given). */
const comparable = (s: FlatSpan) => ({
  name: s.name,
  kind: s.kind,
  start: s.startTimeUnixNano,
  end: s.endTimeUnixNano,
  status: s.status.code,
  attributes: s.attributes,
  parent: s.parentSpanId,
  trace: s.parentSpanId === undefined ? undefined : s.traceId,
});
const byRequestId = (spans: FlatSpan[]) =>
  new Map(spans.map(s => [String(s.attributes['kong.request.id']), comparable(s)]));

describe('replay', () => {
  let h: Harness;
  let replayReceiver: OtlpReceiver;
  before(async () => {
    h = await startHarness();
    replayReceiver = await startOtlpReceiver();
  });
  after(async () => {
    await h?.stop();
    await replayReceiver?.close();
  });

  it('exports the same spans as the plugin for the same log lines', async () => {
    const entity = h.entity('aa000000-0000-4000-8000-000000000001');
    for (const log of validLogs) await h.runLog(entity, { serialized: log });
    const expectedCalls = 7; // the sample without AI data makes none
    const pluginSpans = await h.receiver.waitFor(
      r => r.spans().length >= expectedCalls && r.spans(),
    );

    const verbose: string[] = [];
    const report = await replay({
      input: createReadStream(SAMPLES, 'utf8'),
      inputName: 'samples',
      config: ConfigSchema.parse({
        traces_endpoint: replayReceiver.tracesUrl,
        metrics_endpoint: replayReceiver.metricsUrl,
        scheduled_delay_ms: 20,
      }),
      mode: 'export',
      env: {},
      out: () => undefined,
      verbose: line => verbose.push(line),
    });
    assert.equal(report.entries, validLogs.length);
    assert.equal(report.calls, expectedCalls);
    assert.deepEqual(report.exported?.traces.failures, 0);
    assert.deepEqual(
      verbose.map(l => l.split(':')[0] + ':' + l.split(':')[1]),
      ['line 8: no_ai_data', 'line 9: malformed_json'],
    );
    const replaySpans = await replayReceiver.waitFor(
      r => r.spans().length >= expectedCalls && r.spans(),
    );
    assert.equal(pluginSpans.length, expectedCalls);
    assert.equal(replaySpans.length, expectedCalls);
    assert.deepEqual(byRequestId(replaySpans), byRequestId(pluginSpans));
    assert.ok(
      replayReceiver.metrics().some(m => m.name === 'ai_llm_requests_total'),
      'metrics flushed at the end',
    );
  });
});

describe('replay export deadline', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
    receiver.setFault('hang');
  });
  after(async () => {
    await receiver?.close();
  });

  it('reports data as possibly unsent when the exporters have not shut down by the deadline', async () => {
    const report = await replay({
      input: createReadStream(SAMPLES, 'utf8'),
      inputName: 'samples',
      config: ConfigSchema.parse({
        traces_endpoint: receiver.tracesUrl,
        metrics_endpoint: receiver.metricsUrl,
        timeout_ms: 20_000,
      }),
      mode: 'export',
      env: {},
      out: () => undefined,
      deadlineMs: 300,
    });
    assert.equal(report.exported?.unfinishedAfterMs, 300);
    assert.equal(exitCode(report), EXIT.exportFailed);
  });
});
