// Request parsing over Kong's provider-native bodies (`unit/expected-requests`), expectations by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestPayload } from '../../../src/genai/payloads/request';
import type { Message, RequestFacts } from '../../../src/genai/types';
import { corpusSkip, listFixtures, readFixture } from './corpus';

// The conversation all of these bodies carry, each in its provider's format.
const SYSTEM = 'You are a mathematician.';
const TURNS: Message[] = [
  { role: 'user', content: 'What is 1 + 2?' },
  {
    role: 'assistant',
    content:
      "The sum of 1 + 2 is 3. If you have any more math questions or if there's anything else I can help you with, feel free to ask!",
  },
  { role: 'user', content: 'Multiply that by 2' },
  {
    role: 'assistant',
    content:
      "Certainly! If you multiply 3 by 2, the result is 6. If you have any more questions or if there's anything else I can help you with, feel free to ask!",
  },
  { role: 'user', content: "Why can't you divide by zero?" },
];
const WITH_SYSTEM: Message[] = [{ role: 'system', content: SYSTEM }, ...TURNS];
const PROMPT: Message[] = [{ role: 'user', content: "Explain why you can't divide by zero?" }];
// The client's settings in Kong's tests; providers spell them differently.
const CLIENT = { maxTokens: 512, temperature: 0.5, stream: false } as const;

const EXPECTED: Readonly<Record<string, readonly [provider: string, facts: RequestFacts]>> = {
  'anthropic/llm-v1-chat.json': [
    'anthropic',
    {
      model: 'claude-2.1',
      ...CLIENT,
      messages: TURNS,
      systemInstructions: [SYSTEM],
      operation: 'chat',
    },
  ],
  // Legacy Text Completions: `max_tokens_to_sample`, and the "Human:" turn becomes a user message.
  'anthropic/llm-v1-completions.json': [
    'anthropic',
    { model: 'claude-2.1', ...CLIENT, messages: PROMPT, operation: 'completion' },
  ],
  'azure/llm-v1-chat.json': [
    'azure',
    { model: 'gpt-4', ...CLIENT, topP: 1, messages: WITH_SYSTEM, operation: 'chat' },
  ],
  'azure/llm-v1-completions.json': [
    'azure',
    {
      model: 'gpt-3.5-turbo-instruct',
      ...CLIENT,
      topP: 1,
      messages: PROMPT,
      operation: 'completion',
    },
  ],
  // Converse: `inferenceConfig`, `system` blocks; the model is in the URL, not the body.
  'bedrock/llm-v1-chat.json': [
    'bedrock',
    {
      maxTokens: 8192,
      temperature: 0.8,
      topP: 0.6,
      messages: TURNS,
      systemInstructions: [SYSTEM],
      operation: 'chat',
    },
  ],
  // Kong 3.9 sends the system prompt as a USER history turn, not as `preamble`; `p` is top_p.
  'cohere/llm-v1-chat.json': [
    'cohere',
    {
      model: 'command',
      ...CLIENT,
      topP: 1,
      messages: [{ role: 'user', content: SYSTEM }, ...TURNS],
      operation: 'chat',
    },
  ],
  'cohere/llm-v1-completions.json': [
    'cohere',
    { model: 'command', ...CLIENT, topP: 0.75, topK: 5, messages: PROMPT, operation: 'completion' },
  ],
  // `generationConfig`, `systemInstruction`, role `model` -> assistant.
  'gemini/llm-v1-chat.json': [
    'gemini',
    {
      maxTokens: 8192,
      temperature: 0.8,
      topP: 0.6,
      topK: 1,
      messages: TURNS,
      systemInstructions: [SYSTEM],
      operation: 'chat',
    },
  ],
  // Ollama: `options.num_predict` and `options.temperature`.
  'llama2/ollama/llm-v1-chat.json': [
    'llama2',
    { model: 'llama2', ...CLIENT, messages: WITH_SYSTEM, operation: 'chat' },
  ],
  'llama2/ollama/llm-v1-completions.json': [
    'llama2',
    { model: 'llama2', ...CLIENT, messages: PROMPT, operation: 'completion' },
  ],
  // Raw: one templated `inputs` text; chat and completions look alike, so no operation.
  'llama2/raw/llm-v1-chat.json': [
    'llama2',
    {
      ...CLIENT,
      topP: 1,
      topK: 40,
      messages: [
        {
          role: 'user',
          content:
            "<s>[INST] <<SYS>> You are a mathematician. <</SYS>> What is 1 + 2? [/INST] <s>[INST] Multiply that by 2 [/INST] <s>[INST] Why can't you divide by zero? [/INST]",
        },
      ],
    },
  ],
  'llama2/raw/llm-v1-completions.json': [
    'llama2',
    {
      ...CLIENT,
      messages: [
        {
          role: 'user',
          content:
            "<s> [INST] <<SYS>> You are a helpful assistant. <<SYS>> Explain why you can't divide by zero? [/INST]",
        },
      ],
    },
  ],
  'mistral/ollama/llm-v1-chat.json': [
    'mistral',
    { model: 'mistral-tiny', ...CLIENT, messages: WITH_SYSTEM, operation: 'chat' },
  ],
  'mistral/openai/llm-v1-chat.json': [
    'mistral',
    { model: 'mistral-tiny', ...CLIENT, messages: WITH_SYSTEM, operation: 'chat' },
  ],
  'openai/llm-v1-chat.json': [
    'openai',
    { model: 'gpt-4', ...CLIENT, messages: WITH_SYSTEM, operation: 'chat' },
  ],
  'openai/llm-v1-completions.json': [
    'openai',
    { model: 'gpt-3.5-turbo-instruct', ...CLIENT, messages: PROMPT, operation: 'completion' },
  ],
};

describe('parseRequestPayload over Kong expected-requests', { skip: corpusSkip }, () => {
  for (const [file, [provider, facts]] of Object.entries(EXPECTED)) {
    it(`maps the ${provider} body ${file}`, () => {
      const body = readFixture(`unit/expected-requests/${file}`);
      assert.deepEqual(parseRequestPayload(body, provider), facts);
    });
  }

  it('has an expectation for every provider-native body Kong sends upstream', () => {
    const files = listFixtures('unit/expected-requests');
    assert.deepEqual(
      files,
      Object.keys(EXPECTED)
        .map(f => `unit/expected-requests/${f}`)
        .sort(),
    );
  });

  it('never throws on any fixture, whatever the provider hint', () => {
    for (const file of listFixtures()) {
      const body = readFixture(file);
      for (const provider of ['openai', 'anthropic', 'cohere', 'gemini', 'bedrock', 'llama2']) {
        assert.equal(typeof parseRequestPayload(body, provider), 'object', file);
      }
    }
  });
});
