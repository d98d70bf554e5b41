// The stop helper's side of `plugin.GenAiOtelFlush`: one request on the running server's socket,
// one reply, no dependency on Kong. Used by `genai-otel-pluginserver --flush-and-wait`.
import net from 'node:net';
import { MessageFramer } from './message-framer';
import { msgpack } from './kong-pdk-modules';

/** What the running server reports after the flush. */
export interface FlushReply {
  /** Every provider exported what it held within the deadline. */
  Flushed: boolean;
  /** Providers flushed (trace and metric). */
  Providers: number;
  /** The server's process id. */
  Pid: number;
}

/** Asks the server at `socketPath` to export everything now; rejects on any failure. */
export function requestFlush(
  socketPath: string,
  deadlineMs: number,
  stopping: boolean,
): Promise<FlushReply> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    const framer = new MessageFramer();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from ${socketPath} within ${deadlineMs + 1000} ms`));
    }, deadlineMs + 1000);
    const done = (error: Error | undefined, reply?: FlushReply): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply!);
    };
    socket.on('error', error => done(error));
    socket.on('close', () => done(new Error(`${socketPath} closed before answering`)));
    socket.on('connect', () => {
      socket.write(
        msgpack.encode([
          0,
          1,
          'plugin.GenAiOtelFlush',
          [{ DeadlineMs: deadlineMs, Stopping: stopping }],
        ]),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        framer.push(chunk, bytes => {
          const message = msgpack.decode(bytes) as unknown[];
          if (message[0] === 2) return; // serverPid notification
          if (message[2] !== null && message[2] !== undefined) {
            done(new Error(`the plugin server refused: ${JSON.stringify(message[2])}`));
          } else {
            done(undefined, message[3] as FlushReply);
          }
        });
      } catch (error) {
        done(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
