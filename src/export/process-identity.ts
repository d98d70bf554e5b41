// Who is exporting: one plugin-server process on one Kong node. Several nodes (or a respawned
// server) exporting the same config must not share a resource, or a backend merges their
// cumulative series. Computed once per process, no PDK call: the serialized log carries no node id.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Kong's node id where it can be read without asking Kong: KONG_NODE_ID (set by the operator;
 * deprecated in 3.9), else `<prefix>/kong.id`, which Kong 3.9 writes for hybrid-mode data planes.
 * A traditional node keeps its id in shared memory only, so it has none here.
 */
export function kongNodeId(env: NodeJS.ProcessEnv): string | undefined {
  const configured = env.KONG_NODE_ID?.trim();
  if (configured && UUID.test(configured)) return configured.toLowerCase();
  const prefix = env.KONG_PREFIX?.trim() || '/usr/local/kong';
  try {
    const id = fs.readFileSync(path.join(prefix, 'kong.id'), 'utf8').trim();
    return UUID.test(id) ? id.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

let identity: Readonly<Record<string, string>> | undefined;

/**
 * `service.instance.id` (random per process, stable for its life), `host.name` (the pod or
 * container name) and, when known, `kong.node.id`. OTEL_RESOURCE_ATTRIBUTES and the plugin's
 * resource_attributes can still override them.
 */
export function processIdentity(
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Record<string, string>> {
  if (identity === undefined) {
    const node = kongNodeId(env);
    identity = {
      'service.instance.id': randomUUID(),
      'host.name': os.hostname(),
      ...(node === undefined ? {} : { 'kong.node.id': node }),
    };
  }
  return identity;
}
