// The one place every exported content value passes through
// (docs/design.md#content-capture-and-redaction). Values are redacted in their decoded form:
// JSON (tool arguments, parameter schemas, tool results) is parsed and walked, each string leaf
// and each value under a secret-bearing name is redacted, then the result is encoded; text is
// redacted as written and in its escape-decoded reading. Only then is the value cut to length,
// so a cut never turns a secret into a prefix no rule matches.
import { decodedReading, hasEncodings } from './escape-readings';
import {
  applyOperatorPatterns,
  compileOperatorPatterns,
  type OperatorPattern,
} from './operator-patterns';
import { applyPresets, isSecretName, REDACTED, type RedactPreset } from './redaction-presets';

export { PRESET_NAMES, REDACTED, type RedactPreset } from './redaction-presets';
export const TRUNCATION_MARKER = '…[truncated]';

/**
 * Redaction cost must not grow with parts of a value that truncation drops: only the first
 * `maxLength + LOOKAHEAD` characters are redacted, and the result is used only when at least
 * `maxLength + GUARD` characters remain, so nothing near the inner cut (where a secret may have
 * been split) can reach the exported prefix. Otherwise the window doubles, up to the whole value.
 */
const LOOKAHEAD = 64 * 1024;
const GUARD = 16 * 1024;
/** Deeper JSON is redacted as text: walking (and encoding) it would need as deep a stack. */
const MAX_JSON_DEPTH = 64;

export interface ContentPolicy {
  readonly presets: readonly RedactPreset[];
  /** Operator patterns (RE2 syntax), validated by the config schema. */
  readonly patterns: readonly string[];
  readonly maxLength: number;
}

/** A JSON value redacted and encoded: `value` for JSON attributes, `text` for flat ones. */
export interface CleanJson {
  readonly value: unknown;
  readonly text: string;
}

/** Redacts then truncates content values; built once per plugin config. */
export class ContentSanitizer {
  private readonly presets: ReadonlySet<RedactPreset>;
  private readonly patterns: readonly OperatorPattern[];
  private readonly maxLength: number;
  private readonly secretNames: boolean;

  constructor(policy: ContentPolicy) {
    this.presets = new Set(policy.presets);
    this.patterns = compileOperatorPatterns(policy.patterns);
    this.maxLength = policy.maxLength;
    this.secretNames = this.presets.has('secret_assignment');
  }

  /** A text value: redacted (as written and decoded), then truncated (to `max` when shorter). */
  clean(text: string, max: number = this.maxLength): string {
    const limit = Math.min(max, this.maxLength);
    return truncate(this.redactBounded(text, limit), limit);
  }

  /**
   * A value that is JSON text when well formed (tool arguments, parameter schemas, tool
   * results): parsed, walked, redacted and encoded, then truncated; when it does not parse, or
   * the encoding is too long, the redacted text.
   */
  cleanJson(text: string): CleanJson {
    let parsed: unknown;
    try {
      if (nestedDeeperThan(text, MAX_JSON_DEPTH)) throw new RangeError('too deep');
      parsed = JSON.parse(text);
    } catch {
      const cleaned = this.clean(text);
      return { value: cleaned, text: cleaned };
    }
    const budget = { left: this.maxLength + GUARD };
    const walked = this.walk(parsed, false, 0, budget);
    const encoded = JSON.stringify(walked) ?? 'null';
    if (encoded.length <= this.maxLength) return { value: walked, text: encoded };
    const cut = truncate(encoded, this.maxLength);
    return { value: cut, text: cut };
  }

  /** Presets, then operator patterns, on the text and on its decoded reading. */
  private redact(text: string): string {
    const raw = this.redactOnce(text);
    if (!hasEncodings(text)) return raw;
    const decoded = decodedReading(text);
    if (decoded === text) return raw;
    const redactedDecoded = this.redactOnce(decoded);
    // A secret that only shows once decoded: export the decoded reading, redacted.
    return redactedDecoded === decoded ? raw : redactedDecoded;
  }

  private redactOnce(text: string): string {
    const preset = applyPresets(text, this.presets);
    return this.patterns.length === 0
      ? preset
      : applyOperatorPatterns(preset, this.patterns, REDACTED);
  }

  /** Redaction of a prefix long enough for truncation to `max` (see LOOKAHEAD). */
  private redactBounded(text: string, max: number = this.maxLength): string {
    for (let window = max + LOOKAHEAD; ; window *= 2) {
      if (text.length <= window) return this.redact(text);
      const redacted = this.redact(text.slice(0, window));
      if (redacted.length >= max + GUARD) return redacted;
    }
  }

  private walk(node: unknown, secret: boolean, depth: number, budget: { left: number }): unknown {
    // depth is bounded by nestedDeeperThan before parsing.
    // Past the budget, everything lands beyond the cut: not redacted, not exported.
    if (budget.left <= 0) return null;
    if (typeof node === 'string') {
      const out = secret ? REDACTED : this.redactBounded(node);
      budget.left -= out.length + 3;
      return out;
    }
    if (typeof node === 'number') {
      budget.left -= 8;
      if (secret) return REDACTED;
      // Only a card number can hide in a number, and it has at least 13 digits.
      const asText = String(node);
      if (asText.length < 13 && this.patterns.length === 0) return node;
      return this.redactOnce(asText) === asText ? node : REDACTED;
    }
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) {
      return node.map(item => this.walk(item, secret, depth + 1, budget));
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(node)) {
      const name = this.redactBounded(key);
      budget.left -= name.length + 4;
      const value = this.walk(
        (node as Record<string, unknown>)[key],
        this.secretNames && isSecretName(key),
        depth + 1,
        budget,
      );
      // defineProperty: a `__proto__` key stays a plain key.
      Object.defineProperty(out, name, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - TRUNCATION_MARKER.length)) + TRUNCATION_MARKER;
}

/** True when brackets outside strings nest deeper than `limit` (one linear scan, no parse). */
function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i += 1; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 93 || c === 125) depth -= 1;
  }
  return false;
}
