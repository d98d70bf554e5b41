// Human-readable summary of replayed telemetry: one line per span, then metric totals.
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

const ATTRS_SHOWN = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.completion_tokens',
  'gen_ai.response.model',
  'gen_ai.usage.cost',
  'kong.route.name',
  'kong.consumer.username',
  'error.type',
  'kong.gen_ai.usage.estimated',
];

export function formatSpan(span: ReadableSpan): string {
  const ms =
    (span.endTime[0] - span.startTime[0]) * 1000 + (span.endTime[1] - span.startTime[1]) / 1e6;
  const start = new Date(span.startTime[0] * 1000 + span.startTime[1] / 1e6).toISOString();
  const status = span.status.code === SpanStatusCode.ERROR ? 'ERROR' : 'ok';
  const attrs = ATTRS_SHOWN.filter(k => span.attributes[k] !== undefined)
    .map(k => `${k}=${JSON.stringify(span.attributes[k])}`)
    .join(' ');
  const ctx = span.spanContext();
  return `span "${span.name}" ${start} ${ms.toFixed(1)} ms ${status} trace=${ctx.traceId} ${attrs}`;
}

/** Totals per metric: counter sums, histogram counts and sums. */
export function formatMetricTotals(resourceMetrics: ResourceMetrics): string[] {
  const lines: string[] = [];
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      const unit = metric.descriptor.unit === '' ? '' : ` ${metric.descriptor.unit}`;
      if (metric.dataPointType === DataPointType.HISTOGRAM) {
        let count = 0;
        let sum = 0;
        for (const p of metric.dataPoints) {
          count += p.value.count;
          sum += p.value.sum ?? 0;
        }
        lines.push(
          `metric ${metric.descriptor.name}: count=${count} sum=${round(sum)}${unit} (${metric.dataPoints.length} series)`,
        );
      } else {
        let total = 0;
        for (const p of metric.dataPoints) total += typeof p.value === 'number' ? p.value : 0;
        lines.push(
          `metric ${metric.descriptor.name}: total=${round(total)}${unit} (${metric.dataPoints.length} series)`,
        );
      }
    }
  }
  return lines;
}

const round = (n: number): string => (Number.isInteger(n) ? String(n) : n.toPrecision(6));
