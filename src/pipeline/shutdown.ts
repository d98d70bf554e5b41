// SIGTERM (Kong stopping its plugin servers): flush what is queued within a deadline shorter
// than Kong's stop timeout, then exit. Installed once per process, never on stdout.
import { shutdownAllMeterProviders } from '../export/meter-provider';
import { shutdownAllTracerProviders } from '../export/tracer-provider';

/** Kong waits a few seconds for plugin servers on stop; stay well inside that. */
export const SHUTDOWN_DEADLINE_MS = Number(
  process.env.KONG_GENAI_OTEL_SHUTDOWN_DEADLINE_MS ?? 3000,
);

let installed = false;

export function installShutdownHandler(): void {
  if (installed) return;
  installed = true;
  process.once('SIGTERM', () => {
    const deadline = Number.isFinite(SHUTDOWN_DEADLINE_MS) ? SHUTDOWN_DEADLINE_MS : 3000;
    Promise.all([shutdownAllTracerProviders(deadline), shutdownAllMeterProviders(deadline)])
      .catch(() => undefined)
      .finally(() => process.exit(0));
  });
}
