// A loopback OTLP/HTTP sink that goes down and comes back on a fixed schedule, as a collector
// being restarted: while down, its port refuses connections and open ones are cut.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FlappingCollector {
  readonly url: string;
  readonly up: boolean;
  readonly requests: number;
  /** Goes down or comes back. */
  toggle(): Promise<void>;
  close(): Promise<void>;
}

export async function startFlappingCollector(): Promise<FlappingCollector> {
  let requests = 0;
  let up = true;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
      res.end();
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stop = (): Promise<void> =>
    new Promise(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}`,
    get up() {
      return up;
    },
    get requests() {
      return requests;
    },
    toggle: async () => {
      if (up) {
        up = false;
        await stop();
      } else {
        await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
        up = true;
      }
    },
    close: () => (up ? stop() : Promise.resolve()),
  };
}
