// Process-wide MeterProviders keyed by metric export settings: instances borrow the instruments
// of their settings; the last lease shuts the provider down, exporting what is left
// (docs/design.md#shared-exporters). The optional Prometheus endpoint rides along.
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  createMetricInstruments,
  type MetricInstruments,
} from '../instrumentation/metric-instruments';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info';
import { cardinalityLimit } from './cardinality';
import { installDiagLogger } from '../selfobs/diag';
import { logger } from '../selfobs/logger';
import type { Signal } from '../selfobs/recorder';
import { registerSelfMetrics } from '../selfobs/self-metrics';
import { CountingMetricExporter } from './counting-metric-exporter';
import { LeaseRegistry } from './lease-registry';
import { prometheusInstruments, shutdownPrometheusEndpoint } from './prometheus-endpoint';
import { telemetryResource } from './resource';
import { liveLoggerProviders } from './logger-provider';
import { liveTracerProviders } from './tracer-provider';

export interface MetricSettings {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Unset: the OTLP exporter's own OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE handling. */
  readonly temporality: 'cumulative' | 'delta' | undefined;
  readonly exportIntervalMs: number;
  /** Hard bound of one export (the reader's timeout), never longer than the interval. */
  readonly timeoutMs: number;
  readonly serviceName: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
}

interface MeterEntry {
  readonly provider: MeterProvider;
  readonly instruments: MetricInstruments;
}

const meters = new LeaseRegistry<MetricSettings, MeterEntry>(
  settings => {
    const provider = createProvider(settings);
    const meter = provider.getMeter(PACKAGE_NAME, PACKAGE_VERSION);
    registerSelfMetrics(meter, liveExporters);
    return { provider, instruments: createMetricInstruments(meter) };
  },
  // shutdown() runs a last collect + export, so the final interval is not lost.
  entry => entry.provider.shutdown(),
);

/** Live exporter pipelines per signal, for the self-observability gauge. */
const liveExporters = (): Readonly<Record<Signal, number>> => ({
  traces: liveTracerProviders(),
  metrics: meters.size,
  logs: liveLoggerProviders(),
});

export interface MeterLease {
  /** The OTLP pipeline's instruments, plus the Prometheus endpoint's when it is on. */
  readonly instruments: readonly MetricInstruments[];
  /** Gives the provider back (idempotent); the last lease shuts it down, resolving when done. */
  readonly release: () => Promise<void>;
}

/** Borrows the instruments of `settings`. */
export function acquireMeterInstruments(settings: MetricSettings): MeterLease {
  installDiagLogger();
  const resource = telemetryResource(settings.serviceName, settings.resourceAttributes);
  const prometheus = prometheusInstruments(() => resource, liveExporters);
  const extra = prometheus === undefined ? [] : [prometheus];
  try {
    const lease = meters.acquire(settings);
    return { instruments: [lease.value.instruments, ...extra], release: lease.release };
  } catch (error) {
    // E.g. an unparsable endpoint URL: traffic must flow, OTLP metrics stay off.
    logger.limited('error', 'meter-provider', `metrics over OTLP are off: ${String(error)}`);
    return { instruments: extra, release: () => Promise.resolve() };
  }
}

/** Number of live OTLP meter providers (self-observability, tests and leak checks). */
export const liveMeterProviders = (): number => meters.size;

/** Collects and exports now on every provider (tests; replay). Never rejects. */
export async function forceFlushMeterProviders(): Promise<void> {
  // The reader reports a failed or timed-out export through diag and resolves.
  await Promise.all(meters.values().map(e => e.provider.forceFlush()));
}

/**
 * Exports the last interval of every provider and shuts everything down (Prometheus endpoint
 * included); resolves when done or when the deadline passes, never rejects.
 */
export async function shutdownMeterProviders(deadlineMs: number): Promise<void> {
  await Promise.all([
    meters.closeAll(deadlineMs),
    shutdownPrometheusEndpoint().catch(() => undefined),
  ]);
}

function createProvider(settings: MetricSettings): MeterProvider {
  const exporter = new CountingMetricExporter(
    new OTLPMetricExporter({
      url: settings.url,
      headers: { ...settings.headers },
      timeoutMillis: settings.timeoutMs,
      temporalityPreference:
        settings.temporality === undefined
          ? undefined
          : settings.temporality === 'delta'
            ? AggregationTemporality.DELTA
            : AggregationTemporality.CUMULATIVE,
    }),
  );
  return new MeterProvider({
    resource: telemetryResource(settings.serviceName, settings.resourceAttributes),
    readers: [
      new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: settings.exportIntervalMs,
        // The exporter's own timeout is a socket idle timeout; this one bounds each export. The
        // reader throws when it exceeds the interval, hence the clamp.
        exportTimeoutMillis: Math.min(settings.timeoutMs, settings.exportIntervalMs),
        cardinalityLimits: { default: cardinalityLimit() },
      }),
    ],
  });
}
