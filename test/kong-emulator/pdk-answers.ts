// How Kong answers a plugin's PDK calls: Step variants, wire encodings, and the log-phase saved
// data.

/** Request data Kong has for one request; in `log` it is the copy saved before the timer runs. */
export interface RequestData {
  /** What `kong.log.serialize()` captured: an object is `cjson.encode`d, a string is sent as is. */
  serialized?: unknown;
  /** Request headers (`ngx.req.get_headers()`): a string or a list per name. */
  requestHeaders?: Record<string, string | string[]>;
  /** Response headers (`ngx.resp.get_headers()`). */
  responseHeaders?: Record<string, string | string[]>;
  /** `ngx.status` at log time. Default 200. */
  status?: number;
  /** What `kong.response.get_source()` reports. Default `service`. */
  source?: 'service' | 'exit' | 'error';
  /** `kong.ctx.shared`: read and written by the plugin, visible to the caller afterwards. */
  ctxShared?: Record<string, unknown>;
  /** `ngx.ctx` (a clone in `log`), for `kong.nginx.get_ctx`/`set_ctx`. */
  ngxCtx?: Record<string, unknown>;
  /** `kong.request.get_uri_captures()`. Default no captures. */
  uriCaptures?: { unnamed?: string[]; named?: Record<string, string> };
  /** `ngx.req.start_time()` in seconds. Default: when the event was created. */
  reqStartTime?: number;
  /**
   * Answers for any other PDK method outside `log` (value, or function of the call's args).
   * Kong's real PDK would compute them; unlisted methods are answered with nil.
   */
  answers?: Record<string, unknown>;
}

/** A line a plugin wrote through `kong.log.<level>`. */
export interface LogLine {
  level: string;
  args: unknown[];
}

/** Step variant per PDK method (mp_rpc.lua `get_step_method`); everything else is `plugin.Step`. */
const STEP_METHODS: Readonly<Record<string, string>> = {
  'kong.client.get_credential': 'plugin.StepCredential',
  'kong.client.authenticate': 'plugin.StepCredential',
  'kong.client.load_consumer': 'plugin.StepConsumer',
  'kong.client.get_consumer': 'plugin.StepConsumer',
  'kong.node.get_memory_stats': 'plugin.StepMemoryStats',
  'kong.router.get_route': 'plugin.StepRoute',
  'kong.router.get_service': 'plugin.StepService',
  'kong.request.get_query': 'plugin.StepMultiMap',
  'kong.request.get_headers': 'plugin.StepMultiMap',
  'kong.response.get_headers': 'plugin.StepMultiMap',
  'kong.service.response.get_headers': 'plugin.StepMultiMap',
};

export function stepMethodFor(pdkMethod: string): string {
  return STEP_METHODS[pdkMethod] ?? 'plugin.Step';
}

/** Results Kong passes through `fix_mmap` (each value a list) and `fix_raw` (msgpack bin). */
const MULTIMAP_METHODS = new Set([
  'kong.request.get_query',
  'kong.request.get_headers',
  'kong.response.get_headers',
  'kong.service.response.get_headers',
]);
const RAW_BODY_METHODS = new Set([
  'kong.request.get_raw_body',
  'kong.response.get_raw_body',
  'kong.service.response.get_raw_body',
]);

/** `kong.response.exit`/`error` yield Kong's coroutine: no further Step for the event
 * (docs/design.md#zero-pdk-call-leak).
 */
export const EXIT_METHODS = new Set(['kong.response.exit', 'kong.response.error']);

const LOG_LEVELS = new Set(['debug', 'info', 'notice', 'warn', 'err', 'crit', 'alert', 'emerg']);

/** `kong.log.<level>` writers work anywhere, timers included; they return nothing useful. */
export function logLevelOf(method: string): string | undefined {
  const match = /^kong\.log\.([a-z]+)$/.exec(method);
  const level = match?.[1];
  return level !== undefined && LOG_LEVELS.has(level) ? level : undefined;
}

/** Thrown when Kong itself would raise a Lua error while answering (the loop is abandoned). */
export class LuaError extends Error {
  override name = 'LuaError';
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof Uint8Array);

/**
 * A JS value as lua-MessagePack would pack the equivalent Lua value: only strings (a Lua string
 * is `str` on the wire, never `bin`), empty tables as `[]`, nil-valued keys absent.
 */
export function toLuaWire(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value instanceof Date || typeof value === 'bigint' || typeof value === 'function') {
    throw new Error(`Kong never sends ${typeof value === 'object' ? 'Date' : typeof value} values`);
  }
  if (Array.isArray(value)) return value.map(toLuaWire);
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && v !== null);
    if (entries.length === 0) return [];
    return Object.fromEntries(entries.map(([k, v]) => [k, toLuaWire(v)]));
  }
  return value;
}

/**
 * Kong's `fix_mmap`: string -> [string], `true` -> [], lists kept; an empty table is an empty map.
 */
function fixMultiMap(value: unknown): unknown {
  if (!isPlainObject(value)) return value === undefined || value === null ? {} : toLuaWire(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    if (v === true) out[k] = [];
    else if (typeof v === 'string') out[k] = [v];
    else out[k] = toLuaWire(v);
  }
  return out;
}

/** Encodes a PDK result for the Step `Data` field; `undefined` means "omit Data" (nil). */
export function encodeAnswer(method: string, value: unknown): unknown {
  if (MULTIMAP_METHODS.has(method)) return fixMultiMap(value);
  if (RAW_BODY_METHODS.has(method)) {
    // fix_raw packs `#nil` when the body could not be read: a Lua error in Kong, not a nil answer.
    if (value === undefined || value === null) throw new LuaError(`fix_raw(nil) for ${method}`);
    return typeof value === 'string'
      ? Buffer.from(value, 'utf8')
      : Buffer.from(value as Uint8Array);
  }
  return toLuaWire(value);
}

/** Header tables from ngx.req/resp.get_headers: lowercase keys, lookups normalise `_` to `-`. */
function normaliseHeaders(
  headers: Record<string, string | string[]> | undefined,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

function firstHeader(headers: Record<string, string | string[]>, name: unknown): unknown {
  if (typeof name !== 'string') return undefined;
  const value = headers[name.toLowerCase().replace(/_/g, '-')];
  return Array.isArray(value) ? value[0] : value;
}

/** Outcome of answering one PDK call. */
export type Answer = { kind: 'value'; value: unknown } | { kind: 'unsupported' };

/**
 * Per-event answering state: the overrides of plugin.lua `exposed_api`, which in `log` read the
 * saved copy and are the only calls Kong can serve from its timer.
 */
export class SavedData {
  private readonly requestHeaders: Record<string, string | string[]>;
  private readonly responseHeaders: Record<string, string | string[]>;
  readonly ctxShared: Record<string, unknown>;
  readonly ngxCtx: Record<string, unknown>;
  private readonly reqStartTime: number;

  constructor(private readonly data: RequestData) {
    this.requestHeaders = normaliseHeaders(data.requestHeaders);
    this.responseHeaders = normaliseHeaders(data.responseHeaders);
    this.ctxShared = data.ctxShared ?? {};
    this.ngxCtx = data.ngxCtx ?? {};
    this.reqStartTime = data.reqStartTime ?? Date.now() / 1000;
  }

  /** Answers a saved-data method, or reports it as not one of them. */
  answer(method: string, args: unknown[]): Answer {
    const value = (v: unknown): Answer => ({ kind: 'value', value: v });
    switch (method) {
      case 'kong.log.serialize': {
        // Kong returns cjson_encode(saved.serialize_data): the plugin receives a JSON string.
        const s = this.data.serialized ?? {};
        return value(typeof s === 'string' ? s : JSON.stringify(s));
      }
      case 'kong.ctx.shared.get':
        return value(this.ctxShared[String(args[0])]);
      case 'kong.ctx.shared.set':
        this.ctxShared[String(args[0])] = args[1];
        return value(undefined);
      case 'kong.nginx.get_ctx':
        return value(this.ngxCtx[String(args[0])]);
      case 'kong.nginx.set_ctx':
        this.ngxCtx[String(args[0])] = args[1];
        return value(undefined);
      case 'kong.request.get_header':
        return value(firstHeader(this.requestHeaders, args[0]));
      case 'kong.request.get_headers':
        return value(this.requestHeaders);
      case 'kong.request.get_uri_captures':
        return value({
          unnamed: this.data.uriCaptures?.unnamed ?? [],
          named: this.data.uriCaptures?.named ?? {},
        });
      case 'kong.response.get_status':
        return value(this.data.status ?? 200);
      case 'kong.response.get_header':
        return value(firstHeader(this.responseHeaders, args[0]));
      case 'kong.response.get_headers':
        return value(this.responseHeaders);
      case 'kong.response.get_source':
        return value(this.data.source ?? 'service');
      case 'kong.nginx.req_start_time':
        return value(this.reqStartTime);
      default:
        return { kind: 'unsupported' };
    }
  }

  /** Outside `log`: a caller-provided answer (value or function of args), if any. */
  custom(method: string, args: unknown[]): Answer {
    const answers = this.data.answers;
    if (!answers || !Object.prototype.hasOwnProperty.call(answers, method)) {
      return { kind: 'unsupported' };
    }
    const answer = answers[method];
    return {
      kind: 'value',
      value: typeof answer === 'function' ? (answer as (a: unknown[]) => unknown)(args) : answer,
    };
  }
}
