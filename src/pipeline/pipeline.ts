// One pipeline, two doors: the Kong log handler and the `replay` tool both feed serialized logs
// here. Serialized log text -> LlmCalls -> span + metric points -> exporters.
import type { Tracer } from '@opentelemetry/api';
import type { Config } from '../../schemas/config';
import { callsFromLog } from '../genai/calls';
import { callCost, PriceTable } from '../genai/cost';
import type { LlmCall } from '../genai/types';
import { addContentWithinLimit } from '../instrumentation/attribute-budget';
import { contentAttributes } from '../telemetry/content-attributes';
import { acquireMeterInstruments, resolveMetricSettings } from '../telemetry/meter-registry';
import type { MetricInstruments } from '../telemetry/metric-instruments';
import { metricPointsFor, recordMetricPoints, type MetricFamily } from '../telemetry/metric-points';
import { recordSpan } from '../telemetry/record-span';
import { ContentSanitizer } from '../telemetry/redaction';
import { warnLine } from '../telemetry/diag-logger';
import { selfStats } from '../telemetry/self-stats';
import { spanAttributes, spanName } from '../telemetry/span-attributes';
import { resolveTraceSettings } from '../telemetry/trace-settings';
import { acquireTracer, SPAN_LIMITS } from '../telemetry/tracer-registry';
import { resolveSemconvMode, type SemconvMode } from '../telemetry/vocabulary';

/** Where a pipeline records: a tracer and the metric instrument sets (OTLP, Prometheus...). */
export interface TelemetrySinks {
  readonly tracer: Tracer;
  readonly instruments: readonly MetricInstruments[];
  /** Gives borrowed exporters back. */
  release(): void;
}

/** The process-wide exporters for a config (the plugin's case). */
export function sharedSinks(config: Config, env: NodeJS.ProcessEnv): TelemetrySinks {
  const traces = acquireTracer(resolveTraceSettings(config, env));
  const metrics = acquireMeterInstruments(resolveMetricSettings(config, env));
  return {
    tracer: traces.tracer,
    instruments: metrics.instruments,
    release: () => {
      traces.release();
      metrics.release();
    },
  };
}

export class Pipeline {
  private readonly mode: SemconvMode;
  private readonly prices: PriceTable;
  private readonly families: ReadonlySet<MetricFamily>;
  private readonly consumerInMetrics: boolean;
  private readonly sinks: TelemetrySinks;
  /** Present only when content capture is on: the one way content reaches an attribute. */
  private readonly sanitizer: ContentSanitizer | undefined;
  private closed = false;

  constructor(config: Config, env: NodeJS.ProcessEnv = process.env, sinks?: TelemetrySinks) {
    this.mode = resolveSemconvMode(config.semconv, env);
    this.prices = new PriceTable(config.pricing);
    this.families = new Set(config.metric_families);
    this.consumerInMetrics = config.consumer_in_metrics;
    this.sanitizer = captureContent(config.capture_message_content, env)
      ? new ContentSanitizer({
          presets: config.redact_presets,
          patterns: config.redact_patterns,
          maxLength: config.max_content_length,
        })
      : undefined;
    this.sinks = sinks ?? sharedSinks(config, env);
  }

  /** Processes one serialized log (`kong.log.serialize()` output). Returns the calls it found. */
  processLogText(text: unknown): readonly LlmCall[] {
    if (typeof text !== 'string') {
      selfStats.skip('unparsable_log');
      return [];
    }
    let log: unknown;
    try {
      log = JSON.parse(text);
    } catch {
      selfStats.skip('unparsable_log');
      warnLine(
        'unparsable-log',
        `WARN serialized log is not JSON (${selfStats.skipped.unparsable_log} so far); event skipped`,
      );
      return [];
    }
    return this.processLog(log);
  }

  /** Processes one already-decoded serialized log. */
  processLog(log: unknown): readonly LlmCall[] {
    const calls = callsFromLog(log);
    if (calls.length === 0) {
      selfStats.skip('no_ai_data');
      return calls;
    }
    for (const call of calls) this.record(call);
    return calls;
  }

  /** Releases the exporters this pipeline borrowed (config change or shutdown). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sinks.release();
  }

  private record(call: LlmCall): void {
    const cost = callCost(call, this.prices);
    const attributes = spanAttributes(call, this.mode, cost);
    if (this.sanitizer !== undefined) {
      const content = contentAttributes(call, this.mode, this.sanitizer);
      addContentWithinLimit(attributes, content, SPAN_LIMITS.attributeCountLimit);
    }
    recordSpan(this.sinks.tracer, { call, name: spanName(call, this.mode), attributes });
    // Metrics count every call, sampled or not.
    const points = metricPointsFor(call, {
      mode: this.mode,
      families: this.families,
      consumerInMetrics: this.consumerInMetrics,
      cost: cost?.value,
      costSource: cost?.source,
    });
    recordMetricPoints(points, this.sinks.instruments);
  }
}

/** Contract §2.3: the config field wins; unset, the OTel contrib env var; default off. */
export function captureContent(
  configured: boolean | null | undefined,
  env: NodeJS.ProcessEnv,
): boolean {
  if (configured != null) return configured;
  return env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT?.trim().toLowerCase() === 'true';
}
