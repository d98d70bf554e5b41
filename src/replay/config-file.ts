// `replay --config`: the file users already have. JSON or YAML; a bare plugin config, one Kong
// plugin entry (`{name: genai-otel, config: {...}}`), or a whole declarative `kong.yml` (with a
// selection when it holds several genai-otel entries). Unknown keys are an error naming the key:
// a misspelt field silently ignored is the worst failure of a config file.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigSchema, type Config } from '../../schemas/config';
import { loadConfig } from '../pipeline/load-config';

export const PLUGIN_NAME = 'genai-otel';

export interface ConfigSelection {
  /** Index in the list of genai-otel entries of a kong.yml (as printed when there are several). */
  readonly pluginIndex?: number;
  /** Name of the route whose genai-otel entry to use. */
  readonly route?: string;
}

export type ConfigFileResult =
  | { readonly ok: true; readonly config: Config; readonly source: string }
  | { readonly ok: false; readonly message: string };

/** A genai-otel plugin entry found in a kong.yml, with where it was. */
interface FoundEntry {
  readonly where: string;
  readonly route: string | undefined;
  readonly entry: Record<string, unknown>;
}

/** Keys Kong accepts on a plugin entity besides `config` (declarative format). */
const ENTRY_KEYS = new Set([
  'name',
  'config',
  'enabled',
  'protocols',
  'route',
  'service',
  'consumer',
  'consumer_group',
  'instance_name',
  'id',
  'tags',
  'ordering',
  'created_at',
  'updated_at',
]);

const isTable = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function readConfigFile(path: string, select: ConfigSelection = {}): ConfigFileResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, message: `cannot read config ${path}: ${messageOf(error)}` };
  }
  let doc: unknown;
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both.
    doc = parse(text);
  } catch (error) {
    return { ok: false, message: `cannot parse config ${path}: ${messageOf(error)}` };
  }
  return configFromDocument(doc ?? {}, select);
}

/** Picks the plugin config out of whatever shape the document has, then validates it strictly. */
export function configFromDocument(doc: unknown, select: ConfigSelection = {}): ConfigFileResult {
  if (!isTable(doc))
    return { ok: false, message: `config must be a mapping, got ${describe(doc)}` };
  let raw: unknown;
  let source: string;
  if (isKongFile(doc)) {
    const picked = pickFromKongFile(doc, select);
    if (!picked.ok) return picked;
    raw = picked.entry.entry.config ?? {};
    source = `kong.yml ${picked.entry.where}`;
  } else if (typeof doc.name === 'string') {
    const entry = checkEntry(doc, 'plugin entry');
    if (typeof entry === 'string') return { ok: false, message: entry };
    raw = doc.config ?? {};
    source = 'plugin entry';
  } else {
    if (select.pluginIndex !== undefined || select.route !== undefined) {
      return { ok: false, message: '--plugin-index and --route select within a kong.yml only' };
    }
    raw = doc;
    source = 'plugin config';
  }
  const unknown = unknownKeys(raw);
  if (unknown.length > 0) {
    const list = unknown.map(k => `'${k}'`).join(', ');
    return {
      ok: false,
      message: `invalid config (${source}): unknown key${unknown.length === 1 ? '' : 's'} ${list}`,
    };
  }
  const loaded = loadConfig(raw);
  if (!loaded.ok) return { ok: false, message: `invalid config (${source}): ${loaded.message}` };
  return { ok: true, config: loaded.config, source };
}

const isKongFile = (doc: Record<string, unknown>): boolean =>
  '_format_version' in doc ||
  ['services', 'routes', 'plugins', 'consumers'].some(k => Array.isArray(doc[k]));

/** An entry's problem as a message, or the entry when it is a genai-otel entry with known keys. */
function checkEntry(entry: Record<string, unknown>, where: string): string | undefined {
  if (entry.name !== PLUGIN_NAME) {
    return `${where} is for plugin '${String(entry.name)}', not '${PLUGIN_NAME}'`;
  }
  const extra = Object.keys(entry).filter(k => !ENTRY_KEYS.has(k));
  if (extra.length > 0) {
    return `${where}: unknown key${extra.length === 1 ? '' : 's'} ${extra.map(k => `'${k}'`).join(', ')} (the plugin's fields go under 'config')`;
  }
  if (entry.config !== undefined && entry.config !== null && !isTable(entry.config)) {
    return `${where}: 'config' must be a mapping, got ${describe(entry.config)}`;
  }
  return undefined;
}

/** Every genai-otel entry of a declarative config, in document order. */
function findEntries(doc: Record<string, unknown>): FoundEntry[] {
  const found: FoundEntry[] = [];
  const plugins = (owner: Record<string, unknown>, where: string, route: string | undefined) => {
    const list = Array.isArray(owner.plugins) ? (owner.plugins as unknown[]) : [];
    list.forEach((p, i) => {
      if (!isTable(p) || p.name !== PLUGIN_NAME) return;
      const ownRoute = typeof p.route === 'string' ? p.route : undefined;
      found.push({ where: `${where}plugins[${i}]`, route: route ?? ownRoute, entry: p });
    });
  };
  const label = (t: Record<string, unknown>) => (typeof t.name === 'string' ? `(${t.name})` : '');
  const routes = (owner: Record<string, unknown>, where: string) => {
    const list = Array.isArray(owner.routes) ? (owner.routes as unknown[]) : [];
    list.forEach((r, i) => {
      if (!isTable(r)) return;
      plugins(r, `${where}routes[${i}]${label(r)}.`, typeof r.name === 'string' ? r.name : '');
    });
  };
  plugins(doc, '', undefined);
  const services = Array.isArray(doc.services) ? (doc.services as unknown[]) : [];
  services.forEach((s, i) => {
    if (!isTable(s)) return;
    const where = `services[${i}]${label(s)}.`;
    plugins(s, where, undefined);
    routes(s, where);
  });
  routes(doc, '');
  const consumers = Array.isArray(doc.consumers) ? (doc.consumers as unknown[]) : [];
  consumers.forEach((c, i) => {
    if (isTable(c)) plugins(c, `consumers[${i}].`, undefined);
  });
  return found;
}

function pickFromKongFile(
  doc: Record<string, unknown>,
  select: ConfigSelection,
): { ok: true; entry: FoundEntry } | { ok: false; message: string } {
  const all = findEntries(doc);
  if (all.length === 0)
    return { ok: false, message: `the kong.yml has no '${PLUGIN_NAME}' plugin` };
  const listing = all
    .map((e, i) => `  --plugin-index ${i}: ${e.where}${e.route ? ` (route ${e.route})` : ''}`)
    .join('\n');
  let chosen: FoundEntry[] = all;
  if (select.pluginIndex !== undefined) {
    const one = all[select.pluginIndex];
    if (one === undefined) {
      return {
        ok: false,
        message: `--plugin-index ${select.pluginIndex}: the kong.yml has ${plural(all.length, `'${PLUGIN_NAME}' entry`, `'${PLUGIN_NAME}' entries`)}:\n${listing}`,
      };
    }
    chosen = [one];
  }
  if (select.route !== undefined) {
    chosen = chosen.filter(e => e.route === select.route);
    if (chosen.length === 0) {
      return {
        ok: false,
        message: `no '${PLUGIN_NAME}' entry on route '${select.route}'; the kong.yml has:\n${listing}`,
      };
    }
  }
  if (chosen.length > 1) {
    return {
      ok: false,
      message: `the kong.yml has ${chosen.length} '${PLUGIN_NAME}' entries; choose one with --plugin-index or --route:\n${listing}`,
    };
  }
  const entry = chosen[0]!;
  const problem = checkEntry(entry.entry, entry.where);
  return problem === undefined ? { ok: true, entry } : { ok: false, message: problem };
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
}

const SCHEMA = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

/** Dotted paths of keys the schema does not declare (zod would drop them without a word). */
export function unknownKeys(value: unknown, schema: JsonSchema = SCHEMA, path = ''): string[] {
  const branches = schema.anyOf ?? [schema];
  const out: string[] = [];
  for (const branch of branches) {
    if (isTable(value) && branch.properties !== undefined) {
      for (const [key, v] of Object.entries(value)) {
        const sub = branch.properties[key];
        if (sub === undefined) out.push(`${path}${key}`);
        else out.push(...unknownKeys(v, sub, `${path}${key}.`));
      }
    } else if (Array.isArray(value) && branch.items !== undefined) {
      const items = branch.items;
      value.forEach((v, i) => out.push(...unknownKeys(v, items, `${path.slice(0, -1)}[${i}].`)));
    }
  }
  return out;
}

export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n} ${n === 1 ? one : many}`;

/** `null` as null, arrays as arrays: what a user would call the value. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const t = typeof value;
  if (t === 'undefined') return 'nothing';
  return t === 'object' ? 'an object' : `a ${t}`;
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message.split('\n')[0]! : String(error);
