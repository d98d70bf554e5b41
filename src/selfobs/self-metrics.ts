// Self-observability as metrics: what the plugin skipped, dropped or failed to export, as
// observable counters next to the GenAI metrics. Values are process-wide totals, so every export
// destination sees the same numbers (take the max, not the sum, across them).
import type { Meter } from '@opentelemetry/api';
import { selfObs, type SelfObservability, type Signal } from './recorder';

export const METRIC_SELF_REQUESTS_SKIPPED = 'kong.genai_otel.requests.skipped' as const;
export const METRIC_SELF_SPANS_DROPPED = 'kong.genai_otel.spans.dropped' as const;
export const METRIC_SELF_EVENTS_DROPPED = 'kong.genai_otel.events.dropped' as const;
export const METRIC_SELF_EXPORT_FAILURES = 'kong.genai_otel.export.failures' as const;
export const METRIC_SELF_EXPORTERS_ACTIVE = 'kong.genai_otel.exporters.active' as const;

/**
 * @param liveExporters how many exporter pipelines are alive per signal, asked at each collection
 *   (passed in by the export layer, which owns them).
 */
export function registerSelfMetrics(
  meter: Meter,
  liveExporters: () => Readonly<Record<Signal, number>>,
  recorder: SelfObservability = selfObs,
): void {
  meter
    .createObservableCounter(METRIC_SELF_REQUESTS_SKIPPED, {
      unit: '{request}',
      description: 'Log events that produced no GenAI telemetry, by reason.',
    })
    .addCallback(result => {
      for (const [reason, count] of Object.entries(recorder.counts.skipped)) {
        result.observe(count, { reason });
      }
    });
  meter
    .createObservableCounter(METRIC_SELF_SPANS_DROPPED, {
      unit: '{span}',
      description: 'Spans dropped because the export queue was full, or lost in failed exports.',
    })
    .addCallback(result => {
      const counts = recorder.counts;
      result.observe(counts.spansDropped, { reason: 'queue_full' });
      result.observe(counts.spansLostInFailedExports, { reason: 'export_failed' });
    });
  meter
    .createObservableCounter(METRIC_SELF_EVENTS_DROPPED, {
      unit: '{event}',
      description:
        'Content log events dropped because the export queue was full, or lost in failed exports.',
    })
    .addCallback(result => {
      const counts = recorder.counts;
      result.observe(counts.eventsDropped, { reason: 'queue_full' });
      result.observe(counts.eventsLostInFailedExports, { reason: 'export_failed' });
    });
  meter
    .createObservableCounter(METRIC_SELF_EXPORT_FAILURES, {
      unit: '{export}',
      description: 'OTLP export requests that failed after retries, by signal.',
    })
    .addCallback(result => {
      const failures = recorder.counts.exportFailures;
      result.observe(failures.traces, { signal: 'traces' });
      result.observe(failures.metrics, { signal: 'metrics' });
      result.observe(failures.logs, { signal: 'logs' });
    });
  meter
    .createObservableGauge(METRIC_SELF_EXPORTERS_ACTIVE, {
      unit: '{exporter}',
      description: 'Process-wide exporter pipelines alive (one per distinct export settings).',
    })
    .addCallback(result => {
      const live = liveExporters();
      result.observe(live.traces, { signal: 'traces' });
      result.observe(live.metrics, { signal: 'metrics' });
      result.observe(live.logs, { signal: 'logs' });
    });
}
