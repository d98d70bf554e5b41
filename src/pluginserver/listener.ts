// The Unix-socket transport of the plugin server, replacing kong-pdk's listener.js: whole messages
// however the bytes are split or coalesced, bounded buffering, the same `[1, msgid, error, result]`
// replies from the same encoder, and no per-message formatting unless debug logging is on.
import fs from 'node:fs';
import net from 'node:net';
import type { RpcMethod } from './lean-server';
import type { Logger } from '../selfobs/logger';
import { DEFAULT_MAX_MESSAGE_BYTES, FrameError, MessageFramer } from './message-framer';
import { msgpack } from './kong-pdk-modules';
import { maskForLog } from '../selfobs/mask';

export interface ListenerOptions {
  socketPath: string;
  /** RPC method name (after `plugin.`) -> implementation. Nothing else is callable. */
  methods: ReadonlyMap<string, RpcMethod>;
  logger: Logger;
  /** A connection whose pending message exceeds this is closed. Default 64 MiB. */
  maxMessageBytes?: number;
  /**
   * Sent as the notification `[2, "serverPid", pid]` just before the first reply on every
   * connection. Kong reads notifications while waiting for a reply; a pid different from the one
   * it saw before drops the instance ids it cached from an earlier process.
   */
  serverPid?: number;
  /**
   * Open connections at most; more are closed at once. Kong opens one per in-flight call and
   * keeps up to 30 idle per worker (`lua_socket_pool_size`), so a few hundred is a busy node.
   */
  maxConnections?: number;
}

export const DEFAULT_MAX_CONNECTIONS = 1024;

/** Longest error text that may carry peer input (a method name, an id, a parse error). */
export const MAX_ERROR_CHARS = 512;

/** Peer-controlled text cut to `max` chars, so one message cannot make a huge log line or reply. */
export function clip(text: string, max = MAX_ERROR_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

export interface ListenerStats {
  connections: number;
  reads: number;
  messages: number;
  rejectedConnections: number;
  /** Connections closed on arrival because `maxConnections` were open. */
  droppedConnections: number;
  pendingBytes: number;
}

/** listener.js errToString: Kong receives the error as a string. */
function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String(error.message);
  }
  return String(error);
}

const DEBUG_PREVIEW_CHARS = 2048;

/**
 * The debug line's args, bounded (a logged 1 MB body must not become a 1 MB log line) and masked
 * (header values, URL credentials and serialized logs never reach a log line).
 */
function preview(params: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(maskForLog(params));
  } catch (error) {
    return `<unprintable: ${errorText(error)}>`;
  }
  return json.length <= DEBUG_PREVIEW_CHARS
    ? json
    : `${json.slice(0, DEBUG_PREVIEW_CHARS)}… (${json.length} chars)`;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null | undefined)?.then === 'function';

export class RpcListener {
  private readonly methods: ReadonlyMap<string, RpcMethod>;
  private readonly logger: Logger;
  private readonly maxMessageBytes: number;
  // listener.js uses a default Encoder and Decoder; encode() returns a copy, decode() is
  // synchronous, so one of each serves every connection.
  private readonly encoder = new msgpack.Encoder();
  private readonly decoder = new msgpack.Decoder();
  private readonly framers = new Set<MessageFramer>();
  /** Connections that got the serverPid notification already. */
  private readonly announced = new WeakSet<net.Socket>();
  private server: net.Server | undefined;
  private readonly counters = {
    connections: 0,
    reads: 0,
    messages: 0,
    rejectedConnections: 0,
    droppedConnections: 0,
  };
  private lastDropLogAt = -Infinity;

  constructor(private readonly options: ListenerOptions) {
    this.methods = options.methods;
    this.logger = options.logger;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** Removes a stale socket file (as listener.js does), listens, resolves once listening. */
  listen(): Promise<net.Server> {
    const socketPath = this.options.socketPath;
    try {
      fs.unlinkSync(socketPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const server = net.createServer(socket => this.onConnection(socket));
    server.maxConnections = this.options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    server.on('drop', () => this.onDrop(server.maxConnections));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        server.on('error', error => this.logger.error(`listener error: ${errorText(error)}`));
        this.logger.info('server started at', socketPath);
        resolve(server);
      });
    });
  }

  close(): Promise<void> {
    return new Promise(resolve => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
    });
  }

  stats(): ListenerStats {
    let pendingBytes = 0;
    for (const framer of this.framers) pendingBytes += framer.pendingBytes;
    return { ...this.counters, pendingBytes };
  }

  /** Node closed a connection over the cap; one log line per 10 s at most. */
  private onDrop(max: number): void {
    this.counters.droppedConnections += 1;
    const now = Date.now();
    if (now - this.lastDropLogAt < 10_000) return;
    this.lastDropLogAt = now;
    this.logger.error(
      `refused plugin server connection(s): ${max} already open ` +
        `(${this.counters.droppedConnections} refused so far)`,
    );
  }

  private onConnection(socket: net.Socket): void {
    this.counters.connections += 1;
    const framer = new MessageFramer(this.maxMessageBytes);
    this.framers.add(framer);
    // The peer may vanish (Kong worker restart); there is nobody to answer, so no crash either.
    socket.on('error', error => this.logger.debug(`connection error: ${errorText(error)}`));
    socket.on('close', () => this.framers.delete(framer));
    socket.on('data', (chunk: Buffer) => {
      this.counters.reads += 1;
      try {
        framer.push(chunk, bytes => this.onMessage(socket, this.decoder.decode(bytes)));
      } catch (error) {
        // Invalid bytes or an oversized message: this stream cannot be resynchronised.
        this.counters.rejectedConnections += 1;
        const what = clip(
          error instanceof FrameError ? error.message : `bad message: ${errorText(error)}`,
        );
        this.logger.error(`closing plugin server connection: ${what}`);
        socket.destroy();
      }
    });
  }

  /** listener.js's dispatch, minus its crashes: `[0, msgid, "plugin.<Method>", [params...]]`. */
  private onMessage(socket: net.Socket, message: unknown): void {
    this.counters.messages += 1;
    if (!Array.isArray(message) || message[0] !== 0) {
      // A notification [2, ...] needs no answer; anything else has no msgid to answer to.
      if (Array.isArray(message) && message[0] === 2) return;
      throw new Error('not a MessagePack-RPC request');
    }
    const msgid: unknown = message[1];
    const method: unknown = message[2];
    const params: unknown = message[3];
    if (typeof method !== 'string') {
      this.reply(socket, msgid, `invalid method name: ${typeof method}`, undefined);
      return;
    }
    const [ns, cmd = ''] = method.split('.');
    if (ns !== 'plugin') {
      this.reply(socket, msgid, clip(`RPC for ${ns} is not supported`), undefined);
      return;
    }
    if (this.logger.debugEnabled) {
      this.logger.debug(`rpc: #${String(msgid)} method: ${clip(method)} args: ${preview(params)}`);
    }
    const fn = this.methods.get(cmd);
    if (fn === undefined) {
      const err = clip(`method ${cmd} not implemented`);
      this.logger.error(`rpc: #${clip(String(msgid), 32)} ${err}`);
      this.reply(socket, msgid, err, undefined);
      return;
    }
    if (!Array.isArray(params)) {
      this.reply(socket, msgid, clip(`params of ${method} must be an array`), undefined);
      return;
    }
    let result: unknown;
    try {
      result = fn(...(params as unknown[]));
    } catch (error) {
      this.fail(socket, msgid, error);
      return;
    }
    if (!isThenable(result)) {
      this.reply(socket, msgid, undefined, result);
      return;
    }
    result.then(
      value => this.reply(socket, msgid, undefined, value),
      (error: unknown) => this.fail(socket, msgid, error),
    );
  }

  private fail(socket: net.Socket, msgid: unknown, error: unknown): void {
    const text = clip(errorText(error));
    this.logger.error(`rpc: #${clip(String(msgid), 32)} ${text}`);
    this.reply(socket, msgid, text, undefined);
  }

  /** `[1, msgid, error, result]`, the other slot nil, exactly as listener.js encodes it. */
  private reply(
    socket: net.Socket,
    msgid: unknown,
    error: string | undefined,
    result: unknown,
  ): void {
    if (socket.destroyed) return; // Kong gave up on this call; the reply has nowhere to go
    let bytes: Uint8Array;
    try {
      bytes = this.encoder.encode([1, msgid, error, result]);
    } catch (encodeError) {
      const text = clip(`cannot encode the reply: ${errorText(encodeError)}`);
      this.logger.error(`rpc: #${clip(String(msgid), 32)} ${text}`);
      bytes = this.encoder.encode([1, msgid, text, undefined]);
    }
    const pid = this.options.serverPid;
    if (pid !== undefined && !this.announced.has(socket)) {
      this.announced.add(socket);
      // One write: Kong finds the notification before the reply in the same read.
      bytes = Buffer.concat([this.encoder.encode([2, 'serverPid', pid]), bytes]);
    }
    socket.write(bytes);
  }
}
