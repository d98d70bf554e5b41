// The Prometheus endpoint's own HTTP server (docs/design.md#bounded-memory): it binds the
// configured host, answers only `GET /metrics` (HEAD too), and serves one rendering of the metrics
// to every scrape within a second, so a flood of scrapes, or many concurrent ones, costs one
// collection per second; a slow reader only holds its socket, which Node writes without the
// event loop. Bounded connections, header sizes and timeouts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';

export const SCRAPE_CACHE_MS = 1000;
const MAX_CONNECTIONS = 16;
const TIMEOUT_MS = 10_000;

interface Rendered {
  readonly at: number;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Runs the exporter's handler against a response that only records what it is given. */
function render(exporter: PrometheusExporter): Promise<Rendered> {
  return new Promise(resolve => {
    let status = 200;
    let contentType = 'text/plain';
    const sink = {
      set statusCode(code: number) {
        status = code;
      },
      get statusCode() {
        return status;
      },
      setHeader(name: string, value: string) {
        if (name.toLowerCase() === 'content-type') contentType = value;
        return sink;
      },
      end(body?: string) {
        resolve({ at: Date.now(), status, contentType, body: body ?? '' });
        return sink;
      },
    };
    exporter.getMetricsRequestHandler({} as IncomingMessage, sink as unknown as ServerResponse);
  });
}

export interface MetricsServer {
  readonly server: Server;
  close(): Promise<void>;
}

export function startMetricsServer(
  exporter: PrometheusExporter,
  host: string | undefined,
  port: number,
  path: string,
  started: (error: Error | undefined) => void,
): MetricsServer {
  let cached: Rendered | undefined;
  let pending: Promise<Rendered> | undefined;
  const current = (): Promise<Rendered> => {
    if (cached !== undefined && Date.now() - cached.at < SCRAPE_CACHE_MS) {
      return Promise.resolve(cached);
    }
    pending ??= render(exporter).then(r => {
      cached = r;
      pending = undefined;
      return r;
    });
    return pending;
  };
  const server = createServer(
    { maxHeaderSize: 8192, requestTimeout: TIMEOUT_MS, headersTimeout: TIMEOUT_MS },
    (req, res) => {
      const pathname = (req.url ?? '').split('?')[0];
      if (pathname !== path) {
        res.statusCode = 404;
        res.end();
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.statusCode = 405;
        res.setHeader('allow', 'GET, HEAD');
        res.end();
        return;
      }
      void current().then(r => {
        res.statusCode = r.status;
        res.setHeader('content-type', r.contentType);
        res.end(req.method === 'HEAD' ? undefined : r.body);
      });
    },
  );
  server.maxConnections = MAX_CONNECTIONS;
  server.keepAliveTimeout = 5000;
  server.setTimeout(TIMEOUT_MS, socket => socket.destroy());
  server.once('error', error => started(error));
  server.listen(port, host, () => started(undefined));
  return {
    server,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
