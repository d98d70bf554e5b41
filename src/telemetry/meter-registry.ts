// Process-wide MeterProviders keyed by metric export settings (contract §7): instances borrow the
// instruments of their settings; the last lease shuts the provider down (exporting what is left).
import { callWithTimeout } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { Config } from '../../schemas/config';
import { installDiagLogger, warnLine } from './diag-logger';
import {
  createMetricInstruments,
  METRIC_CARDINALITY_LIMIT,
  type MetricInstruments,
} from './metric-instruments';
import { nonEmpty, otlpUrl, settingsKey, telemetryResource } from './otlp-settings';
import { PACKAGE_NAME, PACKAGE_VERSION } from './package-info';
import { prometheusInstruments, shutdownPrometheusEndpoint } from './prometheus-endpoint';
import { activeExporters, CountingMetricExporter, registerSelfMetrics } from './self-metrics';

export interface MetricSettings {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly temporality: 'cumulative' | 'delta';
  readonly exportIntervalMs: number;
  /** Hard bound of one export (the reader's timeout), never longer than the interval. */
  readonly timeoutMs: number;
  readonly serviceName: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
}

/** Contract §6 endpoint resolution for metrics. */
export const metricsUrl = (configured: string | null | undefined, env: NodeJS.ProcessEnv): string =>
  otlpUrl('metrics', configured, env);

/** `lowmemory` is delta for every instrument kind we use (sync counters and histograms). */
function temporality(
  configured: 'cumulative' | 'delta' | null | undefined,
  env: NodeJS.ProcessEnv,
): 'cumulative' | 'delta' {
  if (configured != null) return configured;
  const pref = nonEmpty(env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE)?.toLowerCase();
  return pref === 'delta' || pref === 'lowmemory' ? 'delta' : 'cumulative';
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
    url: metricsUrl(config.metrics_endpoint, env),
    headers: mergeHeaders(config.headers, config.metrics_headers),
    temporality: temporality(config.metrics_temporality, env),
    exportIntervalMs: config.metrics_export_interval_ms,
    timeoutMs: Math.min(config.timeout_ms, config.metrics_export_interval_ms),
    serviceName: config.service_name,
    resourceAttributes: { ...(config.resource_attributes ?? {}) },
  };
}

/** Same resource as the trace pipeline, so spans and metrics land on the same entity. */
export const metricResource = (settings: MetricSettings): Resource =>
  telemetryResource(settings.serviceName, settings.resourceAttributes);

interface Entry {
  readonly provider: MeterProvider;
  readonly instruments: MetricInstruments;
  users: number;
}

const entries = new Map<string, Entry>();
/** Shutdowns started by a last release, awaited by shutdownAllMeterProviders. */
const closing = new Set<Promise<void>>();

export interface MeterLease {
  /** The OTLP pipeline's instruments, plus the Prometheus endpoint's when it is on. */
  readonly instruments: readonly MetricInstruments[];
  /** Gives the provider back (idempotent); the last lease shuts it down. */
  release(): void;
}

/**
 * Borrows the instruments of `settings`. (A plugin instance that is dropped without a close is
 * released with its whole pipeline, by GenAiOtelPlugin.)
 */
export function acquireMeterInstruments(settings: MetricSettings): MeterLease {
  installDiagLogger();
  const prometheus = prometheusInstruments(() => metricResource(settings));
  const key = settingsKey(settings);
  let entry = entries.get(key);
  if (entry === undefined) {
    let provider: MeterProvider;
    try {
      provider = createProvider(settings);
    } catch (error) {
      // E.g. an unparsable OTEL_EXPORTER_OTLP_* URL: traffic must flow, OTLP metrics stay off.
      warnLine('meter-provider', `ERROR metrics over OTLP are off: ${String(error)}`);
      return { instruments: prometheus === undefined ? [] : [prometheus], release: () => {} };
    }
    const meter = provider.getMeter(PACKAGE_NAME, PACKAGE_VERSION);
    registerSelfMetrics(meter);
    entry = { provider, instruments: createMetricInstruments(meter), users: 0 };
    entries.set(key, entry);
  }
  entry.users += 1;
  const held = entry;
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    held.users -= 1;
    if (held.users > 0 || entries.get(key) !== held) return;
    entries.delete(key);
    // shutdown() runs a last collect + export, so the final interval is not lost.
    const done = held.provider.shutdown().catch(() => undefined); // reported through diag
    closing.add(done);
    void done.then(() => closing.delete(done));
  };
  return {
    instruments: prometheus === undefined ? [held.instruments] : [held.instruments, prometheus],
    release,
  };
}

/** Number of live OTLP meter providers (for tests and leak checks). */
export const liveMeterProviders = (): number => entries.size;
activeExporters.metrics = liveMeterProviders;

/** Collects and exports now on every provider (tests; an operator-triggered flush). Never rejects. */
export async function forceFlushMeterProviders(): Promise<void> {
  // The reader reports a failed or timed-out export through diag and resolves.
  await Promise.all([...entries.values()].map(e => e.provider.forceFlush()));
}

/**
 * Exports the last interval of every provider and shuts everything down (Prometheus endpoint
 * included); resolves when done or when the deadline passes, never rejects.
 */
export async function shutdownAllMeterProviders(deadlineMs: number): Promise<void> {
  const all = [...entries.values()];
  entries.clear();
  await callWithTimeout(
    Promise.all([
      ...all.map(e => e.provider.shutdown({ timeoutMillis: deadlineMs }).catch(() => undefined)),
      ...closing,
      shutdownPrometheusEndpoint().catch(() => undefined),
    ]),
    deadlineMs,
  ).catch(() => undefined);
}

function createProvider(settings: MetricSettings): MeterProvider {
  const exporter = new CountingMetricExporter(
    new OTLPMetricExporter({
      url: settings.url,
      headers: { ...settings.headers },
      timeoutMillis: settings.timeoutMs,
      temporalityPreference:
        settings.temporality === 'delta'
          ? AggregationTemporality.DELTA
          : AggregationTemporality.CUMULATIVE,
    }),
  );
  return new MeterProvider({
    resource: metricResource(settings),
    readers: [
      new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: settings.exportIntervalMs,
        // The exporter's own timeout is a socket idle timeout; this one bounds each export. The reader
        // throws when it exceeds the interval, hence the clamp.
        exportTimeoutMillis: Math.min(settings.timeoutMs, settings.exportIntervalMs),
        cardinalityLimits: { default: METRIC_CARDINALITY_LIMIT },
      }),
    ],
  });
}
