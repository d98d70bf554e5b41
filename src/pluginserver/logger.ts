// The plugin server's log lines, on stderr only. Kong reads the server's stdout and stderr alike
// into its error log, but the query command's stdout must stay pure JSON (kong-pluginserver.md
// §1.3: kong-js-pluginserver's logger writes to stdout and corrupts the dump with -v).
import { inspect } from 'node:util';
import type { PdkLogger } from './kong-pdk';

export interface ServerLogger extends PdkLogger {
  /** Guard for anything costly to format (a per-RPC line): false unless -v. */
  readonly debugEnabled: boolean;
}

const LEVELS = { debug: 0, info: 1, warn: 2, error: 3 } as const;
type Level = keyof typeof LEVELS;

/** Longest log line (chars): a line may quote peer input, which must not flood Kong's error log. */
export const MAX_LINE_CHARS = 4096;

const text = (args: unknown[]): string => {
  const line = args
    .map(a => (typeof a === 'string' ? a : inspect(a, { breakLength: Infinity })))
    .join(' ');
  return line.length <= MAX_LINE_CHARS
    ? line
    : `${line.slice(0, MAX_LINE_CHARS)}… (${line.length} chars)`;
};

/** `minLevel` is cli.js's `logLevel`: `info` by default, `debug` with -v. */
export function createStderrLogger(
  minLevel: 'info' | 'debug',
  write: (line: string) => void = line => process.stderr.write(line),
): ServerLogger {
  const min = LEVELS[minLevel];
  const at =
    (level: Level) =>
    (...args: unknown[]): void => {
      if (LEVELS[level] < min) return;
      write(`${new Date().toISOString()} [${level.toUpperCase()}] ${text(args)}\n`);
    };
  return {
    debugEnabled: min <= LEVELS.debug,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}
