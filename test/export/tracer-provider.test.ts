// What the trace pipeline still adds on top of the OpenTelemetry JS SDK: a queue no larger than
// what the OTLP exporter may have in flight, and a shutdown bounded by its deadline.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ConfigSchema, type ConfigInput } from '../../schemas/config';
import {
  acquireTracer,
  liveTracerProviders,
  shutdownTracerProviders,
} from '../../src/export/tracer-provider';
import { resolveTraceSettings } from '../../src/pipeline/settings';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';

const settingsOf = (input: ConfigInput) => resolveTraceSettings(ConfigSchema.parse(input), {});

let hanging: OtlpReceiver;
before(async () => {
  hanging = await startOtlpReceiver();
  hanging.setFault('hang'); // accepts, never answers
});
after(() => hanging?.close());

describe('trace queue bound', () => {
  it('caps max_queue_size at 30 export batches', () => {
    const capped = settingsOf({ max_queue_size: 10_000, max_export_batch_size: 10 });
    assert.equal(capped.maxQueueSize, 300);
    const kept = settingsOf({ max_queue_size: 2048, max_export_batch_size: 512 });
    assert.equal(kept.maxQueueSize, 2048);
  });

  it('30 is the OTLP exporter’s limit of exports in flight: the 31st fails at once', () => {
    const spans = (() => {
      const memory = new InMemorySpanExporter();
      const provider = new TracerProvider({
        spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
      });
      provider.getTracer('t').startSpan('s').end();
      return memory.getFinishedSpans();
    })();
    const exporter = new OTLPTraceExporter({ url: hanging.tracesUrl, timeoutMillis: 1000 });
    const results: ExportResult[] = [];
    for (let i = 0; i < 31; i++) exporter.export(spans, r => results.push(r));
    assert.equal(results.length, 1, 'only the export past the limit settled');
    assert.equal(results[0]!.code, ExportResultCode.FAILED);
    assert.match(String(results[0]!.error), /limit reached/i);
    // Abandon the 30 hung requests: closing the receiver ends them.
  });
});

describe('shutdownTracerProviders', () => {
  it(
    'resolves by its deadline when the collector hangs, long before the export bound',
    { timeout: 4000 },
    async () => {
      const lease = acquireTracer(
        settingsOf({ traces_endpoint: hanging.tracesUrl, timeout_ms: 4000 }),
      );
      lease.tracer.startSpan('queued').end();
      assert.equal(liveTracerProviders(), 1);
      await shutdownTracerProviders(300); // the export itself is bounded at 5 s
      assert.equal(liveTracerProviders(), 0);
      void lease.release();
    },
  );
});
