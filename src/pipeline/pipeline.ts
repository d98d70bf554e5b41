// One pipeline, two doors: the Kong log handler and the `replay` tool both feed serialized logs
// here. Serialized log text -> LlmCalls -> span + metric points -> exporters.
import type { Attributes, Logger, SpanContext, Tracer } from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import type { Config } from '../../schemas/config';
import { acquireLogger } from '../export/logger-provider';
import { acquireMeterInstruments } from '../export/meter-provider';
import { acquireTracer, SPAN_LIMITS } from '../export/tracer-provider';
import { callsFromLog } from '../genai/calls';
import { callCost, PriceTable, type CallCost } from '../genai/cost';
import { pickRequestHeaders } from '../genai/request-headers';
import {
  factsOnlyPayloads,
  fullPayloads,
  type PayloadReader,
} from '../genai/payloads/payload-reader';
import { requestRecords, type RequestRecords } from '../genai/request-records';
import type { LlmCall } from '../genai/types';
import { addContentWithinLimit } from '../instrumentation/attribute-budget';
import { contentAttributes } from '../instrumentation/content-attributes';
import { contentEventAttributes, emitContentEvent } from '../instrumentation/content-event';
import type { MetricInstruments } from '../instrumentation/metric-instruments';
import {
  metricPointsFor,
  recordMetricPoints,
  type MetricFamily,
  type MetricPoint,
} from '../instrumentation/metric-points';
import { callEvents, type ContentCleaner } from '../instrumentation/call-events';
import { recordRequestSpan } from '../instrumentation/record-request-span';
import { recordSpan } from '../instrumentation/record-span';
import { guardBlockPoints, requestMetricPoints } from '../instrumentation/request-metric-points';
import { requestSpans } from '../instrumentation/request-spans';
import { ContentSanitizer } from '../instrumentation/redaction';
import {
  ATTR_KONG_GEN_AI_SAMPLING_REASON,
  samplingDecision,
  type SamplingReason,
  type SamplingSettings,
} from '../instrumentation/sampling';
import type { SemconvMode } from '../instrumentation/semconv-mode';
import { spanAttributes, spanName } from '../instrumentation/span-attributes';
import { selfObs } from '../selfobs/recorder';
import {
  captureContent,
  contentDestination,
  resolveLogSettings,
  resolveMetricSettings,
  resolveSamplingSettings,
  resolveSemconvMode,
  resolveTraceSettings,
} from './settings';

/** Longest header value put on an attribute (after redaction): ids, not documents. */
export const MAX_HEADER_ATTRIBUTE_LENGTH = 256;

/** Where a pipeline records: a tracer and the metric instrument sets (OTLP, Prometheus...). */
export interface TelemetrySinks {
  readonly tracer: Tracer;
  readonly instruments: readonly MetricInstruments[];
  /** Where content events go; absent when no event is ever emitted (capture off, or spans only). */
  readonly logger?: Logger;
  /** Gives borrowed exporters back; resolves once the ones this was the last user of are closed. */
  readonly release: () => Promise<void>;
}

/** The process-wide exporters for a config (the plugin's case). */
export function sharedSinks(config: Config, env: NodeJS.ProcessEnv): TelemetrySinks {
  const traces = acquireTracer(resolveTraceSettings(config, env));
  const metrics = acquireMeterInstruments(resolveMetricSettings(config, env));
  // A logs exporter only for configs that emit events: no idle connection otherwise.
  const logs = eventsOn(config, env) ? acquireLogger(resolveLogSettings(config, env)) : undefined;
  return {
    tracer: traces.tracer,
    instruments: metrics.instruments,
    ...(logs && { logger: logs.logger }),
    release: async () => {
      await Promise.all([traces.release(), metrics.release(), logs?.release()]);
    },
  };
}

function eventsOn(config: Config, env: NodeJS.ProcessEnv): boolean {
  return (
    captureContent(config.capture_message_content, env) &&
    contentDestination(config.content_destination, env) !== 'span'
  );
}

/** Allow-listed request headers -> attribute names (docs/design.md#header-attributes). */
interface HeaderAttribution {
  /** Lower-case header name (as Kong logs it) -> attribute name. */
  readonly attributeOf: ReadonlyMap<string, string>;
  readonly names: readonly string[];
  readonly inMetrics: ReadonlySet<string>;
  readonly sanitizer: ContentSanitizer;
}

export class Pipeline {
  private readonly mode: SemconvMode;
  private readonly prices: PriceTable;
  private readonly families: ReadonlySet<MetricFamily>;
  private readonly consumerInMetrics: boolean;
  private readonly sinks: TelemetrySinks;
  /** Present only when content capture is on: the one way content reaches an attribute. */
  private readonly sanitizer: ContentSanitizer | undefined;
  private readonly contentOnSpan: boolean;
  private readonly contentOnEvent: boolean;
  private readonly sampling: SamplingSettings;
  private readonly headers: HeaderAttribution | undefined;
  /** Without capture, payload content is skipped, not parsed (docs/design.md#payload-readers). */
  private readonly payloads: PayloadReader;
  private closed: Promise<void> | undefined;
  private readonly counts = { kept: 0, sampledAway: 0 };

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
    const destination = contentDestination(config.content_destination, env);
    this.contentOnSpan = destination !== 'event';
    this.contentOnEvent = destination !== 'span';
    this.sampling = resolveSamplingSettings(config);
    this.headers = headerAttribution(config);
    this.payloads = this.sanitizer === undefined ? factsOnlyPayloads : fullPayloads;
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

  /** Calls whose span was exported, and calls sampled away (their metrics still count). */
  get samplingCounts(): { readonly kept: number; readonly sampledAway: number } {
    return { ...this.counts };
  }

  /** Processes one already-decoded serialized log. */
  processLog(log: unknown): readonly LlmCall[] {
    const calls = callsFromLog(log, this.payloads);
    // MCP, A2A and guard-blocked requests (docs/design.md#mcp-and-a2a): not LLM calls, but AI data.
    const records = requestRecords(log, calls.length > 0);
    if (calls.length === 0 && records === undefined) {
      selfObs.skipped('no_ai_data');
      return calls;
    }
    const fromHeaders = this.headerAttributes(log);
    for (const call of calls) this.record(call, fromHeaders);
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

  private record(call: LlmCall, fromHeaders: Attributes): void {
    const cost = callCost(call, this.prices);
    const parent =
      call.traceparent === undefined
        ? undefined
        : (parseTraceParent(call.traceparent) ?? undefined);
    // Decided before any attribute is built: a dropped call costs only its metric points.
    const decision = samplingDecision(call, cost?.value, this.sampling, parent);
    if (decision.keep) {
      this.counts.kept += 1;
      this.recordTrace(call, cost, parent, decision.reason, fromHeaders);
    } else {
      this.counts.sampledAway += 1;
    }
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
    recordMetricPoints(this.withHeaderDimensions(points, fromHeaders), this.sinks.instruments);
  }

  /** The span, and the content event in its trace context when events are on. */
  private recordTrace(
    call: LlmCall,
    cost: CallCost | undefined,
    parent: SpanContext | undefined,
    reason: SamplingReason,
    fromHeaders: Attributes,
  ): void {
    const attributes = spanAttributes(call, this.mode, cost);
    // Header attributes never replace what the call itself says.
    for (const key of Object.keys(fromHeaders)) attributes[key] ??= fromHeaders[key];
    attributes[ATTR_KONG_GEN_AI_SAMPLING_REASON] = reason;
    // Content last: it is what gets cut when the span would exceed its attribute limit.
    if (this.sanitizer !== undefined && this.contentOnSpan) {
      const content = contentAttributes(call, this.mode, this.sanitizer);
      addContentWithinLimit(attributes, content, SPAN_LIMITS.attributeCountLimit);
    }
    const span = recordSpan(this.sinks.tracer, {
      call,
      name: spanName(call, this.mode),
      attributes,
      parent,
      events: callEvents(call, this.cleaner),
    });
    const logger = this.sinks.logger;
    if (this.sanitizer !== undefined && this.contentOnEvent && logger !== undefined) {
      const eventAttributes = contentEventAttributes(call, cost, this.sanitizer, fromHeaders);
      emitContentEvent(logger, span.spanContext, span.endTime, eventAttributes);
    }
  }

  /** Attribute name -> sanitized header value, for the allow-listed headers present in the log. */
  private headerAttributes(log: unknown): Attributes {
    const h = this.headers;
    if (h === undefined) return {};
    const out: Attributes = {};
    for (const [header, value] of pickRequestHeaders(log, h.names, MAX_HEADER_ATTRIBUTE_LENGTH)) {
      const name = h.attributeOf.get(header);
      if (name !== undefined) out[name] = h.sanitizer.clean(value);
    }
    return out;
  }

  /** Adds the header attributes listed for metrics; points without them stay shared. */
  private withHeaderDimensions(
    points: readonly MetricPoint[],
    fromHeaders: Attributes,
  ): readonly MetricPoint[] {
    const inMetrics = this.headers?.inMetrics;
    if (inMetrics === undefined || inMetrics.size === 0) return points;
    const extra: Attributes = {};
    for (const name of inMetrics)
      if (fromHeaders[name] !== undefined) extra[name] = fromHeaders[name];
    if (Object.keys(extra).length === 0) return points;
    return points.map(p => ({ ...p, attributes: { ...extra, ...p.attributes } }));
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

function headerAttribution(config: Config): HeaderAttribution | undefined {
  const entries = Object.entries(config.header_attributes ?? {});
  if (entries.length === 0) return undefined;
  const attributeOf = new Map(entries.map(([header, name]) => [header.toLowerCase(), name]));
  return {
    attributeOf,
    names: [...attributeOf.keys()],
    inMetrics: new Set(config.header_attributes_in_metrics),
    // Header values are redacted like content, whether or not content capture is on.
    sanitizer: new ContentSanitizer({
      presets: config.redact_presets,
      patterns: config.redact_patterns,
      maxLength: MAX_HEADER_ATTRIBUTE_LENGTH,
    }),
  };
}
