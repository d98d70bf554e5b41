#!/usr/bin/env node
// `genai-otel-pluginserver`: a drop-in for kong-js-pluginserver (same flags, same dump output,
// same wire replies) that runs kong-pdk's own server and PDK over a robust, lean transport.
// Kong's pluginserver settings only change the command name, e.g. (the `_query_cmd` likewise):
//   pluginserver_genai_otel_start_cmd = /usr/local/bin/node <app>/dist/bin/genai-otel-pluginserver.js
//     --plugins-directory <app>/dist/plugins --sock-name genai_otel.socket
// Logs go to stderr, never stdout (Kong reads both; the query command's stdout must stay JSON).
// Without --kong-prefix the prefix is KONG_PREFIX when set (Kong's own prefix, passed through
// nginx_main_env), so the socket follows Kong's prefix (e.g. the Helm chart's /kong_prefix/).
//
// `genai-otel-pluginserver --flush-and-wait [--kong-prefix P] [--sock-name S]` is the stop helper:
// it asks the running server to export everything now (and promptly from then on), prints the
// server's pid on stdout and exits once that is done (0) or failed (1). Run it before Kong stops
// (the image's entrypoint does, on the stop signal).
import path from 'node:path';
import { flushHook } from '../src/pipeline/flush-hook';
import { requestFlush } from '../src/pluginserver/flush-client';
import { cli, msgpack } from '../src/pluginserver/kong-pdk-modules';
import { LeanServer } from '../src/pluginserver/lean-server';
import { DEFAULT_MAX_CONNECTIONS, RpcListener } from '../src/pluginserver/listener';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../src/pluginserver/message-framer';
import { helperSocketPath, serverPrefix } from '../src/pluginserver/socket-path';
import { logger } from '../src/selfobs/logger';

/** Bound of one RPC message (bytes); over it, the connection is closed with a log line. */
const MAX_MESSAGE_ENV = 'KONG_GENAI_OTEL_PLUGINSERVER_MAX_MESSAGE_BYTES';
/** Idle time (ms) after which an unfinished event counts as abandoned by Kong. Default 10 min. */
const ABANDONED_EVENT_ENV = 'KONG_GENAI_OTEL_PLUGINSERVER_ABANDONED_EVENT_MS';
/** Open connections at most (Kong opens one per in-flight call); more are closed at once. */
const MAX_CONNECTIONS_ENV = 'KONG_GENAI_OTEL_PLUGINSERVER_MAX_CONNECTIONS';
/** How long the stop helper lets the server flush (ms). */
const FLUSH_WAIT_ENV = 'KONG_GENAI_OTEL_FLUSH_WAIT_MS';
const FLUSH_FLAG = '--flush-and-wait';
/** `1` adds the `plugin.DebugStats` RPC (events, instances, reads) used by the tests. */
const DEBUG_RPC_ENV = 'KONG_GENAI_OTEL_PLUGINSERVER_DEBUG_RPC';

/** A positive integer from the environment, or `fallback` when unset. */
function positiveIntEnv(name: string, fallback: number | undefined): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer, got ${raw}`);
  }
  return value;
}

/** `plugin.GenAiOtelFlush([{DeadlineMs, Stopping}])`: Kong never calls it; the stop helper does. */
async function flushMethod(params: unknown): Promise<unknown> {
  const hook = flushHook();
  if (hook === undefined) throw new Error('no genai-otel plugin is loaded in this server');
  const request = (typeof params === 'object' && params !== null ? params : {}) as {
    DeadlineMs?: unknown;
    Stopping?: unknown;
  };
  const deadline = Number(request.DeadlineMs);
  const deadlineMs =
    Number.isFinite(deadline) && deadline > 0 ? Math.min(deadline, 60_000) : 10_000;
  const result = await hook({ deadlineMs, stopping: request.Stopping === true });
  return { Flushed: result.flushed, Providers: result.providers, Pid: process.pid };
}

/** The stop helper: one flush request to the running server; the exit code says how it went. */
async function flushAndWait(argv: string[]): Promise<void> {
  const socketPath = helperSocketPath(argv, process.env);
  const deadlineMs = positiveIntEnv(FLUSH_WAIT_ENV, 10_000)!;
  const reply = await requestFlush(socketPath, deadlineMs, true);
  process.stderr.write(
    `genai-otel-pluginserver: ${reply.Flushed ? 'flushed' : 'flush did not finish in time for'} ` +
      `${reply.Providers} provider(s) via ${socketPath}\n`,
  );
  // stdout: the server's pid, for a stop wrapper that waits for the server to exit.
  process.stdout.write(`${reply.Pid}\n`);
  process.exitCode = reply.Flushed ? 0 : 1;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes(FLUSH_FLAG)) {
    await flushAndWait(argv.filter(arg => arg !== FLUSH_FLAG));
    return;
  }
  const opts = cli.parse();
  logger.setLevel(opts.logLevel);
  const server = new LeanServer(opts.pluginsDirectory, logger, {
    abandonedEventMs: positiveIntEnv(ABANDONED_EVENT_ENV, undefined),
  });

  // The two query modes print exactly what kong-js-pluginserver prints: Kong parses it.
  if (opts.DumpPluginInfo !== undefined) {
    process.stdout.write(msgpack.encode(await server.GetPluginInfo(opts.DumpPluginInfo)));
    return;
  }
  if (opts.DumpAllPlugins) {
    const names = [...server.getPlugins().keys()];
    const infos = await Promise.all(names.map(name => server.GetPluginInfo(name)));
    process.stdout.write(`${JSON.stringify(infos)}\n`);
    return;
  }

  const methods = server.rpcMethods();
  const listener = new RpcListener({
    socketPath: path.join(serverPrefix(argv, opts.kongPrefix, process.env), opts.sockName),
    methods,
    logger,
    maxMessageBytes: positiveIntEnv(MAX_MESSAGE_ENV, DEFAULT_MAX_MESSAGE_BYTES),
    serverPid: process.pid,
    maxConnections: positiveIntEnv(MAX_CONNECTIONS_ENV, DEFAULT_MAX_CONNECTIONS),
  });
  methods.set('GenAiOtelFlush', flushMethod);
  if (process.env[DEBUG_RPC_ENV] === '1') {
    methods.set('DebugStats', () => Promise.resolve({ ...server.stats(), ...listener.stats() }));
  }
  server.startSweeping();
  await listener.listen();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `genai-otel-pluginserver: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
