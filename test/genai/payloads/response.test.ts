// Response parsing over Kong's OpenAI-format normalisations (`unit/expected-responses`, `*/responses/good.json`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseResponsePayload } from '../../../src/genai/payloads/response';
import type { Choice, ResponseFacts } from '../../../src/genai/types';
import { corpusSkip, listFixtures, readFixture } from './corpus';

const SHORT = 'You cannot divide by zero because it is not a valid operation in mathematics.';
const GPT_CHAT = `Dividing by zero is undefined in mathematics because it leads to results that are contradictory or nonsensical. \n\nHere's a simple way to think about it: Division is the inverse of multiplication. If you divide 10 by 2, you're asking "what number times 2 gives me 10?" The answer is 5, because 5 times 2 equals 10. \n\nBut if you ask "what number times 0 gives me 10?" there is no number that can fulfill this, because zero times any number always equals zero. \n\nTherefore, division by zero is undefined because there is no number that you can multiply by 0 to get a non-zero number.`;
const GPT_TEXT_START = '\n\nDividing by zero is undefined because it violates';
const COHERE_TEXT_START = ' You cannot divide by zero because it is not a valid operation';

const said = (content: string, finishReason?: string): Choice[] => [
  {
    index: 0,
    ...(finishReason === undefined ? {} : { finishReason }),
    message: { role: 'assistant', content },
  },
];
const usage = (inputTokens: number, outputTokens: number, totalTokens: number) => ({
  usage: { inputTokens, outputTokens, totalTokens },
});
const GPT4 = {
  id: 'chatcmpl-8Ugx63a79wKACVkaBbKnR2C2HPcxT',
  model: 'gpt-4-0613',
  operation: 'chat',
} as const;
const INSTRUCT = {
  id: 'cmpl-8Ugy0y4E5S8s5GfqNal9TYhXMyitF',
  model: 'gpt-3.5-turbo-instruct',
} as const;

// Long completion texts are checked by prefix below; the rest of each choice is exact.
const EXPECTED: Readonly<Record<string, ResponseFacts>> = {
  'anthropic/llm-v1-chat.json': {
    model: 'claude-2.1',
    operation: 'chat',
    choices: said(SHORT, 'stop_sequence'),
  },
  'anthropic/llm-v1-completions.json': {
    model: 'claude-2.1',
    operation: 'completion',
    choices: said(SHORT, 'stop_sequence'),
  },
  'azure/llm-v1-chat.json': { ...GPT4, choices: said(GPT_CHAT, 'stop'), ...usage(130, 139, 269) },
  'azure/llm-v1-completions.json': {
    ...INSTRUCT,
    operation: 'completion',
    choices: said(GPT_TEXT_START, 'stop'),
    ...usage(10, 225, 235),
  },
  'bedrock/llm-v1-chat.json': {
    model: 'bedrock',
    operation: 'chat',
    choices: said(SHORT, 'end_turn'),
    ...usage(19, 119, 138),
  },
  'cohere/llm-v1-chat.json': {
    id: 'f8aabbeb-f745-4e9b-85b1-71a3269620d9',
    model: 'command',
    operation: 'chat',
    choices: said(SHORT, 'stop'),
    ...usage(102, 258, 360),
  },
  'cohere/llm-v1-completions.json': {
    id: '77d630a0-c350-4f4e-bbff-ae6eda8919f3',
    model: 'command',
    operation: 'completion',
    choices: said(COHERE_TEXT_START, 'stop'),
    ...usage(8, 100, 108),
  },
  'gemini/llm-v1-chat.json': {
    model: 'gemini-pro',
    operation: 'chat',
    choices: said(
      // Gemini's French typography: a non-breaking space before the question mark.
      'Ah, vous voulez savoir le double de ce résultat\u00a0? Eh bien, le double de 2 est **4**. \n',
      'stop',
    ),
  },
  'llama2/ollama/llm-v1-chat.json': {
    model: 'llama2',
    operation: 'chat',
    choices: said(SHORT, 'stop'),
    ...usage(130, 139, 269),
  },
  'llama2/ollama/llm-v1-completions.json': {
    model: 'llama2',
    operation: 'completion',
    choices: said(SHORT),
    ...usage(130, 139, 269),
  },
  'llama2/raw/llm-v1-chat.json': { operation: 'chat', choices: said(SHORT) },
  'llama2/raw/llm-v1-completions.json': { operation: 'completion', choices: said(SHORT) },
  'mistral/ollama/llm-v1-chat.json': {
    model: 'mistral-tiny',
    operation: 'chat',
    choices: said(SHORT, 'stop'),
    ...usage(130, 139, 269),
  },
  'mistral/openai/llm-v1-chat.json': {
    ...GPT4,
    model: 'mistral-tiny',
    choices: said(GPT_CHAT, 'stop'),
    ...usage(130, 139, 269),
  },
  'openai/llm-v1-chat.json': { ...GPT4, choices: said(GPT_CHAT, 'stop'), ...usage(130, 139, 269) },
  'openai/llm-v1-completions.json': {
    ...INSTRUCT,
    operation: 'completion',
    choices: said(GPT_TEXT_START, 'stop'),
    ...usage(10, 225, 235),
  },
};

const GOOD: Readonly<Record<string, ResponseFacts>> = {
  'openai/llm-v1-chat/responses/good.json': {
    id: 'chatcmpl-8T6YwgvjQVVnGbJ2w8hpOA17SeNy2',
    model: 'gpt-3.5-turbo-0613',
    operation: 'chat',
    choices: said('The sum of 1 + 1 is 2.', 'stop'),
    ...usage(25, 12, 37),
  },
  'openai/llm-v1-completions/responses/good.json': {
    id: 'cmpl-8TBeaJVQIhE9kHEJbk1RnKzgFxIqN',
    model: 'gpt-3.5-turbo-instruct',
    operation: 'completion',
    choices: said(
      '\n\nI am a language model AI created by OpenAI. I can answer questions',
      'length',
    ),
    ...usage(4, 16, 20),
  },
  // Hugging Face TGI sends `id: ""`: an empty id is no id.
  'huggingface/llm-v1-chat/responses/good.json': {
    model: 'mistralai/Mistral-7B-Instruct-v0.2',
    operation: 'chat',
    systemFingerprint: '2.1.1-sha-4dfdb48',
    choices: said(
      ' The sum of 1 + 1 is 2. This is a basic arithmetic operation and the answer is always the same: adding one to one results in having two in total.',
      'eos_token',
    ),
    ...usage(26, 40, 66),
  },
  'openai/llm-v1-embeddings/responses/good.json': {
    model: 'text-embedding-3-large',
    operation: 'embedding',
    embeddingDimension: 3072,
    usage: { inputTokens: 4, totalTokens: 4 },
  },
  // Provider-native error bodies carry nothing Kong-normalised.
  'openai/llm-v1-chat/responses/unauthorized.json': {},
  'anthropic/llm-v1-chat/responses/bad_upstream_response.json': {},
};

/** Truncates long choice texts to the expected prefix, so the rest of the facts compare exactly. */
function withPrefixes(actual: ResponseFacts, expected: ResponseFacts): ResponseFacts {
  const choices = actual.choices?.map((choice, i) => {
    const want = expected.choices?.[i]?.message?.content;
    const got = choice.message?.content;
    if (want === undefined || got === undefined || !got.startsWith(want)) return choice;
    return {
      ...choice,
      message: { ...choice.message, role: choice.message?.role ?? '', content: want },
    };
  });
  return choices === undefined ? actual : { ...actual, choices };
}

describe('parseResponsePayload over Kong AI Proxy fixtures', { skip: corpusSkip }, () => {
  for (const [file, facts] of Object.entries(EXPECTED)) {
    it(`maps unit/expected-responses/${file}`, () => {
      const actual = parseResponsePayload(readFixture(`unit/expected-responses/${file}`));
      assert.deepEqual(withPrefixes(actual, facts), facts);
    });
  }

  it('has an expectation for every normalised response', () => {
    const files = listFixtures('unit/expected-responses');
    assert.deepEqual(
      files,
      Object.keys(EXPECTED)
        .map(f => `unit/expected-responses/${f}`)
        .sort(),
    );
  });

  for (const [file, facts] of Object.entries(GOOD)) {
    it(`maps ${file}`, () => {
      assert.deepEqual(parseResponsePayload(readFixture(file)), facts);
    });
  }

  it('never throws on any fixture', () => {
    for (const file of listFixtures()) {
      assert.equal(typeof parseResponsePayload(readFixture(file)), 'object', file);
    }
  });
});
