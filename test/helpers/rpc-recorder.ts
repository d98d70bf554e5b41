// A Unix-socket proxy between a Kong emulator and a plugin server that records the conversation
// as raw bytes: each request exactly as Kong wrote it, each reply exactly as the server wrote it.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RecordedRpc {
  request: Buffer;
  reply: Buffer;
}

export interface RpcRecorder {
  /** Where the emulator connects. */
  readonly socketPath: string;
  /** Request/reply pairs in order, across connections (Kong never pipelines, so replies close requests). */
  conversation(): RecordedRpc[];
  close(): Promise<void>;
}

export async function startRpcRecorder(targetSocket: string): Promise<RpcRecorder> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpc-rec-'));
  const socketPath = path.join(dir, 'recorder.sock');
  const done: RecordedRpc[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer(client => {
    const upstream = net.createConnection(targetSocket);
    sockets.add(client).add(upstream);
    let request: Buffer[] = [];
    let reply: Buffer[] = [];
    let open: Buffer | undefined;
    // A reply's bytes end when the next request starts (or the connection ends).
    const flushReply = (): void => {
      if (open !== undefined && reply.length > 0)
        done.push({ request: open, reply: Buffer.concat(reply) });
      open = undefined;
      reply = [];
    };
    client.on('data', (chunk: Buffer) => {
      flushReply();
      request.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (request.length > 0) {
        open = Buffer.concat(request);
        request = [];
      }
      reply.push(chunk);
      client.write(chunk);
    });
    const end = (): void => {
      flushReply();
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>(resolve => server.listen(socketPath, resolve));
  return {
    socketPath,
    conversation: () => done.slice(),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>(resolve => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
