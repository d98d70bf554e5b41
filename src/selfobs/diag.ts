// Routes OpenTelemetry's diagnostics into the process logger at WARN, one line per message kind
// per minute. Without a diag logger the SDK's export failures are silent.
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { logger } from './logger';

/**
 * One compact line: the SDK's error handler hands over the whole error as JSON with its stack;
 * keep the message only.
 */
function format(message: string, args: unknown[]): string {
  let text = message;
  try {
    const parsed = JSON.parse(message) as { message?: unknown };
    if (typeof parsed.message === 'string') text = parsed.message;
  } catch {
    // not JSON: keep as is
  }
  return [text, ...args.map(a => (a instanceof Error ? a.message : String(a)))].join(' ');
}

/** Messages that differ only in numbers are one kind: once a minute, not once per failed batch. */
const kindOf = (level: string, line: string): string =>
  `otel-${level}:${line.replace(/\d+/g, '#').slice(0, 80)}`;

const write = (level: 'error' | 'warn', message: string, args: unknown[]): void => {
  const line = format(message, args);
  logger.limited(level, kindOf(level, line), `otel: ${line}`);
};

const diagLogger: DiagLogger = {
  error: (m, ...a) => write('error', m, a),
  warn: (m, ...a) => write('warn', m, a),
  info: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};

let installed = false;

/** Installs the diag logger once per process (idempotent; called when exporters are created). */
export function installDiagLogger(): void {
  if (installed) return;
  installed = true;
  diag.setLogger(diagLogger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}
