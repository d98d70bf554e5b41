// Export settings of the trace pipeline, resolved from an instance's config and the OTEL_* env.
// Equal settings share one process-wide TracerProvider, so the key must cover all of them.
import type { Config } from '../../schemas/config';

export interface TraceSettings {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMs: number;
  readonly sampleRatio: number;
  readonly serviceName: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
}

const DEFAULT_TRACES_URL = 'http://localhost:4318/v1/traces';

/** Contract §6: config, else OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else the base endpoint + path. */
export function tracesUrl(configured: string | null | undefined, env: NodeJS.ProcessEnv): string {
  if (configured != null) return configured;
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (specific !== undefined && specific !== '') return specific;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (base !== undefined && base !== '') return `${base.replace(/\/+$/, '')}/v1/traces`;
  return DEFAULT_TRACES_URL;
}

export function resolveTraceSettings(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): TraceSettings {
  return {
    url: tracesUrl(config.traces_endpoint, env),
    headers: { ...(config.headers ?? {}) },
    timeoutMs: config.timeout_ms,
    // A queue larger than what the exporter may have in flight loses whole batches on flush
    // (toolchain.md §3: concurrencyLimit 30 x batch size).
    maxQueueSize: Math.min(config.max_queue_size, 30 * config.max_export_batch_size),
    maxExportBatchSize: Math.min(config.max_export_batch_size, config.max_queue_size),
    scheduledDelayMs: config.scheduled_delay_ms,
    sampleRatio: config.sample_ratio,
    serviceName: config.service_name,
    resourceAttributes: { ...(config.resource_attributes ?? {}) },
  };
}

/** Stable identity of settings: object key order does not matter. */
export function settingsKey(settings: object): string {
  return JSON.stringify(settings, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
}
