// Kong's side of the MessagePack-RPC transport: framing, msgid checks, one call per connection,
// keepalive pool.
import net from 'node:net';
import { Decoder, encode } from '@msgpack/msgpack';

/** The reply broke Kong's asserts (type 1, matching msgid): a Lua error in real Kong. */
export class RpcProtocolError extends Error {
  override name = 'RpcProtocolError';
}

/** The socket failed (connect refused, closed mid-call): Kong gets `nil, err` and fails open. */
export class RpcTransportError extends Error {
  override name = 'RpcTransportError';
}

/** No reply in time: Kong's cosocket read times out and the event is abandoned. */
export class RpcTimeoutError extends Error {
  override name = 'RpcTimeoutError';
}

/** The server answered `[1, msgid, error, nil]`; Kong turns it into `nil, err` (mp_rpc.lua
 * Rpc:call).
 */
export class RpcRemoteError extends Error {
  override name = 'RpcRemoteError';
}

/** One RPC as seen on the wire, for tests that trace traffic. */
export interface RpcTraceEntry {
  worker: number;
  msgid: number;
  method: string;
  durationMs: number;
  error?: string;
}

/** Kong's `rpc_notifications[label](rpc, args)`. */
export type NotificationHandler = (label: unknown, args: unknown) => void;

interface PendingCall {
  msgid: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

/** Resolves once `socket` connected, or rejects like Kong's "trying to connect: <err>". */
function connectUnix(socketPath: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    const onError = (err: Error): void => {
      socket.destroy();
      reject(new RpcTransportError(`trying to connect: ${err.message}`));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

/**
 * One unix stream connection. Kong never pipelines (one outstanding
 * request per cosocket), and the JS listener crashes on two messages in one read, so `call` refuses
 * a second request while one is pending.
 */
export class RpcConnection {
  private pending: PendingCall | undefined;
  private closedReason: string | undefined;
  /** `[2, label, args]` notifications read while a call was in flight. */
  notifications = 0;

  private constructor(
    private readonly socket: net.Socket,
    private readonly onNotification?: NotificationHandler,
  ) {
    // An 'error' without a listener would crash the test process; the read loop reports it.
    socket.on('error', () => undefined);
    void this.readLoop(); // runs for the socket's lifetime; it never rejects (errors end in fail())
  }

  static async open(
    socketPath: string,
    onNotification?: NotificationHandler,
  ): Promise<RpcConnection> {
    return new RpcConnection(await connectUnix(socketPath), onNotification);
  }

  get usable(): boolean {
    return this.closedReason === undefined && !this.socket.destroyed && this.pending === undefined;
  }

  /**
   * Sends `[0, msgid, method, params]` in one write (Kong does one `send()`) and resolves with the
   * result of the matching `[1, msgid, nil, result]`. Undefined values are omitted from maps, which
   * is how a Lua nil-valued key travels (it does not exist).
   */
  call(msgid: number, method: string, params: unknown[], timeoutMs: number): Promise<unknown> {
    if (this.pending) {
      return Promise.reject(new Error('pipelining is forbidden: a call is already in flight'));
    }
    if (this.closedReason !== undefined) {
      return Promise.reject(new RpcTransportError(this.closedReason));
    }
    const bytes = encode([0, msgid, method, params], { ignoreUndefined: true });
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs > 0 && Number.isFinite(timeoutMs)
          ? setTimeout(() => {
              // The connection now has an unread reply in flight: it can never be reused.
              this.fail(new RpcTimeoutError(`timeout after ${timeoutMs} ms waiting for ${method}`));
            }, timeoutMs)
          : undefined;
      this.pending = { msgid, resolve, reject, timer };
      this.socket.write(bytes);
    });
  }

  close(): void {
    this.fail(new RpcTransportError('closed'));
  }

  private async readLoop(): Promise<void> {
    try {
      // The streaming decoder keeps partial state across reads, so a reply split anywhere
      // (even inside a length prefix) is reassembled, unlike the JS server's own listener.
      for await (const message of new Decoder().decodeStream(this.socket)) {
        this.onMessage(message);
      }
      this.fail(new RpcTransportError('closed'));
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private onMessage(message: unknown): void {
    if (!Array.isArray(message)) {
      this.fail(new RpcProtocolError(`RPC message is not an array: ${typeof message}`));
      return;
    }
    const pending = this.pending;
    if (message[0] === 2 && pending) {
      // Notification [2, label, args] while waiting for a reply: Kong dispatches it synchronously
      // (mp_rpc.lua Rpc:notification; only serverPid exists) and keeps reading.
      this.notifications += 1;
      this.onNotification?.(message[1], message[2]);
      return;
    }
    if (!pending) {
      // Anything arriving on an idle pooled cosocket makes nginx's keepalive handler close it.
      this.fail(new RpcProtocolError('unsolicited RPC message with no call in flight'));
      return;
    }
    if (message[0] !== 1) {
      this.fail(new RpcProtocolError('RPC response expected from Go plugin server'));
      return;
    }
    if (message[1] !== pending.msgid) {
      this.fail(
        new RpcProtocolError(
          `unexpected RPC response ID from Go plugin server: got ${String(message[1])}, want ${pending.msgid}`,
        ),
      );
      return;
    }
    this.settle();
    const error: unknown = message[2];
    if (error !== undefined && error !== null) {
      // The JS server sends the error as a string (listener.js errToString).
      pending.reject(new RpcRemoteError(typeof error === 'string' ? error : JSON.stringify(error)));
    } else {
      pending.resolve(message[3]);
    }
  }

  private settle(): void {
    if (this.pending?.timer) clearTimeout(this.pending.timer);
    this.pending = undefined;
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.settle();
    this.closedReason ??= error.message;
    this.socket.destroy();
    pending?.reject(error);
  }
}

/**
 * Keepalive pool of one worker. Kong takes a cosocket per call and returns it with setkeepalive
 * (`lua_socket_pool_size` 256), so concurrency means more connections, never more calls per
 * connection.
 */
export class ConnectionPool {
  private readonly idle: RpcConnection[] = [];
  private readonly busy = new Set<RpcConnection>();
  private closed = false;
  created = 0;
  reused = 0;

  constructor(
    private readonly socketPath: string,
    private readonly maxIdle = 256,
    private readonly onNotification?: NotificationHandler,
  ) {}

  async acquire(): Promise<RpcConnection> {
    if (this.closed) throw new RpcTransportError('pool closed');
    let conn = this.idle.pop();
    // Idle connections closed by the peer (server restart) are dropped, as nginx's pool does.
    while (conn && !conn.usable) conn = this.idle.pop();
    if (conn) {
      this.reused += 1;
    } else {
      conn = await RpcConnection.open(this.socketPath, this.onNotification);
      this.created += 1;
      if (this.closed) {
        conn.close();
        throw new RpcTransportError('pool closed');
      }
    }
    this.busy.add(conn);
    return conn;
  }

  release(conn: RpcConnection): void {
    this.busy.delete(conn);
    if (!this.closed && conn.usable && this.idle.length < this.maxIdle) {
      this.idle.push(conn);
    } else {
      conn.close();
    }
  }

  get openConnections(): number {
    return this.idle.length + this.busy.size;
  }

  close(): void {
    this.closed = true;
    for (const conn of this.idle.splice(0)) conn.close();
    for (const conn of this.busy) conn.close();
    this.busy.clear();
  }
}

/**
 * Kong's `Rpc` object of one worker: a msgid counter incremented on every call (mp_rpc.lua
 * `self.msg_id + 1`) and the worker's connection pool.
 */
export class RpcClient {
  private msgid = 0;
  readonly pool: ConnectionPool;

  constructor(
    socketPath: string,
    readonly worker: number,
    private readonly onTrace?: (entry: RpcTraceEntry) => void,
    onNotification?: NotificationHandler,
  ) {
    this.pool = new ConnectionPool(socketPath, 256, onNotification);
  }

  get lastMsgid(): number {
    return this.msgid;
  }

  /** Kong packs its varargs as `{...}`: params is always an array, e.g. `[ {…} ]` or `[ 7 ]`. */
  async call(method: string, params: unknown[], timeoutMs: number): Promise<unknown> {
    this.msgid += 1;
    const msgid = this.msgid;
    const started = performance.now();
    let errorText: string | undefined;
    try {
      const conn = await this.pool.acquire();
      try {
        return await conn.call(msgid, method, params, timeoutMs);
      } finally {
        this.pool.release(conn);
      }
    } catch (err) {
      errorText = err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      this.onTrace?.({
        worker: this.worker,
        msgid,
        method,
        durationMs: performance.now() - started,
        ...(errorText === undefined ? {} : { error: errorText }),
      });
    }
  }

  close(): void {
    this.pool.close();
  }
}
