// Process-wide TracerProviders keyed by export settings: OTLP/HTTP protobuf behind a bounded
// batch processor (docs/design.md#shared-exporters, docs/design.md#bounded-memory).
import { ProxyTracerProvider, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { AlwaysOnSampler, BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info';
import { installDiagLogger } from '../selfobs/diag';
import { logger } from '../selfobs/logger';
import { BoundedSpanProcessor } from './bounded-span-processor';
import { CountingSpanExporter } from './counting-span-exporter';
import { batchOptions } from './batch-options';
import { LeaseRegistry } from './lease-registry';
import { telemetryResource } from './resource';

export interface TraceSettings {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMs: number;
  readonly serviceName: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
}

/**
 * Hostile or huge logs must not make huge spans: the SDK truncates longer string values and drops
 * attributes past the count (its default of 128 would cut long captured conversations short).
 */
export const SPAN_LIMITS = {
  attributeCountLimit: 1024,
  attributeValueLengthLimit: 262_144,
} as const;

interface TracerEntry {
  readonly provider: TracerProvider;
  readonly tracer: Tracer;
}

const tracers = new LeaseRegistry<TraceSettings, TracerEntry>(
  settings => {
    const provider = createProvider(settings);
    return { provider, tracer: provider.getTracer(PACKAGE_NAME, PACKAGE_VERSION) };
  },
  entry => entry.provider.shutdown(), // failures were reported through diag
);

export interface TracerLease {
  readonly tracer: Tracer;
  /** Gives the provider back; the last lease shuts it down, and this resolves when it is done. */
  readonly release: () => Promise<void>;
}

/** A tracer whose spans go nowhere: what an instance gets when its trace exporter cannot start. */
const NOOP_TRACER = new ProxyTracerProvider().getTracer(PACKAGE_NAME);

export function acquireTracer(settings: TraceSettings): TracerLease {
  installDiagLogger();
  try {
    const lease = tracers.acquire(settings);
    return { tracer: lease.value.tracer, release: lease.release };
  } catch (error) {
    // E.g. an unparsable endpoint URL: traffic must flow, this instance's spans stay off.
    logger.limited('error', 'tracer-provider', `spans over OTLP are off: ${String(error)}`);
    return { tracer: NOOP_TRACER, release: () => Promise.resolve() };
  }
}

/** Number of live providers (self-observability, tests and leak checks). */
export const liveTracerProviders = (): number => tracers.size;

/** Exports what every provider holds now (an operator-triggered flush). Never rejects. */
export async function forceFlushTracerProviders(): Promise<number> {
  const all = tracers.values();
  await Promise.all(all.map(e => e.provider.forceFlush().catch(() => undefined)));
  return all.length;
}

/** Flushes and shuts down every provider; resolves when done or when the deadline passes. */
export const shutdownTracerProviders = (deadlineMs: number): Promise<void> =>
  tracers.closeAll(deadlineMs);

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
    new BatchSpanProcessor({ exporter, ...batchOptions(settings) }),
    settings.maxQueueSize,
  );
  return new TracerProvider({
    resource: telemetryResource(settings.serviceName, settings.resourceAttributes),
    spanLimits: SPAN_LIMITS,
    // The pipeline decides which calls get a span, knowing their outcome
    // (docs/design.md#outcome-aware-sampling); every span it starts is exported.
    sampler: new AlwaysOnSampler(),
    spanProcessors: [bounded],
  });
}
