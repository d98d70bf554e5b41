// Redaction of decoded values: every preset against its corpus (gitleaks' examples included) in
// every spelling a reader can decode, JSON walked by value, truncation after redaction, and a
// property: no generated secret survives any encoding in any place content travels.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodedReading } from '../../src/instrumentation/escape-readings';
import { ContentSanitizer, PRESET_NAMES, REDACTED } from '../../src/instrumentation/redaction';
import { isSecretName } from '../../src/instrumentation/redaction-presets';
import { NEGATIVES, POSITIVES } from '../fixtures/secret-corpus';

const all = (maxLength = 1 << 20, patterns: string[] = []) =>
  new ContentSanitizer({ presets: [...PRESET_NAMES], patterns, maxLength });

/** `\uXXXX` for the characters secrets are split on (and some letters), as JSON would allow. */
export function jsonEscapeSpelling(text: string): string {
  return text.replace(/[@/:._\-+=\n\s!$sSkKeE]/g, c =>
    c === '/' ? '\\/' : c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Every reading of an exported value: as is, JSON-decoded where it parses, escape-decoded. */
function readings(exported: string): string[] {
  const out = [exported, decodedReading(exported)];
  try {
    out.push(
      JSON.stringify(JSON.parse(exported), (_k, v: unknown) => v),
      decodedReading(JSON.parse(exported) as string),
    );
  } catch {
    // not JSON
  }
  return out;
}

describe('presets against the corpus', () => {
  for (const example of POSITIVES) {
    const secret = example.secret ?? example.text;
    it(`${example.preset} redacts ${JSON.stringify(example.text.slice(0, 60))}`, () => {
      const only = new ContentSanitizer({
        presets: [example.preset],
        patterns: [],
        maxLength: 1 << 20,
      });
      for (const spelling of [
        example.text,
        jsonEscapeSpelling(example.text),
        `\\n${example.text}`,
      ]) {
        const out = only.clean(`before ${spelling} after`);
        for (const r of readings(out)) assert.ok(!r.includes(secret), `${out} leaks ${secret}`);
        assert.ok(out.includes(REDACTED));
        assert.ok(out.startsWith('before ') && out.endsWith(' after'), out);
      }
    });
  }
  for (const text of NEGATIVES) {
    it(`every preset leaves ${JSON.stringify(text)} alone`, () => {
      assert.equal(all().clean(`see ${text} here`), `see ${text} here`);
    });
  }
  it('a preset that is not enabled redacts nothing of its kind', () => {
    const mailOnly = new ContentSanitizer({ presets: ['email'], patterns: [], maxLength: 4096 });
    assert.equal(mailOnly.clean('AKIALALEMEL33243OLIB'), 'AKIALALEMEL33243OLIB');
  });
});

describe('JSON values are redacted decoded, then encoded', () => {
  const s = all(4096);
  it('walks string leaves, numbers and values under secret names, keeps schemas usable', () => {
    const args = JSON.stringify({
      q: 'mail jane@example.com',
      escaped: 'x',
      api_key: 'abc',
      nested: [{ password: 'p' }, { card: 4111111111111111 }],
      schema: { password: { type: 'string' } },
      max_tokens: 5,
    }).replace('"x"', '"jane\\u0040example.com"');
    const { value, text } = s.cleanJson(args);
    assert.deepEqual(value, {
      q: `mail ${REDACTED}`,
      escaped: REDACTED,
      api_key: REDACTED,
      nested: [{ password: REDACTED }, { card: REDACTED }],
      schema: { password: { type: 'string' } },
      max_tokens: 5,
    });
    assert.equal(text, JSON.stringify(value));
  });
  it('an escaped secret in a string leaf is decoded by JSON.parse, then redacted', () => {
    for (const ex of POSITIVES) {
      const secret = ex.secret ?? ex.text;
      const inner = JSON.stringify({ note: ex.text })
        .replace(/@/g, '\\u0040')
        .replace(/\//g, '\\/');
      const { text } = s.cleanJson(inner);
      assert.ok(!(JSON.parse(text) as { note: string }).note.includes(secret), text);
    }
  });
  it('unparsable JSON text is redacted as text and in its decoded reading', () => {
    const { value, text } = s.cleanJson(
      '{"to": "jane\\u0040example.com", "auth": "Bearer ab\\/cd1234567"',
    );
    assert.equal(value, text);
    assert.ok(!decodedReading(text).includes('jane@example.com'), text);
    assert.ok(!decodedReading(text).includes('cd1234567'), text);
  });
  it('a `__proto__` key stays a key', () => {
    const { value } = s.cleanJson('{"__proto__": {"password": "x"}}');
    assert.equal(JSON.stringify(value), `{"__proto__":{"password":"${REDACTED}"}}`);
  });
  it('deep JSON is redacted without recursion limits', () => {
    const deep = '['.repeat(5000) + '"jane@example.com"' + ']'.repeat(5000);
    const { text } = all(1 << 20).cleanJson(deep);
    assert.ok(!decodedReading(text).includes('jane@example.com'));
  });
});

describe('truncation comes after redaction', () => {
  it('never leaves a leaking prefix, in text or JSON', () => {
    for (let max = 16; max < 90; max += 1) {
      const s = all(max);
      for (const ex of POSITIVES) {
        const secret = ex.secret ?? ex.text;
        const text = `${'x'.repeat(max % 17)} ${ex.text} tail`;
        const out = s.clean(text);
        assert.ok(out.length <= max);
        // No 12-character piece of the secret is exported.
        for (let i = 0; i + 12 <= secret.length; i += 4) {
          assert.ok(!out.includes(secret.slice(i, i + 12)), `${max}: ${out}`);
        }
        const json = s.cleanJson(JSON.stringify({ v: text })).text;
        for (let i = 0; i + 12 <= secret.length; i += 4) {
          assert.ok(!json.includes(secret.slice(i, i + 12)), `${max}: ${json}`);
        }
      }
    }
  });
  it('a huge value costs the window it needs, and a secret past the window is cut, not leaked', () => {
    const s = all(4096);
    const big = `${'lorem ipsum '.repeat(500_000)}jane@example.com`;
    const out = s.clean(big);
    assert.equal(out.length, 4096);
    assert.ok(out.endsWith('…[truncated]'));
    const shrinking = `${'-----BEGIN PRIVATE KEY-----\n'}${'A'.repeat(200_000)}`;
    assert.equal(s.clean(shrinking), REDACTED);
  });
});

describe('secret names', () => {
  it('recognises secret-bearing names and leaves look-alikes', () => {
    for (const n of [
      'password',
      'client_secret',
      'x-api-key',
      'AccessToken',
      'aws_secret_access_key',
      'PASSWD',
      'refresh_token',
      'Authorization',
      'pass',
    ])
      assert.ok(isSecretName(n), n);
    for (const n of ['max_tokens', 'tokenizer', 'token_count', 'type', 'description', 'passage'])
      assert.ok(!isSecretName(n), n);
  });
});

// ---- property: no generated secret survives any encoding ------------------------------------

const alnum = (n: number) =>
  fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
    minLength: n,
    maxLength: n,
  });
const upperDigits = (n: number) =>
  fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'),
    minLength: n,
    maxLength: n,
  });

function luhnComplete(body: string): string {
  for (let check = 0; check < 10; check += 1) {
    const digits = body + String(check);
    let sum = 0;
    for (let i = 0; i < digits.length; i += 1) {
      let d = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return digits;
  }
  throw new Error('unreachable');
}

/** [text to embed, part that must not survive]. */
const generatedSecret: fc.Arbitrary<readonly [string, string]> = fc.oneof(
  alnum(8).chain(u => alnum(6).map(d => [`${u}@${d}.com`, `${u}@${d}.com`] as const)),
  fc
    .tuple(
      fc.constantFrom('4', '5', '37', '6011'),
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 12, maxLength: 12 }),
      fc.constantFrom('', ' ', '-'),
    )
    .map(([prefix, rest, sep]) => {
      const card = luhnComplete((prefix + rest).slice(0, 15));
      const spaced = card.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
      return [spaced, spaced] as const;
    }),
  alnum(24).map(t => [`Bearer ${t}9`, `${t}9`] as const),
  alnum(20).map(t => [`sk-proj-${t}`, `sk-proj-${t}`] as const),
  alnum(36).map(t => [`ghp_${t}`, `ghp_${t}`] as const),
  upperDigits(16).map(t => [`ASIA${t}`, `ASIA${t}`] as const),
  alnum(30).map(t => [`xoxb-${t}`, `xoxb-${t}`] as const),
  fc.tuple(alnum(20), alnum(20)).map(([h, p]) => [`eyJ${h}.eyJ${p}.sig`, `eyJ${p}`] as const),
  fc
    .string({ unit: fc.constantFrom(...'abcXYZ019!@#$%^&*()[]<>?~'), minLength: 6, maxLength: 16 })
    .filter(v => !v.includes('REDACTED'))
    .map(v => [`password: "${v.replace(/["\\]/g, '')}x"`, `${v.replace(/["\\]/g, '')}x`] as const),
);

type Encoding = (text: string) => string;
const ENCODINGS: Record<string, Encoding> = {
  raw: t => t,
  jsonEscaped: jsonEscapeSpelling,
  allUnicodeEscaped: t =>
    [...t].map(c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
  doubleEscaped: t => jsonEscapeSpelling(t).replace(/\\/g, '\\\\'),
  slashEscaped: t => t.replace(/\//g, '\\/'),
  newlineBefore: t => `\\n\\t${t}`,
  percent: t => t.replace(/[@:/ ]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
};

type Place = (s: ContentSanitizer, encoded: string) => string[];
const PLACES: Record<string, Place> = {
  text: (s, e) => [s.clean(`note: ${e} end`)],
  jsonStringLeaf: (s, e) => {
    // The encoded spelling written inside a JSON string: JSON.parse decodes one level.
    const json = `{"note": "${e.replace(/"/g, '\\"')}"}`;
    const r = s.cleanJson(json);
    return [r.text, JSON.stringify(r.value)];
  },
  jsonObjectLeaf: (s, e) => {
    const r = s.cleanJson(JSON.stringify({ args: { note: e } }));
    return [r.text, JSON.stringify(r.value)];
  },
  unparsableJson: (s, e) => [s.cleanJson(`{"note": "${e}", `).text],
};

describe('property: no generated secret survives any encoding', () => {
  it('in every place content travels', () => {
    const s = all(1 << 16);
    fc.assert(
      fc.property(
        generatedSecret,
        fc.constantFrom(...Object.keys(ENCODINGS)),
        fc.constantFrom(...Object.keys(PLACES)),
        fc.constantFrom(' ', '\n', '"', '(', ', ', '='),
        ([text, secret], encoding, place, sep) => {
          const encoded = `start${sep}${ENCODINGS[encoding]!(text)}${sep}stop`;
          for (const out of PLACES[place]!(s, encoded)) {
            for (const r of readings(out)) {
              assert.ok(!r.includes(secret), `${encoding}/${place}: ${out} leaks ${secret}`);
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
