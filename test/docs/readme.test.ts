// The reference (docs/reference.md) stays true: the configuration table is the generated one, and
// every attribute and metric name the code can emit is documented.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readmeWithTable, REFERENCE_PATH } from '../../scripts/config-table';
import * as K from '../../src/instrumentation/kong-attributes';
import { INSTRUMENT_NAMES } from '../../src/instrumentation/metric-instruments';
import * as SELF from '../../src/selfobs/self-metrics';
import * as S from '../../src/instrumentation/semconv';

const REFERENCE = readFileSync(REFERENCE_PATH, 'utf8');

describe('docs/reference.md', () => {
  it('has the configuration table generated from the zod schema (run `npm run docs`)', () => {
    assert.equal(REFERENCE, readmeWithTable(REFERENCE));
  });

  it('documents every attribute and metric name the code emits', () => {
    const names = [...Object.entries(S), ...Object.entries(K), ...Object.entries(SELF)]
      .filter(([key, value]) => /^(ATTR|METRIC)_/.test(key) && typeof value === 'string')
      .map(([, value]) => value as string);
    const missing = [...names, ...INSTRUMENT_NAMES].filter(name => {
      // Dotted names may be documented with a shared prefix (`gen_ai.request.top_k`, `.seed`).
      const leaf = name.slice(name.lastIndexOf('.'));
      return !REFERENCE.includes(`\`${name}\``) && !REFERENCE.includes(`\`${leaf}\``);
    });
    assert.deepEqual(missing, []);
  });
});
