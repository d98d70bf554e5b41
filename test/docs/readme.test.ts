// The README's reference tables stay true: the configuration table is the generated one, and
// every attribute and metric name the code can emit is documented.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readmeWithTable } from '../../scripts/config-table';
import * as K from '../../src/instrumentation/kong-attributes';
import { INSTRUMENT_NAMES } from '../../src/instrumentation/metric-instruments';
import * as SELF from '../../src/selfobs/self-metrics';
import * as S from '../../src/instrumentation/semconv';

const README = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

describe('README', () => {
  it('has the configuration table generated from the zod schema (run `npm run docs`)', () => {
    assert.equal(README, readmeWithTable(README));
  });

  it('documents every attribute and metric name the code emits', () => {
    const names = [...Object.entries(S), ...Object.entries(K), ...Object.entries(SELF)]
      .filter(([key, value]) => /^(ATTR|METRIC)_/.test(key) && typeof value === 'string')
      .map(([, value]) => value as string);
    const missing = [...names, ...INSTRUMENT_NAMES].filter(name => {
      // Dotted names may be documented with a shared prefix (`gen_ai.request.top_k`, `.seed`).
      const leaf = name.slice(name.lastIndexOf('.'));
      return !README.includes(`\`${name}\``) && !README.includes(`\`${leaf}\``);
    });
    assert.deepEqual(missing, []);
  });
});
