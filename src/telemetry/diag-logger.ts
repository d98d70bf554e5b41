// Routes OpenTelemetry's diagnostics to stderr at WARN, rate-limited. Without a diag logger the
// SDK's export failures are silent; on stdout they would corrupt `--dump-all-plugins` output.
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';

const PREFIX = '[genai-otel]';
const REPEAT_WINDOW_MS = 60_000;
const lastWritten = new Map<string, number>();

/** Writes one line to stderr, at most once per minute for the same message kind. */
export function warnLine(kind: string, message: string, now: number = Date.now()): void {
  const last = lastWritten.get(kind);
  if (last !== undefined && now - last < REPEAT_WINDOW_MS) return;
  if (lastWritten.size > 1000) lastWritten.clear(); // bounded: kinds come from error messages
  lastWritten.set(kind, now);
  process.stderr.write(`${PREFIX} ${message}\n`);
}

const format = (message: string, args: unknown[]): string =>
  [message, ...args.map(a => (a instanceof Error ? a.message : String(a)))].join(' ');

const stderrLogger: DiagLogger = {
  error: (m, ...a) => warnLine(`diag:${m}`, `ERROR otel: ${format(m, a)}`),
  warn: (m, ...a) => warnLine(`diag:${m}`, `WARN otel: ${format(m, a)}`),
  info: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};

let installed = false;

/** Installs the diag logger once per process (idempotent; called when exporters are created). */
export function installDiagLogger(): void {
  if (installed) return;
  installed = true;
  diag.setLogger(stderrLogger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}
