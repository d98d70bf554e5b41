// Export settings of the trace pipeline, resolved from an instance's config and the OTEL_* env.
// Equal settings share one process-wide TracerProvider, so the key must cover all of them.
import type { Config } from '../../schemas/config';
import { otlpUrl } from '../export/resource';

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

export function resolveTraceSettings(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): TraceSettings {
  return {
    url: otlpUrl('traces', config.traces_endpoint, env),
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
