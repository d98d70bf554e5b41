#!/usr/bin/env node
// `genai-otel-pluginserver`: a drop-in for kong-js-pluginserver (same flags, same dump output,
// same wire replies) that runs kong-pdk's own server and PDK over a robust, lean transport.
// Kong's pluginserver settings only change the command name, e.g. (the `_query_cmd` likewise):
//   pluginserver_genai_otel_start_cmd = /usr/local/bin/node <app>/dist/bin/genai-otel-pluginserver.js
//     --plugins-directory <app>/dist/plugins --kong-prefix /usr/local/kong --sock-name genai_otel.sock
// Logs go to stderr, never stdout (Kong reads both; the query command's stdout must stay JSON).
import path from 'node:path';
import { cli, msgpack } from '../src/pluginserver/kong-pdk';
import { LeanServer } from '../src/pluginserver/lean-server';
import { DEFAULT_MAX_CONNECTIONS, RpcListener } from '../src/pluginserver/listener';
import { createStderrLogger } from '../src/pluginserver/logger';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../src/pluginserver/message-framer';

/** Bound of one RPC message (bytes); over it, the connection is closed with a log line. */
const MAX_MESSAGE_ENV = 'KONG_GENAI_OTEL_PLUGINSERVER_MAX_MESSAGE_BYTES';
/** Idle time (ms) after which an unfinished event counts as abandoned by Kong. Default 10 min. */
const ABANDONED_EVENT_ENV = 'KONG_GENAI_OTEL_PLUGINSERVER_ABANDONED_EVENT_MS';
/** Open connections at most (Kong opens one per in-flight call); more are closed at once. */
const MAX_CONNECTIONS_ENV = 'KONG_GENAI_OTEL_PLUGINSERVER_MAX_CONNECTIONS';
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

async function main(): Promise<void> {
  const opts = cli.parse();
  const logger = createStderrLogger(opts.logLevel);
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
    socketPath: path.join(opts.kongPrefix, opts.sockName),
    methods,
    logger,
    maxMessageBytes: positiveIntEnv(MAX_MESSAGE_ENV, DEFAULT_MAX_MESSAGE_BYTES),
    serverPid: process.pid,
    maxConnections: positiveIntEnv(MAX_CONNECTIONS_ENV, DEFAULT_MAX_CONNECTIONS),
  });
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
