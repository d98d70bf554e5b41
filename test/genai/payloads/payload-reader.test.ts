// The facts-only reader (capture off) must give exactly the full parser's facts minus content,
// on every Kong fixture, on the same fixtures with long tricky strings, and on generated bodies;
// and the skeleton JSON parser must accept and reject exactly what JSON.parse does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  factsOnlyReader,
  fullPayloads,
  withoutRequestContent,
  withoutResponseContent,
} from '../../../src/genai/payloads/payload-reader';
import { parseSkeletonJson } from '../../../src/genai/payloads/skeleton-json';
import { corpusSkip, listFixtures, readFixture } from './corpus';

/** Skims every payload, whatever its size, so small fixtures exercise the skipping path. */
const skim = factsOnlyReader(0);
const PROVIDERS = ['openai', 'anthropic', 'cohere', 'gemini', 'bedrock', 'llama2', 'mistral'];
const TRICKY = ' — "quoted" \\ back\\slash\n\tnaïve 日本語 🚀 \\u0041 {"json": [1, "two"]} '.repeat(
  4,
);

function assertSameFacts(text: string, label: string): void {
  for (const provider of PROVIDERS) {
    assert.deepEqual(
      skim.request(text, provider),
      withoutRequestContent(fullPayloads.request(text, provider)),
      `${label} request as ${provider}`,
    );
  }
  assert.deepEqual(
    skim.response(text),
    withoutResponseContent(fullPayloads.response(text)),
    `${label} response`,
  );
}

/** Every string longer than 3 characters grows by a long, escape-heavy, non-ASCII tail. */
function inflate(v: unknown): unknown {
  if (typeof v === 'string') return v.length > 3 ? v + TRICKY : v;
  if (Array.isArray(v)) return v.map(inflate);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inflate(x)]));
  }
  return v;
}

describe('facts-only payload reader', { skip: corpusSkip }, () => {
  it('gives the full parser facts minus content on every Kong fixture', () => {
    const files = listFixtures();
    assert.ok(files.length > 50, `only ${files.length} fixtures`);
    for (const file of files) {
      const body = readFixture(file);
      assertSameFacts(JSON.stringify(body), file);
      assertSameFacts(JSON.stringify(body, null, 2), `${file} (indented)`);
      assertSameFacts(JSON.stringify(inflate(body)), `${file} (long strings)`);
    }
  });
});

describe('facts-only payload reader on generated bodies', () => {
  // Keys the parsers read, so generated bodies hit real code paths (and content containers).
  const key = fc.constantFrom(
    'model',
    'messages',
    'role',
    'content',
    'choices',
    'message',
    'delta',
    'text',
    'finish_reason',
    'index',
    'prompt',
    'system',
    'type',
    'tools',
    'function',
    'name',
    'arguments',
    'usage',
    'prompt_tokens',
    'completion_tokens',
    'contents',
    'parts',
    'inputs',
    'input',
    'parameters',
    'options',
    'generationConfig',
    'inferenceConfig',
    'data',
    'embedding',
    'object',
    'response',
    'stop',
    'stop_sequences',
    'id',
    'max_tokens',
    'temperature',
    'stream',
    'tool_calls',
    'content_filter_results',
    'prompt_filter_results',
    'system_fingerprint',
    'texts',
    'preamble',
    'chat_history',
    'toolConfig',
    'tool_use_id',
    '__proto__',
  );
  const scalar = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.string({ minLength: 60, maxLength: 200, unit: 'grapheme' }),
    fc.constantFrom('chat.completion', 'list', 'embedding', 'text', 'user', 'assistant', TRICKY),
    fc.integer({ min: -5, max: 5000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const { value } = fc.letrec<{ value: unknown }>(tie => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 6 }),
    ),
  }));
  const body = fc.dictionary(key, value, { maxKeys: 10 });

  it('gives the same facts minus content', () => {
    fc.assert(
      fc.property(body, b => assertSameFacts(JSON.stringify(b), JSON.stringify(b))),
      { numRuns: 400 },
    );
  });
});

describe('parseSkeletonJson', () => {
  it('equals JSON.parse outside content keys, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), v => {
        const wrapped = JSON.stringify({ meta: v });
        assert.deepEqual(parseSkeletonJson(wrapped), JSON.parse(wrapped));
        assert.deepEqual(parseSkeletonJson(JSON.stringify(v)), JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 300 },
    );
  });

  it('skips long content strings and keeps short ones', () => {
    const long = TRICKY;
    const text = JSON.stringify({
      model: long,
      messages: [
        { role: 'user', content: long },
        { role: 'tool', content: 'short' },
      ],
      choices: [{ index: 0, message: { content: long }, finish_reason: long }],
    });
    assert.deepEqual(parseSkeletonJson(text), {
      model: long,
      messages: [
        { role: 'user', content: '' },
        { role: 'tool', content: 'short' },
      ],
      choices: [{ index: 0, message: { content: '' }, finish_reason: long }],
    });
  });

  it('rejects exactly what JSON.parse rejects, including inside skipped strings', () => {
    const expect = (text: string): unknown => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    };
    const long = 'x'.repeat(80);
    for (const text of [
      `{"messages": ["${long}\u0001"]}`,
      `{"messages": ["${long}\\x"]}`,
      `{"messages": ["${long}\\u12G4"]}`,
      `{"messages": ["${long}"`,
      `{"messages": ["${long}"]} x`,
      '\uFEFF{}',
      '{"a":01}',
      '{"a":1.}',
      '{"a":-}',
      '{"a":tru}',
      '[1,]',
      '{"a":1,}',
      '',
      ' ',
      '{"__proto__": {"polluted": true}}',
      '1e400',
      '-0',
    ]) {
      assert.deepEqual(parseSkeletonJson(text), expect(text), JSON.stringify(text.slice(0, 60)));
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    // Deeper than the parser's recursion can go: JSON.parse decides, nothing throws.
    const deep = parseSkeletonJson('['.repeat(200_000) + ']'.repeat(200_000));
    assert.ok(Array.isArray(deep));
    assert.equal(parseSkeletonJson('['.repeat(200_000)), undefined);
  });

  it('never throws and agrees with JSON.parse on arbitrary and mutated text', () => {
    const mutated = fc
      .tuple(fc.jsonValue(), fc.nat(), fc.string({ maxLength: 3 }))
      .map(([v, at, insert]) => {
        const text = JSON.stringify({ messages: [v, 'y'.repeat(70)] });
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i + 1);
      });
    fc.assert(
      fc.property(fc.oneof(fc.string(), mutated), text => {
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          expected = undefined;
        }
        const got = parseSkeletonJson(text);
        assert.equal(got === undefined, expected === undefined);
      }),
      { numRuns: 1000 },
    );
  });
});
