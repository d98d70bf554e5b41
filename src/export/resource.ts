// The resource every signal carries, so spans and metrics land on the same entity.
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
  type Resource,
} from '@opentelemetry/resources';
import { processIdentity } from './process-identity';

/**
 * SDK defaults, this process's identity, then OTEL_RESOURCE_ATTRIBUTES, then the config (which
 * wins).
 */
export function telemetryResource(
  serviceName: string,
  attributes: Readonly<Record<string, string>>,
): Resource {
  return defaultResource()
    .merge(resourceFromAttributes(processIdentity()))
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes({ ...attributes, 'service.name': serviceName }));
}
