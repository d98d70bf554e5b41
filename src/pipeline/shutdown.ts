// Stopping without losing what was recorded (docs/design.md#failure-behaviour). SIGTERM (Kong's
// worker 0 stopping its plugin servers): flush what is queued within a deadline, then exit. In
// Kong's container that deadline can be cut short: nginx's master is PID 1 and, once it exits, the
// container's other processes are killed. So a stop helper (`genai-otel-pluginserver
// --flush-and-wait`, run by the image's entrypoint on the stop signal, or by hand before stopping
// Kong) asks the running server, while Kong still runs, to export everything now and promptly from
// then on, and waits for it. Never on stdout.
import { callWithTimeout } from '@opentelemetry/core';
import { forceFlushMeterProviders, liveMeterProviders } from '../export/meter-provider';
import { shutdownExporters } from '../export/shutdown';
import { forceFlushTracerProviders } from '../export/tracer-provider';
import { FLUSH_HOOK, type FlushHook, type FlushResult } from './flush-hook';

/** Kong waits a few seconds for plugin servers on stop; stay well inside that. */
export const SHUTDOWN_DEADLINE_MS = Number(
  process.env.KONG_GENAI_OTEL_SHUTDOWN_DEADLINE_MS ?? 3000,
);

/** Once stopping, what is recorded is exported within this long (instead of the batch delay). */
export const STOPPING_EXPORT_DELAY_MS = 100;

let installed = false;
let stopping = false;
let scheduled: NodeJS.Timeout | undefined;

/** Exports everything held now (spans and the current metric interval), within `deadlineMs`. */
export async function flushEverything(deadlineMs: number): Promise<FlushResult> {
  const providers = liveMeterProviders();
  let traced = 0;
  const work = Promise.all([
    forceFlushTracerProviders().then(n => (traced = n)),
    forceFlushMeterProviders(),
  ]).then(() => true);
  const flushed = await callWithTimeout(work, deadlineMs).catch(() => false);
  return { flushed, providers: providers + traced };
}

/** Called after each recorded request: once stopping, it is exported shortly after. */
export function noteRecorded(): void {
  if (!stopping || scheduled) return;
  scheduled = setTimeout(() => {
    scheduled = undefined;
    flushEverything(SHUTDOWN_DEADLINE_MS).catch(() => undefined);
  }, STOPPING_EXPORT_DELAY_MS);
}

const flushHook: FlushHook = async ({ deadlineMs, stopping: stop }) => {
  if (stop) stopping = true;
  return flushEverything(deadlineMs);
};

export function installShutdownHandler(): void {
  if (installed) return;
  installed = true;
  (globalThis as Record<symbol, unknown>)[FLUSH_HOOK] = flushHook;
  process.once('SIGTERM', () => {
    const deadline = Number.isFinite(SHUTDOWN_DEADLINE_MS) ? SHUTDOWN_DEADLINE_MS : 3000;
    shutdownExporters(deadline)
      .catch(() => undefined)
      .finally(() => process.exit(0));
  });
}
