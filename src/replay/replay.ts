// `genai-otel replay`: runs Kong log lines through exactly the plugin's pipeline. Export mode
// sends to the configured OTLP endpoints and waits until every provider it used has really shut
// down (every span and metric point exported or counted as failed); print mode builds the same
// providers with in-memory exporters and prints what would have been exported
// (docs/design.md#replay).
import type { Config } from '../../schemas/config';
import { shutdownExporters } from '../export/shutdown';
import { Pipeline } from '../pipeline/pipeline';
import { resolveMetricSettings, resolveTraceSettings } from '../pipeline/settings';
import { selfObs } from '../selfobs/recorder';
import { callNotes, whyNoCalls, type NoteReason, type SkipReason } from './diagnose';
import { readLogLines } from './log-lines';
import { type RunReport } from './report';
import { exportSinks, localSinks, type CountedSinks, type LocalSinks } from './sinks';
import {
  formatMetricTotals,
  formatResource,
  formatSpan,
  metricsAsOtlpJson,
  spansAsOtlpJson,
} from './summary';

export interface ReplayOptions {
  readonly input: NodeJS.ReadableStream;
  /** How the input is named in messages (a path, or `stdin`). */
  readonly inputName: string;
  readonly config: Config;
  /** `export`: OTLP; `text`/`json`: print what would be exported. */
  readonly mode: 'export' | 'text' | 'json';
  readonly env: NodeJS.ProcessEnv;
  /** Telemetry output (print mode). */
  readonly out: (line: string) => void;
  /** Per-line findings, written only when set (`--verbose`). */
  readonly verbose?: (line: string) => void;
  /** Shutdown deadline in export mode. */
  readonly deadlineMs?: number;
}

/** Export mode's wait for the exporters' shutdown, at most. */
export const DEFAULT_DEADLINE_MS = 30_000;

/** True when `work` settles within `ms`; the timer never keeps the process alive. */
async function withinDeadline(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>(resolve => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** True when the config or the environment names an OTLP endpoint. */
export function hasConfiguredEndpoint(config: Config, env: NodeJS.ProcessEnv): boolean {
  return [
    config.traces_endpoint,
    config.metrics_endpoint,
    env.OTEL_EXPORTER_OTLP_ENDPOINT,
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
  ].some(v => v != null && v.trim() !== '');
}

export async function replay(options: ReplayOptions): Promise<RunReport> {
  const before = selfObs.counts;
  const local: LocalSinks | undefined =
    options.mode === 'export' ? undefined : localSinks(options.config, options.env);
  const sinks: CountedSinks = local ?? exportSinks(options.config, options.env);
  const pipeline = new Pipeline(options.config, options.env, sinks.sinks);
  const skips = new Map<SkipReason, number>();
  const notes = new Map<NoteReason, number>();
  const tell = (map: Map<string, number>, line: number, reason: string, detail: string) => {
    map.set(reason, (map.get(reason) ?? 0) + 1);
    options.verbose?.(`line ${line}: ${reason}: ${detail}`);
  };
  let entries = 0;
  let calls = 0;
  for await (const entry of readLogLines(options.input)) {
    if ('problem' in entry) {
      tell(skips, entry.line, entry.problem, entry.detail);
      continue;
    }
    entries += 1;
    const unsampledBefore = pipeline.samplingCounts.sampledAway;
    const found = pipeline.processLog(entry.log);
    calls += found.length;
    if (found.length === 0) {
      const why = whyNoCalls(entry.log);
      tell(skips, entry.line, why.reason, why.detail);
      continue;
    }
    for (const note of callNotes(entry.log, found))
      tell(notes, entry.line, note.reason, note.detail);
    const unsampled = pipeline.samplingCounts.sampledAway - unsampledBefore;
    for (let i = 0; i < unsampled; i += 1) {
      tell(
        notes,
        entry.line,
        'not_sampled',
        "span sampled away (sample_ratio, the `sampling` rules, or the caller's traceparent); metrics still count it",
      );
    }
  }
  const base = {
    input: options.inputName,
    entries,
    calls,
    sampled: pipeline.samplingCounts.kept,
    skips,
    notes,
  };
  if (local !== undefined) {
    await printTelemetry(local, options);
    await local.shutdown();
    return base;
  }
  // Waits for the real shutdown of every provider the run used (the final flush included), then
  // for anything else still open. Each export is bounded (timeout_ms + 1 s), so the deadline is
  // a backstop: reaching it means data may be unsent, and the run says so.
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const closed = await withinDeadline(pipeline.close(), deadlineMs);
  await shutdownExporters(deadlineMs);
  const after = selfObs.counts;
  return {
    ...base,
    exported: {
      traces: {
        url: resolveTraceSettings(options.config, options.env).url,
        failures: after.exportFailures.traces - before.exportFailures.traces,
        spansLost: after.spansLostInFailedExports - before.spansLostInFailedExports,
        spansDropped: after.spansDropped - before.spansDropped,
      },
      metrics: {
        url: resolveMetricSettings(options.config, options.env).url,
        failures: after.exportFailures.metrics - before.exportFailures.metrics,
      },
      unfinishedAfterMs: closed ? undefined : deadlineMs,
    },
  };
}

async function printTelemetry(local: LocalSinks, options: ReplayOptions): Promise<void> {
  const spans = local.spans.getFinishedSpans();
  const collected = await local.metricsReader.collect();
  if (options.mode === 'json') {
    options.out(spansAsOtlpJson([...spans]));
    options.out(metricsAsOtlpJson(collected.resourceMetrics));
    return;
  }
  options.out(formatResource(collected.resourceMetrics.resource));
  for (const span of spans) options.out(formatSpan(span));
  for (const line of formatMetricTotals(collected.resourceMetrics)) options.out(line);
}
