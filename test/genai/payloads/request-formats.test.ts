// Request parsing per format, on small hand-written bodies: the fields Kong's fixtures do not show.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestPayload } from '../../../src/genai/payloads/request';

describe('parseRequestPayload per format', () => {
  it('maps the OpenAI parameters, tool history and legacy functions', () => {
    const body = {
      model: 'gpt-4o',
      max_tokens: 10,
      max_completion_tokens: 20,
      stop: 'END',
      seed: 7,
      frequency_penalty: -0.5,
      presence_penalty: 0.25,
      n: 2,
      messages: [
        {
          role: 'developer',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', function: { name: 'f', arguments: '{"x":1}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: '42' },
        { role: 'assistant', function_call: { name: 'g', arguments: '{}' } },
      ],
      functions: [{ name: 'g', parameters: { type: 'object' } }],
    };
    assert.deepEqual(parseRequestPayload(body, 'openai'), {
      model: 'gpt-4o',
      maxTokens: 20,
      stopSequences: ['END'],
      seed: 7,
      frequencyPenalty: -0.5,
      presencePenalty: 0.25,
      choiceCount: 2,
      messages: [
        { role: 'developer', content: 'a\nb' },
        { role: 'assistant', toolCalls: [{ id: 'c1', name: 'f', arguments: '{"x":1}' }] },
        { role: 'tool', content: '42', toolCallId: 'c1' },
        { role: 'assistant', toolCalls: [{ name: 'g', arguments: '{}' }] },
      ],
      tools: [{ name: 'g', parameters: '{"type":"object"}' }],
      operation: 'chat',
    });
  });

  it('reads Mistral random_seed and OpenAI-compatible top_k', () => {
    const facts = parseRequestPayload({ messages: [], random_seed: 3, top_k: 5 }, 'mistral');
    assert.deepEqual(facts, { seed: 3, topK: 5, operation: 'chat' });
  });

  it('maps embeddings inputs, skipping token arrays', () => {
    const embed = (input: unknown) => parseRequestPayload({ model: 'e', input }, 'openai');
    assert.deepEqual(embed('hi'), { model: 'e', embeddingsInput: ['hi'], operation: 'embedding' });
    assert.deepEqual(embed(['a', 'b']), {
      model: 'e',
      embeddingsInput: ['a', 'b'],
      operation: 'embedding',
    });
    assert.deepEqual(embed([[1, 2], [3]]), { model: 'e', operation: 'embedding' });
    assert.deepEqual(embed([1, 2]), { model: 'e', operation: 'embedding' });
  });

  it('maps a batch of completion prompts to one user message each', () => {
    assert.deepEqual(parseRequestPayload({ prompt: ['a', 'b'] }, 'openai'), {
      messages: [
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
      ],
      operation: 'completion',
    });
  });

  it('maps Ollama options, object tool arguments and the generate system prompt', () => {
    const body = {
      model: 'llama3',
      prompt: 'hi',
      system: 'be brief',
      options: {
        num_predict: -1,
        top_p: 0.9,
        top_k: 40,
        seed: 1,
        stop: ['x'],
        frequency_penalty: 1,
        presence_penalty: 0,
      },
    };
    assert.deepEqual(parseRequestPayload(body, 'llama2'), {
      model: 'llama3',
      topP: 0.9,
      topK: 40,
      stopSequences: ['x'],
      seed: 1,
      frequencyPenalty: 1,
      presencePenalty: 0,
      messages: [{ role: 'user', content: 'hi' }],
      systemInstructions: ['be brief'],
      operation: 'completion',
    });
    const chat = {
      options: {},
      messages: [
        { role: 'assistant', tool_calls: [{ function: { name: 'f', arguments: { a: 1 } } }] },
      ],
    };
    assert.deepEqual(parseRequestPayload(chat, 'mistral').messages, [
      { role: 'assistant', toolCalls: [{ name: 'f', arguments: '{"a":1}' }] },
    ]);
  });

  it('maps Anthropic blocks: system list, tool_use, tool_result, tools', () => {
    const body = {
      model: 'claude-sonnet-4',
      max_tokens: 100,
      top_k: 3,
      stop_sequences: ['\n\nHuman:'],
      stream: true,
      system: [
        { type: 'text', text: 's1' },
        { type: 'text', text: 's2' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'q' },
            { type: 'image', source: {} },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hm' },
            { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'ok' }] },
            { type: 'text', text: 'next' },
          ],
        },
      ],
      tools: [{ name: 'f', description: 'd', input_schema: { type: 'object' } }],
    };
    assert.deepEqual(parseRequestPayload(body, 'anthropic'), {
      model: 'claude-sonnet-4',
      maxTokens: 100,
      topK: 3,
      stopSequences: ['\n\nHuman:'],
      stream: true,
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', toolCalls: [{ id: 't1', name: 'f', arguments: '{"a":1}' }] },
        { role: 'tool', content: 'ok', toolCallId: 't1' },
        { role: 'user', content: 'next' },
      ],
      systemInstructions: ['s1', 's2'],
      tools: [{ name: 'f', description: 'd', parameters: '{"type":"object"}' }],
      operation: 'chat',
    });
  });

  it('splits a legacy Anthropic prompt into turns, with the leading text as system', () => {
    const prompt = 'Be terse.\n\nHuman: hi\n\nAssistant: hello\n\nHuman: 1+1?\n\nAssistant:';
    const body = { prompt, max_tokens_to_sample: 9, stop_sequences: ['\n\nHuman:'], top_p: 0 };
    assert.deepEqual(parseRequestPayload(body, 'anthropic'), {
      maxTokens: 9,
      topP: 0,
      stopSequences: ['\n\nHuman:'],
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: '1+1?' },
      ],
      systemInstructions: ['Be terse.'],
      operation: 'completion',
    });
    assert.deepEqual(parseRequestPayload({ prompt: 'plain' }, 'anthropic').messages, [
      { role: 'user', content: 'plain' },
    ]);
  });

  it('maps the whole Gemini generationConfig, in either spelling', () => {
    const config = {
      stopSequences: ['x'],
      candidateCount: 2,
      seed: 4,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
    };
    const expected = {
      stopSequences: ['x'],
      choiceCount: 2,
      seed: 4,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      operation: 'chat',
    };
    assert.deepEqual(
      parseRequestPayload({ contents: [], generationConfig: config }, 'gemini'),
      expected,
    );
    const snake = {
      stop_sequences: ['x'],
      candidate_count: 2,
      seed: 4,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
    };
    assert.deepEqual(
      parseRequestPayload({ contents: [], generation_config: snake }, 'gemini'),
      expected,
    );
  });

  it('maps Bedrock stop sequences and top_k from additionalModelRequestFields', () => {
    const body = {
      messages: [],
      inferenceConfig: { stopSequences: ['y'] },
      additionalModelRequestFields: { top_k: 50 },
    };
    assert.deepEqual(parseRequestPayload(body, 'bedrock'), {
      topK: 50,
      stopSequences: ['y'],
      operation: 'chat',
    });
  });

  it('maps Cohere v1 chat: preamble, roles, tool calls, tools, and embed texts', () => {
    const body = {
      preamble: 'sys',
      message: 'now',
      chat_history: [
        { role: 'SYSTEM', message: 's' },
        { role: 'CHATBOT', message: '', tool_calls: [{ name: 'f', parameters: { a: 1 } }] },
      ],
      k: 0,
      seed: 5,
      stop_sequences: ['z'],
      num_generations: 2,
      tools: [{ name: 'f', description: 'd', parameter_definitions: { a: { type: 'int' } } }],
    };
    assert.deepEqual(parseRequestPayload(body, 'cohere'), {
      topK: 0,
      stopSequences: ['z'],
      seed: 5,
      choiceCount: 2,
      messages: [
        { role: 'system', content: 's' },
        { role: 'assistant', content: '', toolCalls: [{ name: 'f', arguments: '{"a":1}' }] },
        { role: 'user', content: 'now' },
      ],
      systemInstructions: ['sys'],
      tools: [{ name: 'f', description: 'd', parameters: '{"a":{"type":"int"}}' }],
      operation: 'chat',
    });
    assert.deepEqual(parseRequestPayload({ texts: ['a'], model: 'embed-v3' }, 'cohere'), {
      model: 'embed-v3',
      embeddingsInput: ['a'],
      operation: 'embedding',
    });
    assert.deepEqual(
      parseRequestPayload({ messages: [{ role: 'user', content: 'v2' }], p: 0.5 }, 'cohere'),
      {
        topP: 0.5,
        messages: [{ role: 'user', content: 'v2' }],
        operation: 'chat',
      },
    );
  });

  it('lets the body shape win over a mismatched provider hint', () => {
    assert.equal(
      parseRequestPayload({ contents: [], generationConfig: { topK: 2 } }, 'openai').topK,
      2,
    );
    assert.equal(
      parseRequestPayload({ messages: [], inferenceConfig: { maxTokens: 3 } }, 'openai').maxTokens,
      3,
    );
    assert.deepEqual(parseRequestPayload({ inputs: 'x', parameters: { seed: 1 } }, 'huggingface'), {
      seed: 1,
      messages: [{ role: 'user', content: 'x' }],
    });
  });
});
