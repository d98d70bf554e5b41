// An instance's config plus the OTEL_* environment -> the settings of each layer below: where and
// how to export (equal settings share one process-wide pipeline, so they must cover everything
// the pipeline is built from), which vocabulary to emit, whether to capture content.
import type { Config } from '../../schemas/config';
import type { LogSettings } from '../export/logger-provider';
import type { MetricSettings } from '../export/meter-provider';
import type { TraceSettings } from '../export/tracer-provider';
import type { SamplingSettings } from '../instrumentation/sampling';
import type { SemconvMode } from '../instrumentation/semconv-mode';
import { maskUrlCredentials } from '../selfobs/mask';

export type Signal = 'traces' | 'metrics' | 'logs';

const DEFAULT_BASE = 'http://localhost:4318';

const nonEmpty = (value: string | undefined): string | undefined =>
  value !== undefined && value.trim() !== '' ? value.trim() : undefined;

/**
 * Config, else OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT, else the base endpoint + `/v1/<signal>`
 * (docs/design.md#endpoint-and-environment-resolution). Kept here rather than left to the OTLP
 * exporter: the exporter falls back to localhost without a word on an unparsable env URL, where
 * the plugin must say which setting is wrong and export nothing.
 */
export function otlpUrl(
  signal: Signal,
  configured: string | null | undefined,
  env: NodeJS.ProcessEnv,
): string {
  if (configured != null) return checked(configured, `${signal}_endpoint`);
  const specificName = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`;
  const specific = nonEmpty(env[specificName]);
  if (specific !== undefined) return checked(specific, specificName);
  const base = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const url = `${(base ?? DEFAULT_BASE).replace(/\/+$/, '')}/v1/${signal}`;
  return base === undefined ? url : checked(url, 'OTEL_EXPORTER_OTLP_ENDPOINT');
}

/** An endpoint the instance cannot use; its message names the setting, credentials masked. */
export class EndpointError extends Error {}

function checked(url: string, source: string): string {
  let ok: boolean;
  try {
    const parsed = new URL(url);
    ok = parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new EndpointError(
      `${source} is not an http(s) URL: ${maskUrlCredentials(url).slice(0, 300)}`,
    );
  }
  return url;
}

/** The config field wins; unset, `OTEL_SERVICE_NAME` (as every OpenTelemetry SDK reads it), else `kong`. */
export function serviceName(
  configured: string | null | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return configured ?? nonEmpty(env.OTEL_SERVICE_NAME) ?? 'kong';
}

export function resolveTraceSettings(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): TraceSettings {
  return {
    url: otlpUrl('traces', config.traces_endpoint, env),
    headers: { ...(config.headers ?? {}) },
    timeoutMs: config.timeout_ms,
    // A queue larger than what the exporter may have in flight loses whole batches on flush
    // (the BatchSpanProcessor's concurrency limit is 30 batches).
    maxQueueSize: Math.min(config.max_queue_size, 30 * config.max_export_batch_size),
    maxExportBatchSize: Math.min(config.max_export_batch_size, config.max_queue_size),
    scheduledDelayMs: config.scheduled_delay_ms,
    serviceName: serviceName(config.service_name, env),
    resourceAttributes: { ...(config.resource_attributes ?? {}) },
  };
}

/** The content-event pipeline: the trace queue settings, its own endpoint. */
export function resolveLogSettings(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): LogSettings {
  const traces = resolveTraceSettings(config, env);
  return {
    url: otlpUrl('logs', config.logs_endpoint, env),
    headers: traces.headers,
    timeoutMs: traces.timeoutMs,
    maxQueueSize: traces.maxQueueSize,
    maxExportBatchSize: traces.maxExportBatchSize,
    scheduledDelayMs: traces.scheduledDelayMs,
    serviceName: traces.serviceName,
    resourceAttributes: traces.resourceAttributes,
  };
}

/** `sampling` unset (Kong sends null) means its defaults: keep errors, no thresholds. */
export function resolveSamplingSettings(config: Config): SamplingSettings {
  const s = config.sampling;
  return {
    ratio: config.sample_ratio,
    keepErrors: s?.keep_errors ?? true,
    minDurationMs: s?.min_duration_ms ?? undefined,
    minTimeToFirstTokenMs: s?.min_time_to_first_token_ms ?? undefined,
    minCost: s?.min_cost ?? undefined,
    minTotalTokens: s?.min_total_tokens ?? undefined,
  };
}

/** `metrics_headers` override `headers` of the same name; HTTP header names ignore case. */
function mergeHeaders(
  base: Readonly<Record<string, string>> | null | undefined,
  override: Readonly<Record<string, string>> | null | undefined,
): Record<string, string> {
  const merged: Record<string, string> = { ...(base ?? {}) };
  for (const [name, value] of Object.entries(override ?? {})) {
    for (const existing of Object.keys(merged)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete merged[existing];
    }
    merged[name] = value;
  }
  return merged;
}

export function resolveMetricSettings(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): MetricSettings {
  return {
    url: otlpUrl('metrics', config.metrics_endpoint, env),
    headers: mergeHeaders(config.headers, config.metrics_headers),
    // Unset: the OTLP exporter reads OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE itself.
    temporality: config.metrics_temporality ?? undefined,
    exportIntervalMs: config.metrics_export_interval_ms,
    timeoutMs: Math.min(config.timeout_ms, config.metrics_export_interval_ms),
    serviceName: serviceName(config.service_name, env),
    resourceAttributes: { ...(config.resource_attributes ?? {}) },
  };
}

/**
 * The config field wins; unset, `OTEL_SEMCONV_STABILITY_OPT_IN` containing
 * `gen_ai_latest_experimental` selects `latest` (the semconv transition rule), else `both`.
 */
export function resolveSemconvMode(
  configured: SemconvMode | null | undefined,
  env: NodeJS.ProcessEnv = process.env,
): SemconvMode {
  if (configured != null) return configured;
  const optIn = env.OTEL_SEMCONV_STABILITY_OPT_IN ?? '';
  return optIn.split(',').some(v => v.trim() === 'gen_ai_latest_experimental') ? 'latest' : 'both';
}

export type ContentDestination = 'span' | 'event' | 'span_and_event';

/**
 * OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT as OpenTelemetry's GenAI instrumentations
 * read it, in any case: `true` (spans), `SPAN_ONLY`, `EVENT_ONLY`, `SPAN_AND_EVENT`; anything
 * else (`false`, `NO_CONTENT`, junk) means no capture.
 */
function envContent(env: NodeJS.ProcessEnv): ContentDestination | undefined {
  switch (env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT?.trim().toLowerCase()) {
    case 'true':
    case 'span_only':
      return 'span';
    case 'event_only':
      return 'event';
    case 'span_and_event':
      return 'span_and_event';
    case undefined:
    default:
      return undefined;
  }
}

/** The config field wins; unset, the OTel contrib env var; default off. */
export function captureContent(
  configured: boolean | null | undefined,
  env: NodeJS.ProcessEnv,
): boolean {
  if (configured != null) return configured;
  return envContent(env) !== undefined;
}

/** Where captured content goes: the config field, else the env var's mode, else spans. */
export function contentDestination(
  configured: ContentDestination | null | undefined,
  env: NodeJS.ProcessEnv,
): ContentDestination {
  return configured ?? envContent(env) ?? 'span';
}
