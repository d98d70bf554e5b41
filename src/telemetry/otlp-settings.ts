// What the trace and metric pipelines share: endpoint resolution (config, then the OTEL_* env,
// then the OTLP default), the resource, so spans and metrics land on the same entity, and the
// identity of export settings that keys the process-wide provider registries.
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
  type Resource,
} from '@opentelemetry/resources';
import { processIdentity } from '../export/process-identity';

export type Signal = 'traces' | 'metrics';

const DEFAULT_BASE = 'http://localhost:4318';

export const nonEmpty = (value: string | undefined): string | undefined =>
  value !== undefined && value.trim() !== '' ? value.trim() : undefined;

/** Contract §6: config, else OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT, else the base endpoint + path. */
export function otlpUrl(
  signal: Signal,
  configured: string | null | undefined,
  env: NodeJS.ProcessEnv,
): string {
  if (configured != null) return configured;
  const specific = nonEmpty(env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`]);
  if (specific !== undefined) return specific;
  const base = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) ?? DEFAULT_BASE;
  return `${base.replace(/\/+$/, '')}/v1/${signal}`;
}

/** SDK defaults, this process's identity, then OTEL_RESOURCE_ATTRIBUTES, then the config (which wins). */
export function telemetryResource(
  serviceName: string,
  attributes: Readonly<Record<string, string>>,
): Resource {
  return defaultResource()
    .merge(resourceFromAttributes(processIdentity()))
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes({ ...attributes, 'service.name': serviceName }));
}

/** Stable identity of settings: object key order does not matter. */
export function settingsKey(settings: object): string {
  return JSON.stringify(settings, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
}
