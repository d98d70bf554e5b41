// Operator `redact_patterns` run on re2js, a pure-JavaScript port of RE2: matching time is linear
// in the input whatever the pattern, so no configured pattern can stall the single-threaded
// plugin server (docs/design.md#content-capture-and-redaction). RE2 has no backreferences and no
// lookaround; such patterns, and patterns that match the empty string, are refused at config time.
import { RE2JS } from 're2js';

export interface OperatorPattern {
  readonly source: string;
  readonly regex: RE2JS;
}

/** Strings an empty-matching pattern has an empty match in (start, end, word edges, spaces). */
const EMPTY_PROBES = ['', 'a', 'aa', ' ', 'a b', '0', '\n', '-a-'];

/** Why `source` cannot be an operator pattern, or undefined when it can. */
export function operatorPatternError(source: string): string | undefined {
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(source);
  } catch (error) {
    const reason =
      error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : '';
    return (
      'must be a valid RE2 regular expression (no backreferences, lookahead or lookbehind)' +
      (reason === '' ? '' : `: ${reason}`)
    );
  }
  for (const probe of EMPTY_PROBES) {
    const m = regex.matcher(probe);
    while (m.find()) {
      if (m.start() === m.end()) return 'must not match the empty string';
    }
  }
  return undefined;
}

/** Compiles validated patterns (the config schema refused the others). */
export function compileOperatorPatterns(sources: readonly string[]): readonly OperatorPattern[] {
  return sources.map(source => ({ source, regex: RE2JS.compile(source) }));
}

/** Replaces every non-empty match of each pattern by `replacement`. */
export function applyOperatorPatterns(
  text: string,
  patterns: readonly OperatorPattern[],
  replacement: string,
): string {
  let out = text;
  for (const { regex } of patterns) {
    const m = regex.matcher(out);
    let result = '';
    let cursor = 0;
    let changed = false;
    while (m.find()) {
      const start = m.start();
      const end = m.end();
      if (end === start) continue;
      result += out.slice(cursor, start) + replacement;
      cursor = end;
      changed = true;
    }
    if (changed) out = result + out.slice(cursor);
  }
  return out;
}
