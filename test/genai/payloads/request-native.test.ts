// Request parsing over Kong's native-format and client bodies (`native/*`, `*/requests/*`): tools, parts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestPayload } from '../../../src/genai/payloads/request';
import type { Message, RequestFacts, ToolDefinition } from '../../../src/genai/types';
import { corpusSkip, readFixture } from './corpus';

// The lighting-bot conversation of Kong's `native/*` bodies, as each format spells it.
const BOT =
  'You are a helpful lighting system bot. You can turn lights on and off, and you can set the color. Do not perform any other tasks.';
const ENABLE = 'tooluse_12j842hSE-_gkri61ab2A';
const ORANGE = 'tooluse_5wP5DuMwSE-_VgqY61ab3A';
const COLOR = 'The light color as a 6-digit hex string, e.g. ff0000 for red.';
// Schemas are JSON text in the order the fixture wrote them.
const BEDROCK_SCHEMA = `{"type":"object","required":["rgb_hex"],"properties":{"rgb_hex":{"description":"${COLOR}","type":"string"}}}`;
const GEMINI_SCHEMA = `{"type":"object","properties":{"rgb_hex":{"type":"string","description":"${COLOR}"}},"required":["rgb_hex"]}`;

const lightTools = (schema: string): ToolDefinition[] => [
  { name: 'enable_lights', description: 'Turn on the lighting system.' },
  {
    name: 'set_light_color',
    description: 'Set the light color. Lights must be enabled for this to work.',
    parameters: schema,
  },
  { name: 'stop_lights', description: 'Turn off the lighting system.' },
];

interface Spelling {
  /** Gemini calls and results have no ids. */
  readonly ids: boolean;
  readonly result: string;
  /** Bedrock's first `toolUse` has no `input`, hence no arguments. */
  readonly enableArgs?: string;
}
const lightChat = ({ ids, result, enableArgs }: Spelling): Message[] => {
  const id = (value: string) => (ids ? { id: value } : {});
  const answers = (value: string) => ({
    role: 'tool',
    content: result,
    ...(ids ? { toolCallId: value } : {}),
  });
  const enable = enableArgs === undefined ? {} : { arguments: enableArgs };
  return [
    { role: 'user', content: 'Turn on the lights please.' },
    {
      role: 'assistant',
      content: 'Sure! I will turn them on now.',
      toolCalls: [{ ...id(ENABLE), name: 'enable_lights', ...enable }],
    },
    answers(ENABLE),
    { role: 'user', content: 'Now set them to orange.' },
    {
      role: 'assistant',
      content: 'Setting to orange.',
      toolCalls: [{ ...id(ORANGE), name: 'set_light_color', arguments: '{"rgb_hex":"FFA500"}' }],
    },
    answers(ORANGE),
  ];
};
const OPENAI_CHAT: Message[] = [
  { role: 'system', content: BOT },
  ...lightChat({ ids: true, result: '{"success":true}', enableArgs: '{}' }),
];

const AB_SCHEMA =
  '{"properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"],"type":"object"}';

const CASES: ReadonlyArray<readonly [file: string, provider: string, facts: RequestFacts]> = [
  [
    'native/bedrock/request/with-functions-and-chatter.json',
    'bedrock',
    {
      messages: lightChat({ ids: true, result: '{"success":true}' }),
      systemInstructions: [BOT],
      tools: lightTools(BEDROCK_SCHEMA),
      operation: 'chat',
    },
  ],
  [
    'native/gemini/request/basic-chat.json',
    'gemini',
    { maxTokens: 256, messages: [{ role: 'user', content: 'What is 1 + 1?' }], operation: 'chat' },
  ],
  // The inline image part is left out; the text part stays.
  [
    'native/gemini/request/basic-multimodal.json',
    'gemini',
    {
      maxTokens: 256,
      messages: [{ role: 'user', content: 'Tell me about this animal?' }],
      operation: 'chat',
    },
  ],
  // snake_case spellings, `parts` as a single object, roles `assistant` and `function`.
  [
    'native/gemini/request/with-functions-and-chatter.json',
    'gemini',
    {
      messages: lightChat({ ids: false, result: '{"content":{"success":true}}', enableArgs: '{}' }),
      systemInstructions: [BOT],
      tools: lightTools(GEMINI_SCHEMA),
      operation: 'chat',
    },
  ],
  // `contents` as a single object.
  [
    'native/gemini/request/with-functions.json',
    'gemini',
    {
      messages: [{ role: 'user', content: 'Turn on the lights please. Also set them to orange.' }],
      systemInstructions: [BOT],
      tools: lightTools(GEMINI_SCHEMA),
      operation: 'chat',
    },
  ],
  [
    'native/target/target-openai-complete.json',
    'openai',
    {
      model: 'gemini-1.5-pro',
      stream: false,
      messages: OPENAI_CHAT,
      tools: lightTools(BEDROCK_SCHEMA),
      operation: 'chat',
    },
  ],
  [
    'native/target/target-openai-complete-stream.json',
    'openai',
    {
      model: 'gemini-1.5-pro',
      stream: true,
      messages: OPENAI_CHAT,
      tools: lightTools(BEDROCK_SCHEMA),
      operation: 'chat',
    },
  ],
  [
    'openai/llm-v1-chat/requests/good-stream-with-functions.json',
    'openai',
    {
      temperature: 0.7,
      stream: true,
      choiceCount: 1,
      messages: [{ role: 'user', content: 'What is 2 + 12? Then, multiply that result by 10?' }],
      tools: [
        { name: 'add', description: 'Adds a and b.', parameters: AB_SCHEMA },
        { name: 'multiply', description: 'Multiplies a and b.', parameters: AB_SCHEMA },
      ],
      operation: 'chat',
    },
  ],
  [
    'openai/llm-v1-chat/requests/good_multi_modal.json',
    'openai',
    {
      stream: false,
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: "What's in this image?" },
      ],
      operation: 'chat',
    },
  ],
  [
    'openai/llm-v1-completions/requests/good.json',
    'openai',
    { messages: [{ role: 'user', content: 'What are you?' }], operation: 'completion' },
  ],
  // A Kong prompt template (an object) is still a completion, with no text to report.
  ['unit/requests/llm-v1-completion-template.json', 'openai', { operation: 'completion' }],
  ['openai/llm-v1-chat/requests/bad_request.json', 'openai', {}],
];

describe('parseRequestPayload over Kong native and client bodies', { skip: corpusSkip }, () => {
  for (const [file, provider, facts] of CASES) {
    it(`maps the ${provider} body ${file}`, () => {
      assert.deepEqual(parseRequestPayload(readFixture(file), provider), facts);
    });
  }
});
