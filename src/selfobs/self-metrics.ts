// Self-observability as metrics (contract §7): what the plugin skipped, dropped or failed to
// export, as observable counters next to the GenAI metrics. Values are process-wide totals, so
// every export destination sees the same numbers (take the max, not the sum, across them).
import type { Meter } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type {
  AggregationTemporality,
  InstrumentType,
  PushMetricExporter,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { warnLine } from './logger';
import { selfStats } from './recorder';

export const METRIC_SELF_REQUESTS_SKIPPED = 'kong.genai_otel.requests.skipped' as const;
export const METRIC_SELF_SPANS_DROPPED = 'kong.genai_otel.spans.dropped' as const;
export const METRIC_SELF_EXPORT_FAILURES = 'kong.genai_otel.export.failures' as const;
export const METRIC_SELF_EXPORTERS_ACTIVE = 'kong.genai_otel.exporters.active' as const;

/** Live exporter pipelines per signal, reported by the registries (no import cycle). */
export const activeExporters = { traces: (): number => 0, metrics: (): number => 0 };

export function registerSelfMetrics(meter: Meter): void {
  meter
    .createObservableCounter(METRIC_SELF_REQUESTS_SKIPPED, {
      unit: '{request}',
      description: 'Log events that produced no GenAI telemetry, by reason.',
    })
    .addCallback(result => {
      for (const [reason, count] of Object.entries(selfStats.skipped)) {
        result.observe(count, { reason });
      }
    });
  meter
    .createObservableCounter(METRIC_SELF_SPANS_DROPPED, {
      unit: '{span}',
      description: 'Spans dropped because the export queue was full, or lost in failed exports.',
    })
    .addCallback(result => {
      result.observe(selfStats.spansDropped, { reason: 'queue_full' });
      result.observe(selfStats.spansLostInFailedExports, { reason: 'export_failed' });
    });
  meter
    .createObservableCounter(METRIC_SELF_EXPORT_FAILURES, {
      unit: '{export}',
      description: 'OTLP export requests that failed after retries, by signal.',
    })
    .addCallback(result => {
      result.observe(selfStats.spanExportFailures, { signal: 'traces' });
      result.observe(selfStats.metricExportFailures, { signal: 'metrics' });
    });
  meter
    .createObservableGauge(METRIC_SELF_EXPORTERS_ACTIVE, {
      unit: '{exporter}',
      description: 'Process-wide exporter pipelines alive (one per distinct export settings).',
    })
    .addCallback(result => {
      result.observe(activeExporters.traces(), { signal: 'traces' });
      result.observe(activeExporters.metrics(), { signal: 'metrics' });
    });
}

/** Counts failed metric exports and says so at WARN (rate-limited); delegates everything else. */
export class CountingMetricExporter implements PushMetricExporter {
  constructor(private readonly inner: PushMetricExporter) {}

  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    this.inner.export(metrics, result => {
      if (result.code !== ExportResultCode.SUCCESS) {
        selfStats.metricExportFailures += 1;
        warnLine(
          'metric-export-failed',
          `WARN metric export failed (${selfStats.metricExportFailures} failed exports so far): ${result.error?.message ?? 'unknown error'}`,
        );
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
