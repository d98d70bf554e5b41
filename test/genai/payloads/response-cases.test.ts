// Response parsing on hand-written bodies: Azure filters, tool calls, token details, streams, embeddings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseResponsePayload } from '../../../src/genai/payloads/response';

/** A base64 `encoding_format` embedding of `n` float32 values. */
const base64Floats = (n: number): string =>
  Buffer.from(new Float32Array(n).buffer).toString('base64');

describe('parseResponsePayload', () => {
  it('keeps Azure prompt and per-choice content filter verdicts as JSON text', () => {
    const promptFilters = [
      { prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: 'safe' } } },
    ];
    const choiceFilters = { violence: { filtered: true, severity: 'medium' } };
    const body = {
      object: 'chat.completion',
      prompt_filter_results: promptFilters,
      choices: [
        {
          index: 0,
          finish_reason: 'content_filter',
          message: { role: 'assistant', content: null },
          content_filter_results: choiceFilters,
        },
      ],
    };
    assert.deepEqual(parseResponsePayload(body), {
      operation: 'chat',
      promptFilterResults: JSON.stringify(promptFilters),
      choices: [
        {
          index: 0,
          finishReason: 'content_filter',
          message: { role: 'assistant' },
          contentFilterResults: JSON.stringify(choiceFilters),
        },
      ],
    });
  });

  it('reads the older prompt_annotations spelling of the prompt filters', () => {
    const annotations = [{ prompt_index: 0, content_filter_results: {} }];
    assert.equal(
      parseResponsePayload({ prompt_annotations: annotations }).promptFilterResults,
      JSON.stringify(annotations),
    );
  });

  it('maps assistant tool calls', () => {
    const body = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'add', arguments: '{"a":2,"b":12}' },
              },
              { id: 'call_2', type: 'function', function: { name: 'multiply' } },
            ],
          },
        },
      ],
    };
    assert.deepEqual(parseResponsePayload(body).choices, [
      {
        index: 0,
        finishReason: 'tool_calls',
        message: {
          role: 'assistant',
          toolCalls: [
            { id: 'call_1', name: 'add', arguments: '{"a":2,"b":12}' },
            { id: 'call_2', name: 'multiply' },
          ],
        },
      },
    ]);
  });

  it('maps cached and reasoning token details, and the system fingerprint', () => {
    const body = {
      model: 'o3-mini-2025-01-31',
      system_fingerprint: 'fp_abc',
      usage: {
        prompt_tokens: 1200,
        completion_tokens: 300,
        total_tokens: 1500,
        prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 256 },
      },
    };
    assert.deepEqual(parseResponsePayload(body), {
      model: 'o3-mini-2025-01-31',
      systemFingerprint: 'fp_abc',
      usage: {
        inputTokens: 1200,
        outputTokens: 300,
        totalTokens: 1500,
        cachedInputTokens: 1024,
        reasoningOutputTokens: 256,
        details: { inputAudio: 0 },
      },
    });
  });

  it('keeps zero token counts and drops wrong-typed or negative ones', () => {
    const body = {
      usage: {
        prompt_tokens: 0,
        completion_tokens: '5',
        total_tokens: -1,
        prompt_tokens_details: 3,
      },
    };
    assert.deepEqual(parseResponsePayload(body), { usage: { inputTokens: 0 } });
    assert.deepEqual(parseResponsePayload({ usage: { foo: 1 } }), {});
  });

  it("recognises Kong's composite stream payload", () => {
    const body = {
      choices: [
        {
          finish_reason: 'stop',
          index: 0,
          message: { role: 'assistant', content: 'The answer is 2.' },
        },
      ],
      object: 'chat.completion',
      usage: { prompt_tokens: 18, completion_tokens: 13, total_tokens: 31 },
      response: 'The answer is 2.',
    };
    assert.deepEqual(parseResponsePayload(body), {
      operation: 'chat',
      choices: [
        {
          index: 0,
          finishReason: 'stop',
          message: { role: 'assistant', content: 'The answer is 2.' },
        },
      ],
      usage: { inputTokens: 18, outputTokens: 13, totalTokens: 31 },
      isKongStreamComposite: true,
    });
  });

  it('reads chunk deltas, defaulting the role to assistant', () => {
    const body = {
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: { content: 'Hi' } }],
    };
    assert.deepEqual(parseResponsePayload(body), {
      operation: 'chat',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' } }],
    });
  });

  it('measures float and base64 embeddings', () => {
    const dimension = (embedding: unknown) =>
      parseResponsePayload({ object: 'list', data: [{ object: 'embedding', index: 0, embedding }] })
        .embeddingDimension;
    assert.equal(dimension([0.1, 0.2, 0.3]), 3);
    for (const n of [1, 3, 4, 5, 1536]) assert.equal(dimension(base64Floats(n)), n, `${n} floats`);
    assert.equal(dimension([]), undefined);
    assert.equal(dimension(7), undefined);
  });

  it('only calls a list an embedding response when it holds embeddings', () => {
    assert.equal(
      parseResponsePayload({ object: 'list', data: [{ embedding: [1] }] }).operation,
      'embedding',
    );
    assert.equal(parseResponsePayload({ object: 'list', data: [] }).operation, undefined);
    assert.equal(
      parseResponsePayload({ object: 'list', data: [{ id: 'model' }] }).operation,
      undefined,
    );
  });

  it('skips garbage choices and uses the position when the index is unusable', () => {
    const body = {
      choices: [null, 5, { index: 'x', finish_reason: 3, message: 'hi' }],
      id: 7,
      model: '',
    };
    assert.deepEqual(parseResponsePayload(body), { choices: [{ index: 2 }] });
    assert.deepEqual(parseResponsePayload({ choices: [] }), {});
  });

  for (const body of [null, undefined, 'not json', 3, [], [{ choices: [] }]]) {
    it(`gives no facts for a non-object body (${JSON.stringify(body) ?? 'undefined'})`, () => {
      assert.deepEqual(parseResponsePayload(body), {});
    });
  }

  it('does not throw on a body whose getters throw', () => {
    const body = Object.defineProperty({}, 'choices', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    assert.deepEqual(parseResponsePayload(body), {});
  });
});
