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

/**
 * One compact line: the SDK's error handler hands over the whole error as JSON with its stack;
 * keep the message only, and cap the length.
 */
function format(message: string, args: unknown[]): string {
  let text = message;
  try {
    const parsed = JSON.parse(message) as { message?: unknown };
    if (typeof parsed.message === 'string') text = parsed.message;
  } catch {
    // not JSON: keep as is
  }
  const line = [text, ...args.map(a => (a instanceof Error ? a.message : String(a)))].join(' ');
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** Messages that differ only in numbers are one kind: once a minute, not once per failed batch. */
const kindOf = (level: string, line: string): string =>
  `diag-${level}:${line.replace(/\d+/g, '#').slice(0, 80)}`;

const write = (level: 'ERROR' | 'WARN', message: string, args: unknown[]): void => {
  const line = format(message, args);
  warnLine(kindOf(level, line), `${level} otel: ${line}`);
};

const stderrLogger: DiagLogger = {
  error: (m, ...a) => write('ERROR', m, a),
  warn: (m, ...a) => write('WARN', m, a),
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
