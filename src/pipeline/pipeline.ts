// One pipeline, two doors: the Kong log handler and the `replay` tool both feed serialized logs
// here. Serialized log text -> LlmCalls -> span + metric points -> exporters.
import type { Tracer } from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import type { Config } from '../../schemas/config';
import { acquireMeterInstruments } from '../export/meter-provider';
import { acquireTracer } from '../export/tracer-provider';
import { callsFromLog } from '../genai/calls';
import { callCost, PriceTable } from '../genai/cost';
import { requestRecords, type RequestRecords } from '../genai/request-records';
import type { LlmCall } from '../genai/types';
import { contentAttributes } from '../instrumentation/content-attributes';
import type { MetricInstruments } from '../instrumentation/metric-instruments';
import {
  metricPointsFor,
  recordMetricPoints,
  type MetricFamily,
} from '../instrumentation/metric-points';
import { callEvents, type ContentCleaner } from '../instrumentation/call-events';
import { recordRequestSpan } from '../instrumentation/record-request-span';
import { recordSpan } from '../instrumentation/record-span';
import { guardBlockPoints, requestMetricPoints } from '../instrumentation/request-metric-points';
import { requestSpans } from '../instrumentation/request-spans';
import { ContentSanitizer } from '../instrumentation/redaction';
import type { SemconvMode } from '../instrumentation/semconv-mode';
import { spanAttributes, spanName } from '../instrumentation/span-attributes';
import { selfObs } from '../selfobs/recorder';
import {
  captureContent,
  resolveMetricSettings,
  resolveSemconvMode,
  resolveTraceSettings,
} from './settings';

/** Where a pipeline records: a tracer and the metric instrument sets (OTLP, Prometheus...). */
export interface TelemetrySinks {
  readonly tracer: Tracer;
  readonly instruments: readonly MetricInstruments[];
  /** Gives borrowed exporters back; resolves once the ones this was the last user of are closed. */
  readonly release: () => Promise<void>;
}

/** The process-wide exporters for a config (the plugin's case). */
export function sharedSinks(config: Config, env: NodeJS.ProcessEnv): TelemetrySinks {
  const traces = acquireTracer(resolveTraceSettings(config, env));
  const metrics = acquireMeterInstruments(resolveMetricSettings(config, env));
  return {
    tracer: traces.tracer,
    instruments: metrics.instruments,
    release: async () => {
      await Promise.all([traces.release(), metrics.release()]);
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
  private closed: Promise<void> | undefined;

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
    let log: unknown;
    try {
      if (typeof text !== 'string') throw new TypeError('not a string');
      log = JSON.parse(text);
    } catch {
      selfObs.skipped('unparsable_log');
      return [];
    }
    return this.processLog(log);
  }

  /** Processes one already-decoded serialized log. */
  processLog(log: unknown): readonly LlmCall[] {
    const calls = callsFromLog(log);
    // MCP, A2A and guard-blocked requests (docs/design.md#mcp-and-a2a): not LLM calls, but AI data.
    const records = requestRecords(log, calls.length > 0);
    if (calls.length === 0 && records === undefined) {
      selfObs.skipped('no_ai_data');
      return calls;
    }
    for (const call of calls) this.record(call);
    if (records !== undefined) this.recordRequest(records);
    return calls;
  }

  /**
   * Releases the exporters this pipeline borrowed (config change or shutdown). Resolves when the
   * exporters it was the last user of have exported what they held and shut down.
   */
  close(): Promise<void> {
    this.closed ??= this.sinks.release();
    return this.closed;
  }

  private record(call: LlmCall): void {
    const cost = callCost(call, this.prices);
    const attributes = spanAttributes(call, this.mode, cost);
    if (this.sanitizer !== undefined)
      contentAttributes(call, this.mode, this.sanitizer, attributes);
    recordSpan(this.sinks.tracer, {
      call,
      name: spanName(call, this.mode),
      attributes,
      parent:
        call.traceparent === undefined
          ? undefined
          : (parseTraceParent(call.traceparent) ?? undefined),
      events: callEvents(call, this.cleaner),
    });
    // Metrics count every call, sampled or not.
    const points = metricPointsFor(call, {
      mode: this.mode,
      families: this.families,
      consumerInMetrics: this.consumerInMetrics,
      cost: cost?.value,
      costSource: cost?.source,
    });
    if (call.guards !== undefined && this.families.has('gen_ai')) {
      points.push(...guardBlockPoints(call.guards));
    }
    recordMetricPoints(points, this.sinks.instruments);
  }

  /** Content cleaner for guard texts and MCP tool data: present only with capture on. */
  private get cleaner(): ContentCleaner {
    const sanitizer = this.sanitizer;
    return sanitizer === undefined ? undefined : text => sanitizer.clean(text);
  }

  private recordRequest(records: RequestRecords): void {
    const { traceparent, kong } = records.context;
    const parent =
      traceparent === undefined ? undefined : (parseTraceParent(traceparent) ?? undefined);
    for (const spec of requestSpans(records, this.cleaner)) {
      recordRequestSpan(this.sinks.tracer, spec, parent, kong.traceId);
    }
    recordMetricPoints(requestMetricPoints(records, this.families), this.sinks.instruments);
  }
}
