// Typed handles on kong-pdk's untyped CommonJS modules: the plugin server (plugin loading, RPC
// methods, PDK bridge), its CLI parser, and MessagePack exactly as kong-pdk itself resolves it.
import { createRequire } from 'node:module';
import type * as Msgpack from '@msgpack/msgpack';

/** The logger kong-pdk's server writes through (node-color-log's method names). */
export interface PdkLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** What HandleEvent and Step* resolve with: `"ret"` or a `{Method, Args}` PDK call. */
export interface StepReply {
  Data: unknown;
  EventId: number;
}

/** lib/mod.js `Instance`: `cls` is the plugin object built from the config. */
export interface PdkInstance {
  readonly cls: unknown;
  readonly name: string;
}

/** The slice of server.js `Server` we use or override. */
export interface KongPdkServer {
  readonly logger: PdkLogger;
  readonly instances: Map<number, PdkInstance>;
  /** Event id -> the in-process pipe of a running handler. */
  readonly events: Map<number, unknown>;
  /** The id the next StartInstance hands out (server.js counts up from 0). */
  instanceID: number;
  close(): void;
  getPlugins(): Map<string, unknown>;
  GetPluginInfo(name: string): Promise<unknown>;
  HandleEvent(event: unknown): Promise<StepReply>;
  step(data: unknown, isError: boolean): Promise<StepReply>;
  CloseInstance(iid: unknown): Promise<unknown>;
}

export type KongPdkServerClass = new (
  pluginDir: string | undefined,
  logger: PdkLogger,
  expireTtl?: number,
) => KongPdkServer;

/** cli.js `parse()` result; the dump flag names are what commander derives from cli.js. */
export interface PluginServerCli {
  kongPrefix: string;
  sockName: string;
  pluginsDirectory: string;
  verbose: number;
  logLevel: 'info' | 'debug';
  DumpPluginInfo?: string;
  DumpAllPlugins?: boolean;
}

const load = createRequire(__filename);

export const Server = load('kong-pdk/server.js') as KongPdkServerClass;

export const cli = load('kong-pdk/cli.js') as { parse(dedicated?: boolean): PluginServerCli };

/**
 * The @msgpack/msgpack copy kong-pdk depends on, resolved from kong-pdk's own directory: the same
 * version (and default options) its listener.js encodes and decodes with, whatever npm hoists.
 */
export const msgpack = createRequire(load.resolve('kong-pdk/server.js'))(
  '@msgpack/msgpack',
) as typeof Msgpack;
