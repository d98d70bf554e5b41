// `genai-otel replay`: runs Kong log lines through exactly the plugin's pipeline. With an OTLP
// endpoint configured (config file or OTEL_EXPORTER_OTLP_* env) it exports there; otherwise it
// prints each span and the metric totals.
import type { Config } from '../../schemas/config';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { createMetricInstruments } from '../instrumentation/metric-instruments';
import { forceFlushMeterProviders } from '../export/meter-provider';
import { shutdownExporters } from '../export/shutdown';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info';
import { Pipeline, type TelemetrySinks } from '../pipeline/pipeline';
import { readLogLines } from './log-lines';
import { formatMetricTotals, formatSpan } from './summary';

export interface ReplayOptions {
  readonly file: string;
  readonly config: Config;
  /** Export to OTLP (true) or print a summary (false). */
  readonly export: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export interface ReplayResult {
  readonly logs: number;
  readonly calls: number;
  readonly malformed: number;
}

/** True when the config or the environment names an OTLP endpoint. */
export function hasConfiguredEndpoint(config: Config, env: NodeJS.ProcessEnv): boolean {
  return [
    config.traces_endpoint,
    config.metrics_endpoint,
    env.OTEL_EXPORTER_OTLP_ENDPOINT,
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
  ].some(v => v != null && v !== '');
}

export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const local = options.export ? undefined : localSinks();
  const pipeline = new Pipeline(options.config, options.env, local?.sinks);
  let logs = 0;
  let calls = 0;
  let malformed = 0;
  for await (const entry of readLogLines(options.file)) {
    if ('error' in entry) {
      malformed += 1;
      options.err(`line ${entry.line}: skipped, not a Kong log entry (${entry.error})`);
      continue;
    }
    logs += 1;
    calls += pipeline.processLog(entry.log).length;
  }
  if (local !== undefined) {
    for (const span of local.spans.getFinishedSpans()) options.out(formatSpan(span));
    const collected = await local.metricsReader.collect();
    for (const line of formatMetricTotals(collected.resourceMetrics)) options.out(line);
    await Promise.all([local.traces.shutdown(), local.meters.shutdown()]);
  } else {
    await forceFlushMeterProviders();
  }
  // Waits for the real shutdown of every provider the run used: the final flush included.
  await pipeline.close();
  await shutdownExporters(10_000);
  options.out(
    `replayed ${logs} log entries: ${calls} LLM calls, ${malformed} malformed lines skipped`,
  );
  return { logs, calls, malformed };
}

/** In-memory exporters for the summary: every span kept, cumulative metric totals. */
function localSinks() {
  const spans = new InMemorySpanExporter();
  const traces = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  });
  const metricsReader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  const meters = new MeterProvider({ readers: [metricsReader] });
  const sinks: TelemetrySinks = {
    tracer: traces.getTracer(PACKAGE_NAME, PACKAGE_VERSION),
    instruments: [createMetricInstruments(meters.getMeter(PACKAGE_NAME, PACKAGE_VERSION))],
    release: () => Promise.resolve(),
  };
  return { sinks, spans, traces, metricsReader, meters };
}
