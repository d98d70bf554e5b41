// Allow-listed request headers from a serialized log, for attribution (session, user,
// conversation ids). Pure and total: the header table is hostile input (any type, arrays of
// values, huge or non-ASCII strings), so only the listed names are read, each value is a bounded
// string, and a value Kong logged as `REDACTED` is never used.
import { arr, obj } from './payloads/json';

/** What Kong writes instead of a credential header's value (`authorization`, ...). */
const KONG_REDACTED = 'REDACTED';
/** Values of one header beyond this many are ignored (a repeated header is a list in the log). */
const MAX_VALUES = 16;

/**
 * The values of the wanted headers (lower-case names, as Kong logs them), as `name -> value`.
 * A repeated header's values are joined with `, ` (the HTTP list form); every value is cut to
 * `maxLength` characters before joining, and the joined result again. Empty values are absent.
 */
export function pickRequestHeaders(
  log: unknown,
  wanted: readonly string[],
  maxLength: number,
): Map<string, string> {
  const out = new Map<string, string>();
  if (wanted.length === 0) return out;
  const headers = obj(obj(obj(log)?.request)?.headers);
  if (headers === undefined) return out;
  for (const name of wanted) {
    if (!Object.hasOwn(headers, name)) continue;
    const value = headerText(headers[name], maxLength);
    if (value !== undefined) out.set(name, value);
  }
  return out;
}

function headerText(raw: unknown, maxLength: number): string | undefined {
  const list = arr(raw);
  const values = (list === undefined ? [raw] : list.slice(0, MAX_VALUES))
    .map(v => scalarText(v, maxLength))
    .filter((v): v is string => v !== undefined && v !== '' && v !== KONG_REDACTED);
  if (values.length === 0) return undefined;
  return cut(values.join(', '), maxLength);
}

function scalarText(value: unknown, maxLength: number): string | undefined {
  if (typeof value === 'string') return cut(value.trim(), maxLength);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** Cuts to `max` UTF-16 units without leaving half a surrogate pair at the end. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}
