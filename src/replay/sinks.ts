// Where replay records. Export mode borrows the plugin's own process-wide exporters; print mode
// builds the same providers (resource, sampler, span limits, cardinality limits) with in-memory
// exporters instead of OTLP ones: export mode minus the network.
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  AlwaysOnSampler,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { Config } from '../../schemas/config';
import { telemetryResource } from '../export/resource';
import { SPAN_LIMITS } from '../export/tracer-provider';
import { cardinalityLimit } from '../export/cardinality';
import { createMetricInstruments } from '../instrumentation/metric-instruments';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info';
import { sharedSinks, type TelemetrySinks } from '../pipeline/pipeline';
import { resolveMetricSettings, resolveTraceSettings } from '../pipeline/settings';
import { registerSelfMetrics } from '../selfobs/self-metrics';

export interface CountedSinks {
  readonly sinks: TelemetrySinks;
}

/** The plugin's exporters for this config (OTLP, and Prometheus when its port is set). */
export function exportSinks(config: Config, env: NodeJS.ProcessEnv): CountedSinks {
  return { sinks: sharedSinks(config, env) };
}

export interface LocalSinks extends CountedSinks {
  readonly spans: InMemorySpanExporter;
  readonly metricsReader: PeriodicExportingMetricReader;
  readonly shutdown: () => Promise<void>;
}

/** Providers built like the export ones, with in-memory exporters: every sampled span kept. */
export function localSinks(config: Config, env: NodeJS.ProcessEnv): LocalSinks {
  const traceSettings = resolveTraceSettings(config, env);
  const metricSettings = resolveMetricSettings(config, env);
  const spans = new InMemorySpanExporter();
  const traces = new TracerProvider({
    resource: telemetryResource(traceSettings.serviceName, traceSettings.resourceAttributes),
    spanLimits: SPAN_LIMITS,
    // The pipeline makes the sampling decision, as in export mode.
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  });
  const metricsReader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    // Never fires: the totals are collected once, at the end.
    exportIntervalMillis: 2_147_483_647,
    cardinalityLimits: { default: cardinalityLimit(env) },
  });
  const meters = new MeterProvider({
    resource: telemetryResource(metricSettings.serviceName, metricSettings.resourceAttributes),
    readers: [metricsReader],
  });
  const meter = meters.getMeter(PACKAGE_NAME, PACKAGE_VERSION);
  // No exporter is live in print mode, and the gauge says so.
  registerSelfMetrics(meter, () => ({ traces: 0, metrics: 0, logs: 0 }));
  return {
    sinks: {
      tracer: traces.getTracer(PACKAGE_NAME, PACKAGE_VERSION),
      instruments: [createMetricInstruments(meter)],
      release: () => Promise.resolve(),
    },
    spans,
    metricsReader,
    shutdown: async () => {
      await Promise.all([traces.shutdown(), meters.shutdown()]);
    },
  };
}
