// Allow-listed request headers from hostile serialized logs: only listed names are read, every
// value is a bounded string, lists are joined, Kong's REDACTED marker and non-scalars are skipped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { pickRequestHeaders } from '../../src/genai/request-headers';

const logWith = (headers: unknown): unknown => ({ request: { headers } });

describe('pickRequestHeaders', () => {
  it('reads only the wanted headers, as strings', () => {
    const log = logWith({
      'x-session-id': 'sess-1',
      'x-user-id': 42,
      'x-other': 'not wanted',
      authorization: 'REDACTED',
    });
    const got = pickRequestHeaders(log, ['x-session-id', 'x-user-id', 'authorization'], 256);
    assert.deepEqual(Object.fromEntries(got), { 'x-session-id': 'sess-1', 'x-user-id': '42' });
  });

  it('joins a repeated header, skipping empty, REDACTED and non-scalar values', () => {
    const log = logWith({
      'x-tag': ['a', '', { nested: true }, 'REDACTED', ['deep'], null, ' b '],
    });
    assert.equal(pickRequestHeaders(log, ['x-tag'], 256).get('x-tag'), 'a, b');
  });

  it('caps each value and the joined value, without splitting a surrogate pair', () => {
    const huge = 'x'.repeat(5_000_000);
    const log = logWith({
      'x-big': huge,
      'x-many': Array(10_000).fill('abcdef'),
      'x-emoji': 'ab😀',
    });
    const got = pickRequestHeaders(log, ['x-big', 'x-many', 'x-emoji'], 3);
    assert.equal(got.get('x-big'), 'xxx');
    assert.equal(got.get('x-many'), 'abc');
    assert.equal(got.get('x-emoji'), 'ab'); // 'ab' + half of 😀 would be a broken string
    const many = pickRequestHeaders(log, ['x-many'], 256).get('x-many') ?? '';
    assert.equal(many.length, 16 * 6 + 15 * 2); // at most 16 values are read
  });

  it('keeps non-ASCII values as they are', () => {
    const log = logWith({ 'x-user-id': 'Zoë 用户' });
    assert.equal(pickRequestHeaders(log, ['x-user-id'], 256).get('x-user-id'), 'Zoë 用户');
  });

  it('ignores inherited names and non-object header tables', () => {
    assert.equal(pickRequestHeaders(logWith({}), ['constructor', '__proto__'], 256).size, 0);
    for (const junk of [null, 'text', 12, ['a'], undefined]) {
      assert.equal(pickRequestHeaders(logWith(junk), ['x'], 256).size, 0);
      assert.equal(pickRequestHeaders(junk, ['x'], 256).size, 0);
    }
  });

  it('never throws and never returns more than asked, for any header table (500 runs)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.anything()),
        fc.array(fc.string(), { maxLength: 5 }),
        fc.integer({ min: 1, max: 64 }),
        (headers, wanted, max) => {
          const got = pickRequestHeaders(logWith(headers), wanted, max);
          for (const [name, value] of got) {
            assert.ok(wanted.includes(name));
            assert.equal(typeof value, 'string');
            assert.ok(value.length > 0 && value.length <= max);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
