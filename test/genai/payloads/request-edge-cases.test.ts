// Request parsing is total: zeros are values, wrong types are absent, nothing throws.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestPayload } from '../../../src/genai/payloads/request';

describe('parseRequestPayload edge cases', () => {
  it('keeps temperature 0 and top_p 0 (values, not "unset")', () => {
    const facts = parseRequestPayload({ temperature: 0, top_p: 0, messages: [] }, 'openai');
    assert.deepEqual(facts, { temperature: 0, topP: 0, operation: 'chat' });
  });

  it('keeps zeros in every native format', () => {
    assert.deepEqual(
      parseRequestPayload(
        { contents: [], generationConfig: { temperature: 0, topP: 0 } },
        'gemini',
      ),
      { temperature: 0, topP: 0, operation: 'chat' },
    );
    assert.deepEqual(
      parseRequestPayload({ messages: [], options: { temperature: 0, top_p: 0 } }, 'llama2'),
      { temperature: 0, topP: 0, operation: 'chat' },
    );
    assert.deepEqual(parseRequestPayload({ message: 'hi', temperature: 0, p: 0 }, 'cohere'), {
      temperature: 0,
      topP: 0,
      messages: [{ role: 'user', content: 'hi' }],
      operation: 'chat',
    });
  });

  it('drops every wrong-typed field', () => {
    const body = {
      model: 5,
      max_tokens: '10',
      temperature: '0.5',
      top_p: null,
      top_k: -3,
      stop: 7,
      seed: 1.5,
      frequency_penalty: true,
      presence_penalty: {},
      stream: 'yes',
      n: -1,
      messages: 'hi',
      tools: {},
      input: 42,
    };
    // `input` is present, so the shape still says embedding; nothing else survives.
    assert.deepEqual(parseRequestPayload(body, 'openai'), { operation: 'embedding' });
  });

  it('skips garbage entries inside arrays', () => {
    const body = {
      messages: [
        null,
        1,
        'x',
        [],
        { role: 5 },
        { content: 'no role' },
        { role: 'user', content: 5 },
      ],
      tools: [null, { type: 'function' }, { function: { name: 3 } }, { function: { name: '' } }],
      stop: ['END', 1, null],
    };
    assert.deepEqual(parseRequestPayload(body, 'openai'), {
      stopSequences: ['END'],
      messages: [{ role: 'user' }],
      operation: 'chat',
    });
  });

  it('skips garbage in native formats too', () => {
    const gemini = { contents: [1, { parts: [null, { text: 3 }, { functionCall: 'x' }] }] };
    assert.deepEqual(parseRequestPayload(gemini, 'gemini'), {
      messages: [{ role: 'user' }],
      operation: 'chat',
    });
    const anthropic = {
      system: [1, { type: 'text' }],
      messages: [{ role: 'user', content: [null, 5] }],
    };
    assert.deepEqual(parseRequestPayload(anthropic, 'anthropic'), {
      messages: [{ role: 'user' }],
      operation: 'chat',
    });
    const bedrock = {
      inferenceConfig: 'x',
      toolConfig: { tools: [{ toolSpec: {} }, 5] },
      messages: [7],
    };
    assert.deepEqual(parseRequestPayload(bedrock, 'bedrock'), { operation: 'chat' });
  });

  it('does not resolve roles through Object.prototype', () => {
    const facts = parseRequestPayload(
      { chat_history: [{ role: 'constructor', message: 'x' }] },
      'cohere',
    );
    assert.deepEqual(facts.messages, [{ role: 'constructor', content: 'x' }]);
  });

  for (const body of [null, undefined, 'a string body', 42, true, [], [{ messages: [] }]]) {
    it(`gives no facts for a non-object body (${JSON.stringify(body) ?? 'undefined'})`, () => {
      assert.deepEqual(parseRequestPayload(body, 'openai'), {});
    });
  }

  it('gives no facts for an empty object', () => {
    assert.deepEqual(parseRequestPayload({}, 'anthropic'), {});
  });

  it('does not throw on a body whose getters throw', () => {
    const body = Object.defineProperty({}, 'messages', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    assert.deepEqual(parseRequestPayload(body, 'openai'), {});
  });
});
