// Operator patterns on re2js: linear time whatever the pattern, RE2-only constructs refused with
// one clear error naming the field, empty matches refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConfigSchema } from '../../schemas/config';
import {
  applyOperatorPatterns,
  compileOperatorPatterns,
  operatorPatternError,
} from '../../src/instrumentation/operator-patterns';
import { ContentSanitizer } from '../../src/instrumentation/redaction';

const run = (patterns: string[], text: string) =>
  applyOperatorPatterns(text, compileOperatorPatterns(patterns), '[REDACTED]');

describe('operator patterns', () => {
  it('replaces every match, case-insensitively with (?i)', () => {
    assert.equal(run(['ACME-\\d+'], 'ACME-1 and ACME-22'), '[REDACTED] and [REDACTED]');
    assert.equal(run(['(?i)acme-\\d+'], 'Acme-7'), '[REDACTED]');
  });

  it('refuses backreferences, lookaround and possessive forms, and empty matches', () => {
    for (const p of ['(a)\\1', 'a(?=b)', 'a(?!b)', '(?<=a)b', '(?<!a)b', 'a++', '(unclosed']) {
      assert.match(operatorPatternError(p) ?? '', /^must be a valid RE2 regular expression/, p);
    }
    for (const p of ['a*', 'x?', '\\b', '^', '$', '(?:|abc)', 'a{0,3}']) {
      assert.equal(operatorPatternError(p), 'must not match the empty string', p);
    }
    for (const p of ['ACME-\\d+', '(a+)+$', '[A-Z]{3}-\\d{4}', '(?i)secret-[a-z]+']) {
      assert.equal(operatorPatternError(p), undefined, p);
    }
  });

  it('the config names the field of each refused pattern', () => {
    const result = ConfigSchema.safeParse({ redact_patterns: ['ok', '(a)\\1', 'a*'] });
    assert.equal(result.success, false);
    const issues = result.error.issues.map(i => `${i.path.join('.')}: ${i.message}`);
    assert.equal(issues.length, 2);
    assert.match(issues[0]!, /^redact_patterns\.1: must be a valid RE2 regular expression/);
    assert.equal(issues[1], 'redact_patterns.2: must not match the empty string');
  });

  it('a catastrophic pattern over a 1 MB value completes (benchmark figure, not an assertion)', t => {
    const value = `${'a'.repeat(1 << 20)}!`;
    const sanitizer = new ContentSanitizer({
      presets: [],
      patterns: ['(a+)+$'],
      maxLength: 1 << 20,
    });
    const started = process.hrtime.bigint();
    const out = sanitizer.clean(value);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    t.diagnostic(`(a+)+$ over 1 MiB + 1: ${ms.toFixed(0)} ms`);
    assert.equal(out.length, 1 << 20);
    // And a match is still found: the pattern does match at the end of a run of a's.
    assert.equal(run(['(a+)+$'], 'xaaaa'), 'x[REDACTED]');
  });
});

// ---- property: time grows linearly with the value, whatever the pattern --------------------

const atom = fc.constantFrom('a', 'b', '.', '[ab]', '\\w', '(?:a|aa)', '(?:a|a)');
const pattern: fc.Arbitrary<string> = fc
  .letrec<{ node: string }>(tie => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atom,
      fc.tuple(tie('node'), tie('node')).map(([x, y]) => `${x}${y}`),
      fc.tuple(tie('node'), tie('node')).map(([x, y]) => `(?:${x}|${y})`),
      tie('node').map(x => `(?:${x})+`),
      tie('node').map(x => `(?:${x})*`),
      tie('node').map(x => `(${x}){1,5}`),
    ),
  }))
  .node.map(p => `${p}$`);

function timeOf(fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i += 1) {
    const started = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return best;
}

describe('property: operator patterns run in linear time', () => {
  it('8x the input costs far less than 64x the time (quadratic would be 64x)', () => {
    fc.assert(
      fc.property(pattern, fc.constantFrom('a', 'ab', 'aab'), (source, unit) => {
        if (operatorPatternError(source) !== undefined) return;
        const compiled = compileOperatorPatterns([source]);
        const small = `${unit.repeat(Math.ceil(8000 / unit.length))}!`;
        const large = `${unit.repeat(Math.ceil(64000 / unit.length))}!`;
        applyOperatorPatterns(small, compiled, 'R'); // warm-up
        const tSmall = timeOf(() => applyOperatorPatterns(small, compiled, 'R'));
        const tLarge = timeOf(() => applyOperatorPatterns(large, compiled, 'R'));
        // Loose (the machine is shared): a 4 ms floor absorbs timer noise; linear is ~8x,
        // quadratic 64x, exponential far more.
        assert.ok(tLarge <= 32 * Math.max(tSmall, 4), `${source}: ${tSmall} ms -> ${tLarge} ms`);
      }),
      { numRuns: 25 },
    );
  });
});
