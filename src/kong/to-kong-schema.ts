// Converts the plugin's zod config schema into Kong's field DSL, the `config.fields` of `Schema`.
import { z } from 'zod';

/** A field definition in Kong's schema DSL: the value side of `{ name: definition }`. */
export interface KongFieldSchema {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'map' | 'record';
  required?: boolean;
  default?: unknown;
  one_of?: (string | number)[];
  between?: [number, number];
  gt?: number;
  len_min?: number;
  len_max?: number;
  referenceable?: boolean;
  elements?: KongFieldSchema;
  keys?: KongFieldSchema;
  values?: KongFieldSchema;
  fields?: KongField[];
  description?: string;
}

/** A Kong schema field: a single-key map from the field name to its definition. */
export type KongField = Record<string, KongFieldSchema>;

/** The subset of JSON Schema that `z.toJSONSchema` emits and this converter reads. */
interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  kong?: Record<string, unknown>;
  $ref?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonSchema | boolean;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  $defs?: Record<string, JsonSchema>;
}
type Defs = Record<string, JsonSchema>;

// An allow-list, not a deny-list: a keyword we do not map is a check Kong would silently skip.
const KNOWN = new Set([
  ...['$schema', '$defs', 'title', 'readOnly', 'type', 'description', 'default', 'kong'],
  ...['anyOf', 'enum', 'const', 'minLength', 'maxLength', 'minimum', 'maximum'],
  ...['exclusiveMinimum', 'exclusiveMaximum', 'items', 'minItems', 'maxItems'],
  ...['properties', 'required', 'additionalProperties', 'propertyNames'],
]);
const WHY: Record<string, string> = {
  pattern: 'regex checks are zod-only (Kong `match` takes Lua patterns): use .refine()',
  format: 'string formats (z.url(), z.email(), …) are zod-only: use z.string().refine()',
  prefixItems: 'tuples have no Kong equivalent',
};
// The open side of a one-sided range. zod's own z.int() bound, and readable in Kong's
// "value should be between %d and %d" (Lua's %d mangles Number.MAX_VALUE).
const OPEN = Number.MAX_SAFE_INTEGER;

const fail = (path: string, reason: string): Error =>
  new Error(`toKongFields: field "${path || '<root>'}": ${reason}`);

/** Kong `config.fields` for a zod object schema; throws, naming the field, on what Kong cannot check. */
export function toKongFields(schema: z.ZodObject): KongField[] {
  // io 'input': Kong validates what the admin supplies, before zod's defaults and transforms.
  // unrepresentable 'any' turns z.date() & co. into `{}`, which we reject below with a field path.
  const root = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    cycles: 'throw',
  }) as JsonSchema;
  return recordFields(root, '', root.$defs ?? {});
}

function recordFields(obj: JsonSchema, path: string, defs: Defs): KongField[] {
  const required = new Set(obj.required ?? []);
  return Object.entries(obj.properties ?? {}).map(([name, prop]) => {
    const at = path ? `${path}.${name}` : name;
    const { schema, nullable, fallback } = convert(prop, at, defs);
    const extra: Partial<KongFieldSchema> = {};
    // Kong fills a default itself, and sends null for an unset optional field.
    if (required.has(name) && !nullable && fallback === undefined) extra.required = true;
    if (fallback != null) extra.default = fallback;
    const { type, ...rest } = schema;
    return { [name]: { type, ...extra, ...rest } };
  });
}

function convert(raw: JsonSchema, path: string, defs: Defs) {
  const [unwrapped, nullable] = splitNull(resolve(raw, path, defs));
  const node = resolve(unwrapped, path, defs);
  for (const key of Object.keys(node))
    if (!KNOWN.has(key)) throw fail(path, WHY[key] ?? `"${key}" has no Kong equivalent`);
  const schema: KongFieldSchema = { ...typed(node, path, defs) };
  // `.meta({ kong: { referenceable: true } })`: Kong resolves vault references in strings only.
  for (const [key, value] of Object.entries(node.kong ?? {})) {
    if (key !== 'referenceable') throw fail(path, `unknown kong meta "${key}"`);
    if (schema.type !== 'string') throw fail(path, 'only strings can be referenceable');
    if (value === true) schema.referenceable = true;
  }
  if (node.description !== undefined) {
    // Kong's metaschema rejects the whole plugin schema outside 10..500 characters.
    const n = node.description.length;
    if (n < 10 || n > 500) throw fail(path, `description has ${n} chars, Kong allows 10..500`);
    schema.description = node.description;
  }
  return { schema, nullable, fallback: node.default };
}

function resolve(node: JsonSchema, path: string, defs: Defs): JsonSchema {
  if (node.$ref === undefined) return node;
  const { $ref, ...rest } = node;
  const target = defs[$ref.replace('#/$defs/', '')];
  if (!target) throw fail(path, `unresolvable $ref ${$ref}`);
  return { ...target, ...rest };
}

// .nullable()/.nullish() arrive as `type: [T, 'null']` or `anyOf: [T, { type: 'null' }]`.
function splitNull(node: JsonSchema): [JsonSchema, boolean] {
  if (Array.isArray(node.type) && node.type.includes('null')) {
    const rest = node.type.filter(t => t !== 'null');
    return [{ ...node, type: rest.length === 1 ? rest[0] : rest }, true];
  }
  const branches = node.anyOf?.filter(b => b.type !== 'null');
  if (!node.anyOf || !branches || branches.length === node.anyOf.length) return [node, false];
  const outer = { ...node };
  delete outer.anyOf;
  // The wrapper's .describe()/.default() win over the inner schema's, as in zod.
  const [only] = branches;
  return [
    branches.length === 1 && only ? { ...only, ...outer } : { ...outer, anyOf: branches },
    true,
  ];
}

function typed(node: JsonSchema, path: string, defs: Defs): KongFieldSchema {
  if (node.anyOf || node.enum || 'const' in node) return oneOf(node, path);
  if (Array.isArray(node.type))
    throw fail(path, `a union of ${node.type.join('/')} has no Kong type`);
  switch (node.type) {
    case 'string':
      // Kong counts bytes, zod UTF-16 units: the same for ASCII, stricter in Kong otherwise.
      return { type: 'string', ...lengths(node.minLength, node.maxLength) };
    case 'boolean':
      return { type: 'boolean' };
    case 'integer':
    case 'number':
      return { type: node.type, ...bounds(node, path) };
    case 'array': {
      if (typeof node.items !== 'object') throw fail(path, 'array without an element schema');
      const elements = convert(node.items, `${path}[]`, defs).schema;
      return { type: 'array', ...lengths(node.minItems, node.maxItems), elements };
    }
    case 'object':
      if (!node.properties) return mapOf(node, path, defs);
      // Kong rejects unknown keys in a record, so a loose/catchall object would lie about them.
      if (node.additionalProperties !== undefined && node.additionalProperties !== false)
        throw fail(path, 'loose or catchall objects have no Kong equivalent');
      return { type: 'record', fields: recordFields(node, path, defs) };
    case undefined:
      throw fail(path, 'an untyped value (unknown, any, date, bigint, Map, Set, preprocess…)');
    default:
      throw fail(path, `type "${node.type}" has no Kong equivalent`);
  }
}

function mapOf(node: JsonSchema, path: string, defs: Defs): KongFieldSchema {
  if (typeof node.additionalProperties !== 'object') throw fail(path, 'object without a shape');
  // z.record(z.enum(...), X) requires every key; a Kong map cannot.
  if (node.required?.length) throw fail(path, 'exhaustive record keys: use z.partialRecord()');
  const keys = convert(node.propertyNames ?? { type: 'string' }, `${path}{key}`, defs).schema;
  if (keys.type !== 'string') throw fail(path, 'map keys must be strings');
  if (keys.referenceable) throw fail(path, 'Kong resolves vault references in values, not keys');
  const values = convert(node.additionalProperties, `${path}{}`, defs).schema;
  return { type: 'map', keys, values };
}

function oneOf(node: JsonSchema, path: string): KongFieldSchema {
  const literals = (n: JsonSchema): unknown[] => {
    if (n.enum) return n.enum;
    if ('const' in n) return [n.const];
    throw fail(path, 'a union of different types has no Kong equivalent');
  };
  const values = node.anyOf ? node.anyOf.flatMap(literals) : literals(node);
  if (values.every((v): v is string => typeof v === 'string'))
    return { type: 'string', one_of: values };
  if (values.every((v): v is number => typeof v === 'number'))
    return { type: 'number', one_of: values };
  throw fail(path, 'Kong one_of takes only strings or only numbers');
}

function bounds(node: JsonSchema, path: string): Partial<KongFieldSchema> {
  const int = node.type === 'integer';
  const out: Partial<KongFieldSchema> = {};
  let lo = node.minimum;
  let hi = node.maximum;
  // Exclusive bounds: exact as ±1 on integers; for numbers Kong has `gt` but no `lt`.
  if (node.exclusiveMinimum !== undefined) {
    if (int) lo = Math.max(lo ?? -OPEN, Math.floor(node.exclusiveMinimum) + 1);
    else out.gt = node.exclusiveMinimum;
  }
  if (node.exclusiveMaximum !== undefined) {
    if (!int) throw fail(path, 'Kong has no exclusive maximum (lt) for numbers: use .max()');
    hi = Math.min(hi ?? OPEN, Math.ceil(node.exclusiveMaximum) - 1);
  }
  // z.int() always carries ±MAX_SAFE_INTEGER: that is no bound at all.
  if (lo === -OPEN) lo = undefined;
  if (hi === OPEN) hi = undefined;
  // Kong's `gt` is exclusive, zod's .min() inclusive, so a single bound becomes an open `between`.
  if (lo !== undefined || hi !== undefined) out.between = [lo ?? -OPEN, hi ?? OPEN];
  return out;
}

function lengths(min: number | undefined, max: number | undefined): Partial<KongFieldSchema> {
  return { ...(min !== undefined && { len_min: min }), ...(max !== undefined && { len_max: max }) };
}
