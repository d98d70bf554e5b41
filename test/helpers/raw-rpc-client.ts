// A bare Unix-socket client for transport tests: writes any bytes in any pieces (the splits and
// coalescing Kong's cosocket may produce on the server's side) and returns each reply's raw bytes.
import net from 'node:net';
import { decode, encode } from '@msgpack/msgpack';
import { MessageFramer } from '../../src/pluginserver/message-framer';

/** One turn of the event loop: the bytes already written reach the peer in their own read. */
export const nextTick = (): Promise<void> => new Promise(resolve => setImmediate(resolve));

export class RawRpcClient {
  private readonly replies: Buffer[] = [];
  /** `[2, label, args]` notifications, kept apart from the replies (Kong dispatches them). */
  readonly notifications: unknown[] = [];
  private waiter: (() => void) | undefined;
  private closedFlag = false;
  readonly closed: Promise<void>;

  private constructor(private readonly socket: net.Socket) {
    const framer = new MessageFramer();
    socket.on('data', (chunk: Buffer) => {
      framer.push(chunk, m => {
        // fixarray(3) whose first item is 2: a notification, not a reply.
        if (m[0] === 0x93 && m[1] === 0x02) this.notifications.push(decode(m));
        else this.replies.push(Buffer.from(m));
      });
      this.wake();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise(resolve =>
      socket.once('close', () => {
        this.closedFlag = true;
        this.wake();
        resolve();
      }),
    );
  }

  static connect(socketPath: string): Promise<RawRpcClient> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection(socketPath);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawRpcClient(socket));
      });
    });
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Writes `bytes` as separate writes at the given offsets, yielding to the event loop between. */
  async writeInPieces(bytes: Uint8Array, cuts: number[]): Promise<void> {
    let from = 0;
    for (const cut of [...cuts, bytes.length]) {
      if (cut <= from) continue;
      if (from > 0) await nextTick();
      this.socket.write(bytes.subarray(from, cut));
      from = cut;
    }
  }

  /** Raw bytes of the next reply. */
  async reply(timeoutMs = 3000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      if (this.closedFlag) throw new Error('connection closed before a reply');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs} ms`);
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.replies.shift()!;
  }

  /** Sends one request and returns the decoded result, throwing the RPC error if any. */
  async call(msgid: number, method: string, params: unknown[]): Promise<unknown> {
    this.write(encodeRequest(msgid, method, params));
    const [type, id, error, result] = decode(await this.reply()) as unknown[];
    if (type !== 1 || id !== msgid) throw new Error(`bad reply ${String(type)}/${String(id)}`);
    if (error !== null && error !== undefined) throw new Error(JSON.stringify(error));
    return result;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

/** A request as Kong's mp_rpc packs it (nil-valued keys absent), like the emulator's. */
export function encodeRequest(msgid: number, method: string, params: unknown[]): Uint8Array {
  return encodeKong([0, msgid, method, params]);
}

export const encodeKong = (value: unknown): Uint8Array => encode(value, { ignoreUndefined: true });
