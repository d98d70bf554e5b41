// The named redaction presets (docs/design.md#content-capture-and-redaction). Written here rather
// than taken from a secret scanner at run time: the well-kept rule sets (gitleaks, secretlint) are
// Go code or file-scanning frameworks with many dependencies; these rules follow gitleaks' key
// formats and are tested against its documented examples. Every expression is written to run in
// linear time on hostile input: a match can only start where a run of its characters starts
// (lookbehind), and no two quantifiers compete for the same characters.

export const REDACTED = '[REDACTED]';

export const PRESET_NAMES = [
  'email',
  'payment_card',
  'bearer_token',
  'jwt',
  'api_key',
  'private_key',
  'secret_assignment',
] as const;
export type RedactPreset = (typeof PRESET_NAMES)[number];

/** One text rule: every match is replaced by what `replace` returns for it; or a function. */
type TextRule =
  | {
      readonly re: RegExp;
      readonly replace: (match: string, ...groups: (string | undefined)[]) => string;
    }
  | { readonly apply: (text: string) => string };

const always = (): string => REDACTED;

// ---- payment cards -----------------------------------------------------------------------

/** Runs of digits, single spaces or dashes allowed between digits. */
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;
const CARD_MIN = 13;
const CARD_MAX = 19;

function luhn(digits: readonly number[], from: number, length: number): boolean {
  let sum = 0;
  for (let i = 0; i < length; i += 1) {
    let d = digits[from + length - 1 - i]!;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Every 13-19 digit window of a run that starts with a card-network digit (2-6: Mastercard, Mir,
 * Amex, Diners, JCB, Visa, Discover, UnionPay, Maestro) and passes the Luhn check is redacted,
 * whatever digits surround it (a quantity before, an expiry or CVV after). At most 7 windows of
 * at most 19 digits per position: linear.
 */
function redactCardRun(run: string): string {
  const positions: number[] = [];
  const digits: number[] = [];
  for (let i = 0; i < run.length; i += 1) {
    const c = run.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      positions.push(i);
      digits.push(c - 48);
    }
  }
  if (digits.length < CARD_MIN) return run;
  const covered = new Uint8Array(digits.length);
  let any = false;
  for (let start = 0; start + CARD_MIN <= digits.length; start += 1) {
    if (digits[start]! < 2 || digits[start]! > 6) continue;
    for (let len = CARD_MIN; len <= CARD_MAX && start + len <= digits.length; len += 1) {
      if (!luhn(digits, start, len)) continue;
      covered.fill(1, start, start + len);
      any = true;
    }
  }
  if (!any) return run;
  let out = '';
  let cursor = 0;
  for (let i = 0; i < digits.length;) {
    if (covered[i] === 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j + 1 < digits.length && covered[j + 1] === 1) j += 1;
    out += run.slice(cursor, positions[i]) + REDACTED;
    cursor = positions[j]! + 1;
    i = j + 1;
  }
  return out + run.slice(cursor);
}

// ---- bearer and basic credentials --------------------------------------------------------------

/** Base64 that decodes to `user:password` in printable characters: a Basic credential. */
function isBasicCredential(b64: string): boolean {
  try {
    const decoded = atob(b64);
    return decoded.includes(':') && /^[\x20-\x7e]+$/.test(decoded);
  } catch {
    return false;
  }
}

/** A bearer token, not the English word: long, or with a digit or a symbol in it. */
const looksLikeToken = (token: string): boolean => token.length >= 20 || /[0-9._~+/=-]/.test(token);

// ---- secret-bearing names ---------------------------------------------------------------------

const SECRET_NAME_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'apikey',
  'accesskey',
  'privatekey',
  'credential',
  'signingkey',
  'encryptionkey',
];
const SECRET_NAME_ENDINGS = ['token', 'pwd', 'pass', 'authorization', 'cookie', 'sessionid'];

/**
 * True for a name that holds a secret (`password`, `client_secret`, `x-api-key`, `AccessToken`,
 * `aws_secret_access_key`), false for look-alikes (`max_tokens`, `tokenizer`, `token_count`).
 */
export function isSecretName(name: string): boolean {
  if (name.length > 128) return false;
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_NAME_PARTS.some(p => n.includes(p)) || SECRET_NAME_ENDINGS.some(e => n.endsWith(e));
}

// ---- the rules ------------------------------------------------------------------------------

const API_KEY_FAMILIES = [
  // OpenAI (sk-, sk-proj-, sk-svcacct-, sk-admin-) and Anthropic (sk-ant-api03-, sk-ant-admin01-)
  'sk-[A-Za-z0-9_-]{20,}',
  // AWS access key ids: long-lived (AKIA), temporary STS (ASIA), and the other prefixes gitleaks knows
  '(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])',
  // Google API keys and OAuth access tokens
  'AIza[A-Za-z0-9_-]{35}',
  'ya29\\.[A-Za-z0-9_-]{20,}',
  // GitHub classic (personal, OAuth, user-to-server, server-to-server, refresh) and fine-grained
  'gh[pousr]_[A-Za-z0-9]{36,}',
  'github_pat_[A-Za-z0-9_]{22,}',
  // Slack bot, user, app-level, configuration tokens and webhook URLs
  'xox[abpersc]-[A-Za-z0-9-]{10,}',
  'xapp-\\d-[A-Za-z0-9-]{10,}',
  'hooks\\.slack\\.com/services/[A-Za-z0-9/_-]{20,}',
  // Stripe secret and restricted keys (live, test, prod)
  '[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,}',
  // Hugging Face, Dynatrace
  'hf_[A-Za-z0-9]{30,}',
  'dt0[a-z]\\d\\d\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64}',
].join('|');

/** An AWS secret access key: 40 base64 characters with upper, lower case and a digit. */
const isAwsSecret = (s: string): boolean => /[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s);

const RULES: Readonly<Record<RedactPreset, readonly TextRule[]>> = {
  email: [
    {
      // Unicode local parts and domains (IDN) as well as punycode (xn--); see the lookbehind rule
      // above: a run of local-part characters is scanned once.
      re: /(?<![\p{L}\p{M}\p{N}._%+'-])[\p{L}\p{M}\p{N}._%+'-]+@[\p{L}\p{M}\p{N}-]+(?:\.[\p{L}\p{M}\p{N}-]+)*\.(?:[\p{L}\p{M}]{2,}|xn--[a-z0-9-]+)/giu,
      replace: always,
    },
  ],
  payment_card: [{ re: DIGIT_RUN, replace: redactCardRun }],
  bearer_token: [
    {
      // A whole Authorization header value, whatever the scheme (Bearer, Basic, Api-Token, ...).
      re: /(?<![A-Za-z0-9_-])((?:proxy-)?authorization["']?\s{0,8}[:=]\s{0,8}["']?)(?:[A-Za-z-]{1,20} {1,4})?[^\s"',;]+/gi,
      replace: (_match, key) => `${key ?? ''}${REDACTED}`,
    },
    {
      re: /(?<![A-Za-z0-9_-])(?:bearer|token)\s{1,8}([A-Za-z0-9._~+/-]+=*)/gi,
      replace: (match, token) => (looksLikeToken(token ?? '') ? REDACTED : match),
    },
    {
      re: /(?<![A-Za-z0-9_-])basic\s{1,8}([A-Za-z0-9+/]{4,}={0,2})/gi,
      replace: (match, b64) => (isBasicCredential(b64 ?? '') ? REDACTED : match),
    },
    {
      // Credentials in a URL: scheme://user:password@host keeps the user, drops the password.
      re: /(?<![A-Za-z0-9+.-])([a-z][a-z0-9+.-]{0,20}:\/\/[^\s/:@'"]{1,256}:)[^\s/@'"]{1,256}@/gi,
      replace: (_match, prefix) => `${prefix ?? ''}${REDACTED}@`,
    },
  ],
  jwt: [
    {
      // header.payload[.signature]: both JSON objects, so both base64url parts start with "ey".
      re: /(?<![A-Za-z0-9_-])ey[A-Za-z0-9_-]{10,}={0,2}\.ey[A-Za-z0-9_-]{10,}={0,2}(?:\.[A-Za-z0-9_-]*={0,2})?/g,
      replace: always,
    },
  ],
  api_key: [
    { re: new RegExp(`(?<![A-Za-z0-9_-])(?:${API_KEY_FAMILIES})`, 'g'), replace: always },
    {
      re: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
      replace: match => (isAwsSecret(match) ? REDACTED : match),
    },
  ],
  private_key: [
    {
      // Through the END line, or to the end of the value when it is missing (a cut key leaks too).
      re: /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----|[\s\S]*$)/g,
      replace: always,
    },
  ],
  secret_assignment: [{ apply: redactAssignments }],
};

// name = value, name: "value", "name": 'value', name := value: keeps the name, drops the value
// (symbols and escaped quotes included; a quoted value runs to the end of the line when its
// closing quote is missing) when the name holds a secret. A name that holds none consumes only
// itself, so a secret name inside its value is still seen.
const ASSIGNMENT =
  /(?<![A-Za-z0-9_.-])([A-Za-z][A-Za-z0-9_.-]{0,63})(["']?\s{0,8}(?:[:=]=?|=>)\s{0,8})/g;
// Quoted, quoted with escaped quotes (JSON inside a JSON string), or bare.
const VALUE =
  /\\"(?:[^"\\\n]|\\[^"\n])*(?:\\")?|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|[^\s"',;]+/y;

function redactAssignments(text: string): string {
  ASSIGNMENT.lastIndex = 0;
  let out = '';
  let cursor = 0;
  for (let m = ASSIGNMENT.exec(text); m !== null; m = ASSIGNMENT.exec(text)) {
    const name = m[1] ?? '';
    if (!isSecretName(name)) {
      ASSIGNMENT.lastIndex = m.index + name.length;
      continue;
    }
    VALUE.lastIndex = ASSIGNMENT.lastIndex;
    const value = VALUE.exec(text)?.[0];
    if (value === undefined || value === REDACTED || value === `"${REDACTED}"`) continue;
    out += text.slice(cursor, ASSIGNMENT.lastIndex) + quoteLike(value);
    cursor = ASSIGNMENT.lastIndex + value.length;
    ASSIGNMENT.lastIndex = cursor;
  }
  return cursor === 0 ? text : out + text.slice(cursor);
}

/** `[REDACTED]` in the quotes the value had. */
function quoteLike(value: string): string {
  if (value.startsWith('\\"')) return `\\"${REDACTED}\\"`;
  const q = value[0];
  return q === '"' || q === "'" ? `${q}${REDACTED}${q}` : REDACTED;
}

/** Whole blocks first, then credentials with a scheme, then key formats, then names and values. */
const ORDER: readonly RedactPreset[] = [
  'private_key',
  'bearer_token',
  'jwt',
  'api_key',
  'secret_assignment',
  'email',
  'payment_card',
];

/** Cheap tests a text must pass for a preset to possibly match (most content passes few). */
const MAY_MATCH: Readonly<Record<RedactPreset, (text: string) => boolean>> = {
  email: t => t.includes('@'),
  payment_card: t => /\d/.test(t),
  bearer_token: t => /bearer|basic|token|authorization|:\/\//i.test(t),
  jwt: t => t.includes('ey'),
  api_key: () => true,
  private_key: t => t.includes('-----BEGIN'),
  secret_assignment: t => t.includes(':') || t.includes('='),
};

/** No preset matches fewer characters (`pwd=x`). */
const SHORTEST_MATCH = 5;

/** Applies the enabled presets' rules, in a fixed order whatever order they were configured in. */
export function applyPresets(text: string, presets: ReadonlySet<RedactPreset>): string {
  if (text.length < SHORTEST_MATCH) return text;
  let out = text;
  for (const preset of ORDER) {
    if (!presets.has(preset) || !MAY_MATCH[preset](out)) continue;
    for (const rule of RULES[preset]) {
      if ('apply' in rule) {
        out = rule.apply(out);
        continue;
      }
      rule.re.lastIndex = 0;
      out = out.replace(rule.re, rule.replace as (m: string, ...rest: unknown[]) => string);
    }
  }
  return out;
}
