// JSON text parsing and tiny typed readers shared by the payload parsers: wrong types read as undefined.

/** A JSON object as parsed (values unchecked). */
export type Obj = Record<string, unknown>;

/** Parses JSON text; `undefined` for non-strings and malformed JSON, never an exception. */
export function parseJsonText(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A non-empty string: identifiers (`id`, `model`) where `""` carries no information. */
export const name = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

/** Finite numbers only (`0` is a value; NaN/Infinity cannot come from JSON but may from callers). */
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

export const int = (v: unknown): number | undefined =>
  Number.isInteger(v) ? (v as number) : undefined;

/** Non-negative integers: token counts and limits, where a negative value means "unset" or junk. */
export const count = (v: unknown): number | undefined =>
  Number.isInteger(v) && (v as number) >= 0 ? (v as number) : undefined;

export const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

export const arr = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);

export const obj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;

/** JSON text of a value that may already be text (tool arguments, schemas); undefined for null. */
export function jsonText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v == null) return undefined;
  try {
    return JSON.stringify(v);
  } catch {
    // Cycles or BigInt can only come from callers handing us live objects; treat as absent.
    return undefined;
  }
}

/** Copies the defined fields only, so an absent fact is an absent key (not a key set to undefined). */
export function defined<T extends object>(fields: T): T {
  const out: Obj = {};
  for (const key in fields) {
    const value = fields[key];
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}
