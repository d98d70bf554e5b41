// Optional process-wide Prometheus pull endpoint serving both metric families, off unless
// KONG_GENAI_OTEL_PROMETHEUS_PORT is set; started lazily by the first metric lease, never at load.
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { logger } from '../selfobs/logger';
import {
  createMetricInstruments,
  type MetricInstruments,
} from '../instrumentation/metric-instruments';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info';
import type { Signal } from '../selfobs/recorder';
import { registerSelfMetrics } from '../selfobs/self-metrics';
import { cardinalityLimit } from './cardinality';
import { startMetricsServer, type MetricsServer } from './prometheus-server';

export const PROMETHEUS_PORT_ENV = 'KONG_GENAI_OTEL_PROMETHEUS_PORT';
export const PROMETHEUS_HOST_ENV = 'KONG_GENAI_OTEL_PROMETHEUS_HOST';
export const PROMETHEUS_PATH = '/metrics';

/** Kong's proxy, admin, status and TLS listeners: taking one would break Kong or shadow its /metrics. */
export const KONG_RESERVED_PORTS: ReadonlySet<number> = new Set([
  8000, 8001, 8007, 8100, 8443, 8444,
]);

export interface PrometheusEndpointSetting {
  /** undefined: every interface (Prometheus usually scrapes from another pod or host). */
  readonly host: string | undefined;
  readonly port: number;
}

/** The endpoint the environment asks for; undefined when off, `{ error }` when refused. */
export function resolvePrometheusEndpoint(
  env: NodeJS.ProcessEnv,
): PrometheusEndpointSetting | { readonly error: string } | undefined {
  const rawPort = env[PROMETHEUS_PORT_ENV]?.trim();
  if (rawPort === undefined || rawPort === '') return undefined;
  const port = /^\d{1,5}$/.test(rawPort) ? Number(rawPort) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    return { error: `${PROMETHEUS_PORT_ENV}=${rawPort} is not a TCP port (1-65535)` };
  }
  if (KONG_RESERVED_PORTS.has(port)) {
    return {
      error:
        `${PROMETHEUS_PORT_ENV}=${port} is one of Kong's own ports ` +
        `(${[...KONG_RESERVED_PORTS].join(', ')}); choose another, e.g. 9464`,
    };
  }
  const host = env[PROMETHEUS_HOST_ENV]?.trim();
  return { host: host === undefined || host === '' ? undefined : host, port };
}

/** The exporter's reader takes no cardinality option; the limit is the same as for OTLP. */
class BoundedPrometheusExporter extends PrometheusExporter {
  private readonly limit = cardinalityLimit();
  override selectCardinalityLimit(): number {
    return this.limit;
  }
}

interface Endpoint {
  readonly provider: MeterProvider;
  readonly server: MetricsServer;
  readonly instruments: MetricInstruments;
  /** Resolves true once listening, false when the server could not start. */
  readonly listening: Promise<boolean>;
}

let endpoint: Endpoint | 'off' | undefined;

/**
 * The Prometheus endpoint's instruments, starting it on first use; undefined when it is off or
 * refused. `resource` is read once (the endpoint is process-wide; the first lease describes it).
 */
export function prometheusInstruments(
  resource: () => Resource,
  liveExporters: () => Readonly<Record<Signal, number>>,
): MetricInstruments | undefined {
  endpoint ??= startEndpoint(resource, liveExporters);
  return endpoint === 'off' ? undefined : endpoint.instruments;
}

/** Resolves true once the endpoint listens; false when it is off or failed to start. */
export function prometheusEndpointListening(): Promise<boolean> {
  return endpoint === undefined || endpoint === 'off' ? Promise.resolve(false) : endpoint.listening;
}

/** Where the endpoint listens (host and port), once listening; undefined otherwise. */
export function prometheusEndpointAddress(): { address: string; port: number } | undefined {
  if (endpoint === undefined || endpoint === 'off') return undefined;
  const address = endpoint.server.server.address();
  return address === null || typeof address === 'string' ? undefined : address;
}

/** Stops the HTTP server; a later lease starts a new one. Never rejects. */
export async function shutdownPrometheusEndpoint(): Promise<void> {
  const current = endpoint;
  endpoint = undefined;
  if (current === undefined || current === 'off') return;
  await Promise.all([
    current.server.close().catch(() => undefined),
    current.provider.shutdown().catch(() => undefined),
  ]);
}

function startEndpoint(
  resource: () => Resource,
  liveExporters: () => Readonly<Record<Signal, number>>,
): Endpoint | 'off' {
  const setting = resolvePrometheusEndpoint(process.env);
  if (setting === undefined) return 'off';
  if ('error' in setting) {
    logger.limited(
      'error',
      'prometheus-endpoint',
      `${setting.error}; the Prometheus endpoint stays off.`,
    );
    return 'off';
  }
  let listened: (ok: boolean) => void = () => undefined;
  const listening = new Promise<boolean>(resolve => (listened = resolve));
  const where = `${setting.host ?? '*'}:${setting.port}${PROMETHEUS_PATH}`;
  const reader = new BoundedPrometheusExporter({
    // Our own server binds and answers (prometheus-server.ts); the exporter only renders.
    preventServerStart: true,
    endpoint: PROMETHEUS_PATH,
    // Series carry exactly Kong's labels (plus Prometheus' job/instance), as Kong's plugin does.
    withoutScopeInfo: true,
  });
  const server = startMetricsServer(reader, setting.host, setting.port, PROMETHEUS_PATH, error => {
    if (error) {
      logger.limited(
        'error',
        'prometheus-endpoint',
        `Prometheus endpoint ${where} failed to start: ${error.message}`,
      );
    }
    listened(!error);
  });
  const provider = new MeterProvider({ resource: resource(), readers: [reader] });
  const meter = provider.getMeter(PACKAGE_NAME, PACKAGE_VERSION);
  // Drops and export failures must be visible to the scraper too, not only over OTLP.
  registerSelfMetrics(meter, liveExporters);
  return {
    provider,
    server,
    instruments: createMetricInstruments(meter),
    listening,
  };
}
