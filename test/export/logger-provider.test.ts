// The content-event pipeline against a real OTLP receiver: events leave over OTLP/HTTP protobuf,
// providers are shared by equal settings, a refusing collector is counted, a full queue drops and
// counts, and shutdown exports what is still queued.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { BoundedLogProcessor } from '../../src/export/bounded-log-processor';
import {
  acquireLogger,
  liveLoggerProviders,
  shutdownLoggerProviders,
  type LogSettings,
} from '../../src/export/logger-provider';
import { selfObs } from '../../src/selfobs/recorder';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';

const SPAN = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
};

let receiver: OtlpReceiver;
before(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await shutdownLoggerProviders(2000);
  receiver.reset();
});
after(async () => {
  await receiver?.close();
});

const settings = (over: Partial<LogSettings> = {}): LogSettings => ({
  url: receiver.logsUrl,
  headers: { 'x-test': 'logs' },
  timeoutMs: 1000,
  maxQueueSize: 100,
  maxExportBatchSize: 10,
  scheduledDelayMs: 20,
  serviceName: 'kong',
  resourceAttributes: {},
  ...over,
});

const emit = (logger: ReturnType<typeof acquireLogger>['logger'], n: number, text = 'x'): void => {
  for (let i = 0; i < n; i += 1) {
    logger.emit({
      eventName: 'gen_ai.client.inference.operation.details',
      attributes: {
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: text }] }],
        i,
      },
      context: trace.setSpanContext(ROOT_CONTEXT, SPAN),
    });
  }
};

describe('logger providers', () => {
  it('exports events over OTLP/HTTP protobuf with the span context and structured attributes', async () => {
    const lease = acquireLogger(settings());
    emit(lease.logger, 3, 'hello');
    const records = await receiver.waitFor(r =>
      r.logRecords().length === 3 ? r.logRecords() : undefined,
    );
    assert.equal(receiver.requests[0]?.headers['x-test'], 'logs');
    assert.equal(receiver.requests[0]?.headers['content-type'], 'application/x-protobuf');
    for (const record of records) {
      assert.equal(record.traceId, SPAN.traceId);
      assert.equal(record.spanId, SPAN.spanId);
      assert.deepEqual(record.attributes['gen_ai.input.messages'], [
        { role: 'user', parts: [{ type: 'text', content: 'hello' }] },
      ]);
    }
    await lease.release();
  });

  it('shares one provider between equal settings and closes it with the last lease', async () => {
    const a = acquireLogger(settings());
    const b = acquireLogger(settings({ headers: { 'x-test': 'logs' } }));
    const c = acquireLogger(settings({ scheduledDelayMs: 30 }));
    assert.equal(liveLoggerProviders(), 2);
    await a.release();
    assert.equal(liveLoggerProviders(), 2);
    await b.release();
    await c.release();
    assert.equal(liveLoggerProviders(), 0);
  });

  it('counts a failed export and the events in it', async () => {
    receiver.setFault('status:400');
    const before = selfObs.counts;
    const lease = acquireLogger(settings());
    emit(lease.logger, 4);
    await lease.release(); // shutdown flushes: the export settles (and fails) before this resolves
    const after = selfObs.counts;
    assert.ok(after.exportFailures.logs > before.exportFailures.logs);
    assert.equal(after.eventsLostInFailedExports - before.eventsLostInFailedExports, 4);
    assert.equal(after.exportFailures.traces, before.exportFailures.traces);
  });

  it('exports what is still queued when shut down (a scheduled delay far away)', async () => {
    const lease = acquireLogger(settings({ scheduledDelayMs: 60_000 }));
    emit(lease.logger, 7);
    assert.equal(receiver.requestCount('/v1/logs'), 0);
    await shutdownLoggerProviders(2000);
    assert.equal(receiver.logRecords().length, 7);
    await lease.release(); // idempotent after shutdown
  });

  it('an unparsable endpoint turns events off for that instance instead of throwing', () => {
    const lease = acquireLogger(settings({ url: 'http://[bad' }));
    emit(lease.logger, 1);
    assert.equal(liveLoggerProviders(), 0);
  });
});

describe('BoundedLogProcessor', () => {
  const record = (content: string): ReadWriteLogRecord =>
    ({ attributes: { m: content }, body: undefined }) as unknown as ReadWriteLogRecord;
  const inner = (): LogRecordProcessor & { got: ReadWriteLogRecord[] } => {
    const got: ReadWriteLogRecord[] = [];
    return {
      got,
      onEmit: r => got.push(r),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
  };

  it('drops and counts events past the count bound until exports settle', () => {
    const target = inner();
    const p = new BoundedLogProcessor(target, 2);
    const dropped = selfObs.counts.eventsDropped;
    for (let i = 0; i < 5; i += 1) p.onEmit(record('x'));
    assert.equal(target.got.length, 2);
    assert.equal(selfObs.counts.eventsDropped - dropped, 3);
    p.settled(target.got.slice(0, 1));
    p.onEmit(record('x'));
    assert.equal(target.got.length, 3);
  });

  it('drops an event that would take the held bytes past the byte bound', () => {
    const target = inner();
    const p = new BoundedLogProcessor(target, 100, 10_000);
    p.onEmit(record('a'.repeat(3000)));
    p.onEmit(record('b'.repeat(3000)));
    assert.equal(target.got.length, 1);
    assert.ok(p.held.bytes > 6000 && p.held.bytes <= 10_000);
  });
});
