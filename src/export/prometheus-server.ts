// The Prometheus endpoint's own HTTP server (docs/design.md#bounded-memory): it binds the
// configured host, answers only `GET /metrics` (HEAD too), and serves one rendering of the metrics
// to every scrape within a second, so a flood of scrapes, or many concurrent ones, costs one
// collection per second; a slow reader only holds its socket, which Node writes without the
// event loop. Bounded connections, header sizes and timeouts.
import { createServer, type Server } from 'node:http';
import type { MetricData, ResourceMetrics, ScopeMetrics } from '@opentelemetry/sdk-metrics';
import { PrometheusSerializer, type PrometheusExporter } from '@opentelemetry/exporter-prometheus';

export const SCRAPE_CACHE_MS = 1000;
const MAX_CONNECTIONS = 16;
const TIMEOUT_MS = 10_000;

interface Rendered {
  readonly at: number;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const NO_METRICS = '# no registered metrics';
const yieldToEvents = (): Promise<void> => new Promise(resolve => setImmediate(resolve));

/** Data points serialized per turn of the event loop. */
const POINTS_PER_TURN = 8;
const METADATA_LINE = /^# (HELP|TYPE|UNIT) .*\n/;

/**
 * One metric's text, its data points serialized a few at a time: the metadata lines come from
 * the first part, the blank line that ends a metric from the last.
 */
async function renderMetric(
  serializer: PrometheusSerializer,
  resource: ResourceMetrics['resource'],
  scope: ScopeMetrics['scope'],
  metric: MetricData,
): Promise<string> {
  const points = metric.dataPoints as unknown[];
  const parts = Math.max(1, Math.ceil(points.length / POINTS_PER_TURN));
  let text = '';
  for (let i = 0; i < parts; i += 1) {
    await yieldToEvents();
    const part = {
      ...metric,
      dataPoints: points.slice(i * POINTS_PER_TURN, (i + 1) * POINTS_PER_TURN),
    } as MetricData;
    let chunk = serializer.serialize({ resource, scopeMetrics: [{ scope, metrics: [part] }] });
    if (chunk === NO_METRICS) continue;
    if (i > 0) while (METADATA_LINE.test(chunk)) chunk = chunk.replace(METADATA_LINE, '');
    if (i < parts - 1 && chunk.endsWith('\n\n')) chunk = chunk.slice(0, -1);
    text += chunk;
  }
  return text;
}

/**
 * The exporter's text, rendered one metric at a time with a turn of the event loop between
 * metrics, so a large scrape never holds the loop for more than one metric's serialization.
 * The serializers are configured as our exporter is (no prefix, no timestamps, no scope labels).
 */
async function render(exporter: PrometheusExporter): Promise<Rendered> {
  try {
    const { resourceMetrics } = await exporter.collect();
    const head = new PrometheusSerializer(undefined, false, undefined, false, true)
      .serialize({ resource: resourceMetrics.resource, scopeMetrics: [] })
      .replace(NO_METRICS, '');
    const perMetric = new PrometheusSerializer(undefined, false, undefined, true, true);
    let body = '';
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        body += await renderMetric(perMetric, resourceMetrics.resource, scope.scope, metric);
      }
    }
    return {
      at: Date.now(),
      status: 200,
      contentType: 'text/plain',
      body: head + (body === '' ? NO_METRICS : body),
    };
  } catch (error) {
    return {
      at: Date.now(),
      status: 500,
      contentType: 'text/plain',
      body: `# failed to export metrics: ${String(error)}`,
    };
  }
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
