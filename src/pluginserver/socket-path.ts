// Where the plugin server listens and where the stop helper finds it. Kong 3.9 puts its default
// socket for a plugin server named `genai_otel` at `<prefix>/genai_otel.socket`, and its prefix
// is KONG_PREFIX (the official image sets it; the Helm chart sets /kong_prefix/ on an emptyDir
// under a read-only root filesystem). Deriving the same path from KONG_PREFIX keeps the two sides
// in agreement in every prefix, without a socket setting of its own.
import path from 'node:path';

/** kong-js-pluginserver's default prefix (cli.js), also Kong's default `prefix`. */
export const DEFAULT_KONG_PREFIX = '/usr/local/kong';
/** Kong 3.9's default socket name for the plugin server `genai_otel`. */
export const KONG_DEFAULT_SOCK_NAME = 'genai_otel.socket';
/** Kong's setting for that socket, read by the stop helper when set. */
export const SOCKET_ENV = 'KONG_PLUGINSERVER_GENAI_OTEL_SOCKET';

const PREFIX_FLAGS = ['-p', '--kong-prefix', '-kong-prefix'];

/** True when one of `names` is on the command line (`--name value` or `--name=value`). */
export function flagGiven(argv: readonly string[], names: readonly string[]): boolean {
  return argv.some(arg => names.some(name => arg === name || arg.startsWith(`${name}=`)));
}

/**
 * The server's prefix: `--kong-prefix` when given, else KONG_PREFIX (which reaches the server
 * only if nginx_main_env declares it), else cli.js's default.
 */
export function serverPrefix(
  argv: readonly string[],
  parsedPrefix: string,
  env: NodeJS.ProcessEnv,
): string {
  if (flagGiven(argv, PREFIX_FLAGS)) return parsedPrefix;
  const fromEnv = env.KONG_PREFIX?.trim();
  return fromEnv ? fromEnv : parsedPrefix;
}

/** The values of `--kong-prefix` and `--sock-name` on a command line, if present. */
function flagValue(argv: readonly string[], names: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    for (const name of names) {
      if (arg === name) return argv[i + 1];
      if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
    }
  }
  return undefined;
}

/**
 * The socket the stop helper connects to, run in Kong's container environment: explicit flags,
 * else Kong's own socket setting, else `<KONG_PREFIX>/genai_otel.socket` as Kong 3.9 derives it.
 */
export function helperSocketPath(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const prefixFlag = flagValue(argv, PREFIX_FLAGS);
  const sockFlag = flagValue(argv, ['--sock-name']);
  if (prefixFlag === undefined && sockFlag === undefined) {
    const configured = env[SOCKET_ENV]?.trim();
    if (configured) return configured;
  }
  const prefix = prefixFlag ?? (env.KONG_PREFIX?.trim() || DEFAULT_KONG_PREFIX);
  return path.join(prefix, sockFlag ?? KONG_DEFAULT_SOCK_NAME);
}
