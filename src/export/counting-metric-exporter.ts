// Wraps the OTLP metric exporter to count failed exports and say so (rate-limited) instead of
// failing silently; delegates everything else.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type {
  AggregationTemporality,
  InstrumentType,
  PushMetricExporter,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { selfObs } from '../selfobs/recorder';

export class CountingMetricExporter implements PushMetricExporter {
  constructor(private readonly inner: PushMetricExporter) {}

  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    this.inner.export(metrics, result => {
      if (result.code !== ExportResultCode.SUCCESS) {
        selfObs.exportFailed('metrics', result.error?.message ?? 'unknown error');
      }
      done(result);
    });
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    // The OTLP exporter always implements it; the reader needs it for delta/cumulative.
    return this.inner.selectAggregationTemporality!(instrumentType);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
