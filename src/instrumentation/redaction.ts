// The one place every exported content value passes through
// (docs/design.md#content-capture-and-redaction): configured patterns and named presets are
// replaced by `[REDACTED]`, then the value is cut to the configured length. Nothing else in the
// code base turns message content into an attribute value.

export type RedactPreset = 'email' | 'payment_card' | 'bearer_token' | 'api_key';

export const REDACTED = '[REDACTED]';
export const TRUNCATION_MARKER = '…[truncated]';

const PRESETS: Readonly<Record<RedactPreset, RegExp>> = {
  // The lookbehind starts a match only where a run of local-part characters starts: without it,
  // a long run with no `@` (base64, digits) is rescanned from every position, quadratic time.
  email: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
  // 13-19 digits, optionally grouped by spaces or dashes; confirmed by the Luhn check below.
  payment_card: /\b\d(?:[ -]?\d){12,18}\b/g,
  bearer_token: /\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi,
  api_key: new RegExp(
    [
      'sk-(?:proj-|ant-(?:api\\d\\d-)?)?[A-Za-z0-9_-]{16,}', // OpenAI, Anthropic
      'AKIA[0-9A-Z]{16}', // AWS access key id
      'AIza[0-9A-Za-z_-]{35}', // Google API key
      'gh[pousr]_[A-Za-z0-9]{36,}', // GitHub tokens
      'xox[abprs]-[A-Za-z0-9-]{10,}', // Slack tokens
      'hf_[A-Za-z0-9]{30,}', // Hugging Face
      'dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}', // Dynatrace API token
      '(?:api[_-]?key|apikey|x-api-key|secret|password|token)["\']?\\s*[:=]\\s*["\']?[A-Za-z0-9_\\-./+]{8,}',
    ].join('|'),
    'gi',
  ),
};

/**
 * True when a digit run passes the Luhn checksum (real card numbers do; most other numbers don't).
 */
function luhnValid(candidate: string): boolean {
  const digits = candidate.replace(/[ -]/g, '');
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export interface ContentPolicy {
  readonly presets: readonly RedactPreset[];
  /** Regular expressions (JavaScript syntax), validated by the config schema. */
  readonly patterns: readonly string[];
  readonly maxLength: number;
}

/** Redacts then truncates content values; built once per plugin config. */
export class ContentSanitizer {
  private readonly rules: readonly { readonly re: RegExp; readonly luhn: boolean }[];

  constructor(private readonly policy: ContentPolicy) {
    this.rules = [
      ...policy.presets.map(p => ({ re: PRESETS[p], luhn: p === 'payment_card' })),
      ...policy.patterns.map(p => ({ re: new RegExp(p, 'g'), luhn: false })),
    ];
  }

  clean(text: string): string {
    let out = text;
    for (const { re, luhn } of this.rules) {
      re.lastIndex = 0;
      out = luhn
        ? out.replace(re, match => (luhnValid(match) ? REDACTED : match))
        : out.replace(re, REDACTED);
    }
    return this.truncate(out);
  }

  private truncate(text: string): string {
    const max = this.policy.maxLength;
    if (text.length <= max) return text;
    return text.slice(0, Math.max(0, max - TRUNCATION_MARKER.length)) + TRUNCATION_MARKER;
  }
}
