// What a log line may say about values that can hold secrets (docs/design.md#failure-behaviour):
// header values, credentials in URLs, secret-named fields and serialized logs (request headers,
// message bodies) are masked before any line is formatted, at every verbosity.

export const MASK = '***';

/** Fields whose every entry is a header value (vault-resolved tokens). */
const HEADER_FIELDS = new Set([
  'headers',
  'metrics_headers',
  'request_headers',
  'response_headers',
]);
const SECRET_FIELD =
  /authorization|password|passwd|secret|token|api[-_]?key|apikey|cookie|credential|private[-_]?key/i;
/** Longer strings are summarised: payloads, serialized logs and bodies do not belong in a log. */
const MAX_STRING = 200;
const MAX_DEPTH = 12;
const MAX_NODES = 2000;
const MAX_ITEMS = 50;

/** `scheme://user:password@host` -> `scheme://user:***@host` (and `scheme://token@host` -> `***@`). */
export function maskUrlCredentials(text: string): string {
  return text.replace(
    /([a-z][a-z0-9+.-]{0,20}:\/\/)([^\s/?#@'"]{1,512})@/gi,
    (_m, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon < 0 ? `${scheme}${MASK}@` : `${scheme}${userinfo.slice(0, colon)}:${MASK}@`;
    },
  );
}

/** Free text of a message: credentials in URLs and `Authorization`/`Bearer` values masked. */
export function maskText(text: string): string {
  return maskUrlCredentials(text)
    .replace(/\b(authorization["']?\s*[:=]\s*["']?)[^\s"',;]+(?: [^\s"',;]+)?/gi, `$1${MASK}`)
    .replace(/\b(bearer|basic|api-token)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${MASK}`);
}

/**
 * A copy of `value` safe to print: header maps and secret-named fields masked, long strings
 * (serialized logs, bodies) summarised by length, URLs without their credentials. Bounded in
 * depth and size whatever the input.
 */
export function maskForLog(value: unknown): unknown {
  let nodes = 0;
  const walk = (v: unknown, depth: number, masked: boolean): unknown => {
    nodes += 1;
    if (nodes > MAX_NODES) return '…';
    if (typeof v === 'string') {
      if (masked) return MASK;
      if (v.length > MAX_STRING) return `<${v.length} chars>`;
      return maskText(v);
    }
    if (v instanceof Uint8Array) return masked ? MASK : `<bin ${v.length} bytes>`;
    if (v === null || typeof v !== 'object') return masked && v !== null ? MASK : v;
    if (depth >= MAX_DEPTH) return '…';
    if (Array.isArray(v)) {
      const shown = v.slice(0, MAX_ITEMS).map(item => walk(item, depth + 1, masked));
      if (v.length > MAX_ITEMS) shown.push(`<${v.length - MAX_ITEMS} more>`);
      return shown;
    }
    if (v instanceof Map) return walk(Object.fromEntries(v), depth, masked);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(v).slice(0, MAX_ITEMS)) {
      const entryMasked = masked || SECRET_FIELD.test(key);
      const childMasked = HEADER_FIELDS.has(key.toLowerCase());
      const shown =
        childMasked && item !== null && typeof item === 'object' && !Array.isArray(item)
          ? Object.fromEntries(Object.keys(item as object).map(k => [k, MASK]))
          : walk(item, depth + 1, entryMasked || childMasked);
      Object.defineProperty(out, key, {
        value: shown,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  return walk(value, 0, false);
}
