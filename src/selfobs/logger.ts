// The one logger of the plugin-server process: the server's own lines, the plugin's WARN/ERROR
// lines and OpenTelemetry's diagnostics all go through it, in one format, on stderr only. Kong
// reads the server's stdout and stderr alike into its error log, but the query command's stdout
// must stay pure JSON (docs/design.md#plugin-server-traps).
import { inspect } from 'node:util';
import { maskText } from './mask';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A failure that repeats (every failed batch, every bad log) is written once per window. */
export const REPEAT_WINDOW_MS = 60_000;
/** Longest log line (chars): a line may quote peer input, which must not flood Kong's error log. */
export const MAX_LINE_CHARS = 4096;

export interface Logger {
  /** Guard for anything costly to format (a per-RPC line): false unless the level is debug. */
  readonly debugEnabled: boolean;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  /**
   * At most one line per `kind` per minute: for failures that repeat with every batch or event.
   * Kinds are bounded (the table is cleared past 1,000 kinds).
   */
  limited(level: 'warn' | 'error', kind: string, message: string): void;
  setLevel(level: 'info' | 'debug'): void;
}

export interface LoggerOptions {
  readonly minLevel?: LogLevel;
  readonly write?: (line: string) => void;
  readonly now?: () => number;
}

const text = (args: readonly unknown[]): string =>
  args.map(a => (typeof a === 'string' ? a : inspect(a, { breakLength: Infinity }))).join(' ');

const capped = (line: string): string =>
  line.length <= MAX_LINE_CHARS ? line : `${line.slice(0, MAX_LINE_CHARS)}… (${line.length} chars)`;

export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const now = options.now ?? Date.now;
  let min = RANK[options.minLevel ?? 'info'];
  const lastWritten = new Map<string, number>();
  const at = (level: LogLevel, message: string): void => {
    if (RANK[level] < min) return;
    // Every line, whatever its source (our messages, OpenTelemetry's, errors echoing URLs),
    // loses URL credentials and Authorization values before it is written.
    write(
      `${new Date(now()).toISOString()} [${level.toUpperCase()}] ${capped(maskText(message))}\n`,
    );
  };
  return {
    get debugEnabled() {
      return min <= RANK.debug;
    },
    debug: (...args) => at('debug', text(args)),
    info: (...args) => at('info', text(args)),
    warn: (...args) => at('warn', text(args)),
    error: (...args) => at('error', text(args)),
    limited(level, kind, message) {
      const t = now();
      const last = lastWritten.get(kind);
      if (last !== undefined && t - last < REPEAT_WINDOW_MS) return;
      if (lastWritten.size > 1000) lastWritten.clear();
      lastWritten.set(kind, t);
      at(level, message);
    },
    setLevel(level) {
      min = RANK[level];
    },
  };
}

/** Process-wide, like the exporters: one plugin server process serves every Kong worker. */
export const logger: Logger = createLogger();
