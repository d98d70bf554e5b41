// Span times come from the logged epoch milliseconds, whatever the log's age: replayed logs and
// logs queued before a restart start long before this process did.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { HrTime } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { callsFromLog } from '../../src/genai/calls';
import { recordSpan } from '../../src/instrumentation/record-span';
import * as F from '../fixtures/serialized-logs';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const tracer = provider.getTracer('record-span-test');
after(() => provider.shutdown());

const TWO_YEARS_MS = 2 * 365 * 24 * 3600 * 1000;
const asMs = ([s, ns]: HrTime): number => s * 1000 + ns / 1e6;

function recordedFrom(log: ReturnType<typeof F.log39>) {
  exporter.reset();
  const call = callsFromLog(log)[0]!;
  recordSpan(tracer, { call, name: 'chat', attributes: {}, parent: undefined });
  const [span] = exporter.getFinishedSpans();
  assert.ok(span !== undefined);
  return { call, span };
}

describe('recordSpan times', () => {
  it('a log from two years before this process started keeps its start and end', () => {
    const startedAt = Math.round(performance.timeOrigin - TWO_YEARS_MS);
    const log = F.log39();
    log.started_at = startedAt;
    const { call, span } = recordedFrom(log);
    const kongMs = call.timing.startMs - startedAt;
    assert.ok(kongMs >= 0 && kongMs < 1000, `start follows started_at (+${kongMs} ms)`);
    assert.deepEqual(span.startTime, [
      Math.floor(call.timing.startMs / 1000),
      (call.timing.startMs % 1000) * 1e6,
    ]);
    assert.equal(asMs(span.endTime), call.timing.startMs + call.timing.durationMs);
    assert.ok(call.timing.durationMs > 0);
  });

  it('the earliest start the plugin accepts (2001-09-09) is not read as a process-relative time', () => {
    const log = F.log39();
    log.started_at = 1e12;
    const { call, span } = recordedFrom(log);
    assert.equal(asMs(span.startTime), call.timing.startMs);
    assert.ok(span.startTime[0] < 1_100_000_000, 'seconds since the epoch, in 2001-2004');
  });

  it('keeps sub-millisecond precision of the logged time', () => {
    const log = F.log39();
    log.started_at = F.STARTED_AT + 0.25;
    const { call, span } = recordedFrom(log);
    assert.equal(span.startTime[1] % 1e6, 250_000);
    assert.equal(asMs(span.startTime), call.timing.startMs);
  });
});
