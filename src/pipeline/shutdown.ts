// SIGTERM (Kong stopping its plugin servers): flush what is queued within a deadline shorter
// than Kong's stop timeout, then exit (docs/design.md#failure-behaviour). Never on stdout.
import { shutdownExporters } from '../export/shutdown';

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
    shutdownExporters(deadline)
      .catch(() => undefined)
      .finally(() => process.exit(0));
  });
}
