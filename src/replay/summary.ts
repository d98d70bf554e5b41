// What print mode shows: one line per span and the metric totals (text), or the exact OTLP
// export requests in OTLP/JSON (`--json`, the Collector file exporter's format), so redaction,
// naming, resource and events can be checked offline.
import { SpanStatusCode } from '@opentelemetry/api';
import { JsonMetricsSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

const ATTRS_SHOWN = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.completion_tokens',
  'gen_ai.response.model',
  'server.address',
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

/** The resource's own attributes (the SDK's `telemetry.sdk.*` left out): `service.name` first. */
export function formatResource(resource: Resource): string {
  const attrs = Object.entries(resource.attributes)
    .filter(([k]) => !k.startsWith('telemetry.sdk.'))
    .sort(([a], [b]) => (a === 'service.name' ? -1 : b === 'service.name' ? 1 : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `resource ${attrs.join(' ')}`;
}

const decoder = new TextDecoder();

/** The OTLP/JSON body of the trace export request these spans would make. */
export function spansAsOtlpJson(spans: ReadableSpan[]): string {
  return decoder.decode(JsonTraceSerializer.serializeRequest(spans) ?? new Uint8Array());
}

/** The OTLP/JSON body of the metric export request. */
export function metricsAsOtlpJson(metrics: ResourceMetrics): string {
  return decoder.decode(JsonMetricsSerializer.serializeRequest(metrics) ?? new Uint8Array());
}
