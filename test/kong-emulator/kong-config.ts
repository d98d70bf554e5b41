// Builds the instance `Config` JSON exactly as Kong sends it: schema defaults plus Kong's own fields.

/** One Kong schema field definition (`{ type, default, required, fields, ... }`). */
export interface KongFieldDef {
  type?: string;
  default?: unknown;
  required?: boolean;
  fields?: KongFieldEntry[];
  [key: string]: unknown;
}

/** Kong writes schema fields as single-key maps: `{ header_name: { type: 'string' } }`. */
export type KongFieldEntry = Record<string, KongFieldDef>;

/** One entry of `kong-js-pluginserver --dump-all-plugins` (server.js GetPluginInfo). */
export interface PluginInfo {
  Name: string;
  Version?: string;
  Phases: string[];
  Priority: number;
  Schema: { name: string; fields: KongFieldEntry[] };
}

/** A plugin entity as configured in Kong's database, before Kong decorates it. */
export interface PluginEntity {
  /** Plugin entity UUID: `__plugin_id`, and the instance cache key (`kong.plugin.get_id()`). */
  id: string;
  /** `__seq__`: Kong bumps it when the config changes, which replaces the instance. */
  seq: number;
  config?: Record<string, unknown>;
  routeId?: string | null;
  serviceId?: string | null;
  consumerId?: string | null;
  wsId?: string;
  instanceName?: string;
}

/** Arbitrary but stable id of the `default` workspace for tests. */
export const DEFAULT_WS_ID = '0dc6f45b-8f8d-40d2-a504-473544ee190b';

type Json = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const fieldEntry = (entry: KongFieldEntry): [string, KongFieldDef] => {
  const names = Object.keys(entry);
  const name = names[0];
  const def = name === undefined ? undefined : entry[name];
  if (names.length !== 1 || name === undefined || def === undefined) {
    throw new Error(`schema field entries must have exactly one key, got ${JSON.stringify(entry)}`);
  }
  return [name, def];
};

/** The `config` record's fields inside the dumped schema (`fields: [{ config: { type: 'record' } }]`). */
export function configFields(info: PluginInfo): KongFieldEntry[] {
  for (const entry of info.Schema.fields) {
    const [name, def] = fieldEntry(entry);
    if (name === 'config') return def.fields ?? [];
  }
  throw new Error(`plugin ${info.Name}: dumped schema has no config record`);
}

/**
 * Kong's `handle_missing_field` for an absent field: a deep copy of `default`; otherwise `null`
 * unless the field is required; a required record is expanded to get its nested defaults.
 * Entity records are required unless they say otherwise (`make_records_required` in
 * kong/db/schema/entity.lua), which is why an unset record still arrives with its defaults.
 */
function missingValue(def: KongFieldDef, path: string): unknown {
  if (def.default !== undefined) return structuredClone(def.default);
  const required = def.type === 'record' ? def.required !== false : def.required === true;
  if (!required) return null;
  if (def.type === 'record') return applySchemaDefaults(def.fields ?? [], {}, path);
  throw new Error(`${path}: required field missing`);
}

/**
 * Applies defaults like Kong's `process_auto_fields` on insert. Unknown keys are rejected, as Kong's
 * validation would refuse the entity ("unknown field"), so a typo in a test config fails loudly.
 */
export function applySchemaDefaults(fields: KongFieldEntry[], input: Json, path = 'config'): Json {
  const known = new Set<string>();
  const out: Json = {};
  for (const entry of fields) {
    const [name, def] = fieldEntry(entry);
    known.add(name);
    const fieldPath = `${path}.${name}`;
    const value = input[name];
    if (value === undefined) {
      out[name] = missingValue(def, fieldPath);
    } else if (def.type === 'record' && isPlainObject(value)) {
      out[name] = applySchemaDefaults(def.fields ?? [], value, fieldPath);
    } else {
      out[name] = value;
    }
  }
  for (const key of Object.keys(input)) {
    if (!known.has(key)) throw new Error(`${path}.${key}: unknown field`);
  }
  return out;
}

/** `kong.db.plugins:cache_key(name, route, service, consumer, nil, ws)`; the empty slot is the consumer group. */
export function pluginCacheKey(
  name: string,
  routeId: string | null,
  serviceId: string | null,
  consumerId: string | null,
  wsId: string,
): string {
  return `plugins:${name}:${routeId ?? ''}:${serviceId ?? ''}:${consumerId ?? ''}::${wsId}`;
}

/**
 * The decorated config of `plugins_iterator.lua` `get_plugin_config`: validated config, then
 * route/service/consumer ids (null when unset), `plugin_instance_name` when set, and the `__*`
 * fields. Kong sends it `cjson.encode`d in StartInstance's `Config` string.
 */
export function buildKongConfig(
  info: PluginInfo,
  plugin: PluginEntity,
): { object: Json; json: string } {
  const object = applySchemaDefaults(configFields(info), plugin.config ?? {});
  const routeId = plugin.routeId ?? null;
  const serviceId = plugin.serviceId ?? null;
  const consumerId = plugin.consumerId ?? null;
  const wsId = plugin.wsId ?? DEFAULT_WS_ID;
  object.route_id = routeId;
  object.service_id = serviceId;
  object.consumer_id = consumerId;
  if (plugin.instanceName !== undefined) object.plugin_instance_name = plugin.instanceName;
  object.__plugin_id = plugin.id;
  object.__ws_id = wsId;
  object.__key__ = pluginCacheKey(info.Name, routeId, serviceId, consumerId, wsId);
  object.__seq__ = plugin.seq;
  return { object, json: JSON.stringify(object) };
}
