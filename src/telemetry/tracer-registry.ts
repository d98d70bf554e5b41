// Process-wide TracerProviders keyed by export settings (contract §7): Kong starts one plugin
// instance per plugin entity per worker and re-creates them on config change, so instances only
// borrow a provider; the last one to let go shuts it down.
import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { installDiagLogger } from './diag-logger';
import { settingsKey, telemetryResource } from './otlp-settings';
import { activeExporters } from './self-metrics';
import { BoundedSpanProcessor } from './bounded-span-processor';
import { CountingSpanExporter } from './counting-span-exporter';
import type { TraceSettings } from './trace-settings';
import { PACKAGE_NAME, PACKAGE_VERSION } from './package-info';

/**
 * Hostile or huge logs must not make huge spans: the SDK truncates longer string values and drops
 * attributes past the count (its default of 128 would cut long captured conversations short).
 */
export const SPAN_LIMITS = {
  attributeCountLimit: 1024,
  attributeValueLengthLimit: 262_144,
} as const;

interface Entry {
  readonly provider: TracerProvider;
  readonly tracer: Tracer;
  users: number;
}

const entries = new Map<string, Entry>();

export interface TracerLease {
  readonly tracer: Tracer;
  /** Gives the provider back; the last lease shuts it down (flushing what is queued). */
  release(): void;
}

export function acquireTracer(settings: TraceSettings): TracerLease {
  installDiagLogger();
  const key = settingsKey(settings);
  let entry = entries.get(key);
  if (entry === undefined) {
    const provider = createProvider(settings);
    entry = { provider, tracer: provider.getTracer(PACKAGE_NAME, PACKAGE_VERSION), users: 0 };
    entries.set(key, entry);
  }
  entry.users += 1;
  const held = entry;
  let released = false;
  return {
    tracer: held.tracer,
    release: () => {
      if (released) return;
      released = true;
      held.users -= 1;
      if (held.users > 0 || entries.get(key) !== held) return;
      entries.delete(key);
      held.provider.shutdown().catch(() => undefined); // failures were reported through diag
    },
  };
}

/** Number of live providers (for tests and leak checks). */
export const liveTracerProviders = (): number => entries.size;
activeExporters.traces = liveTracerProviders;

/** Exports what every provider holds now (an operator-triggered flush). Never rejects. */
export async function forceFlushTracerProviders(): Promise<number> {
  const all = [...entries.values()];
  await Promise.all(all.map(e => e.provider.forceFlush().catch(() => undefined)));
  return all.length;
}

/** Flushes and shuts down every provider; resolves when done or when the deadline passes. */
export async function shutdownAllTracerProviders(deadlineMs: number): Promise<void> {
  const all = [...entries.values()];
  entries.clear();
  await withDeadline(
    Promise.all(all.map(e => e.provider.shutdown().catch(() => undefined))),
    deadlineMs,
  );
}

function createProvider(settings: TraceSettings): TracerProvider {
  const exporter = new CountingSpanExporter(
    new OTLPTraceExporter({
      url: settings.url,
      headers: { ...settings.headers },
      timeoutMillis: settings.timeoutMs,
    }),
    // Called only when an export settles, long after `bounded` exists.
    spans => bounded.settled(spans),
  );
  const bounded = new BoundedSpanProcessor(
    new BatchSpanProcessor({
      exporter,
      // Never reached: the bounded processor in front holds at most max_queue_size spans.
      maxQueueSize: settings.maxQueueSize + settings.maxExportBatchSize,
      maxExportBatchSize: settings.maxExportBatchSize,
      scheduledDelayMillis: settings.scheduledDelayMs,
      // The exporter's own timeout is an idle timeout; this is the only hard bound per batch.
      exportTimeoutMillis: settings.timeoutMs + 1000,
    }),
    settings.maxQueueSize,
  );
  return new TracerProvider({
    resource: telemetryResource(settings.serviceName, settings.resourceAttributes),
    spanLimits: SPAN_LIMITS,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    spanProcessors: [bounded],
  });
}

async function withDeadline(work: Promise<unknown>, deadlineMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>(resolve => {
    timer = setTimeout(resolve, deadlineMs);
    timer.unref();
  });
  await Promise.race([work.then(() => undefined), deadline]);
  clearTimeout(timer);
}
