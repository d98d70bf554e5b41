// Cohere bodies: v1 chat (`message` + `chat_history`), v2 chat (`messages`), generate, embed.
import { mapList, message, stringList, toolCall, toolDefinition } from './content';
import { arr, bool, count, defined, int, name, num, obj, str, type Obj } from './json';
import { promptMessages, readMessages, readTools } from './openai-messages';
import type { Message, Operation, RequestFacts, ToolCall, ToolDefinition } from '../types';

export function parseCohereRequest(body: Obj): RequestFacts {
  const preamble = str(body.preamble);
  return defined<RequestFacts>({
    model: str(body.model),
    maxTokens: count(body.max_tokens),
    temperature: num(body.temperature),
    // Cohere names top_p `p` and top_k `k`.
    topP: num(body.p),
    topK: count(body.k),
    stopSequences: stringList(body.stop_sequences),
    seed: int(body.seed),
    frequencyPenalty: num(body.frequency_penalty),
    presencePenalty: num(body.presence_penalty),
    stream: bool(body.stream),
    choiceCount: count(body.num_generations),
    messages: readMessages(body.messages) ?? v1Messages(body) ?? promptMessages(body.prompt),
    systemInstructions: preamble === undefined ? undefined : [preamble],
    // v2 tools are OpenAI-shaped; v1 tools are flat with `parameter_definitions`.
    tools: readTools(body.tools) ?? mapList(body.tools, readV1Tool),
    embeddingsInput: stringList(body.texts),
    operation: operationOf(body),
  });
}

function operationOf(body: Obj): Operation | undefined {
  if (Array.isArray(body.messages) || typeof body.message === 'string') return 'chat';
  if (body.prompt != null) return 'completion';
  if (body.texts != null) return 'embedding';
  return undefined;
}

// A Map, not an object literal: a role such as `constructor` must not hit Object.prototype.
const V1_ROLES: ReadonlyMap<string, string> = new Map([
  ['USER', 'user'],
  ['CHATBOT', 'assistant'],
  ['SYSTEM', 'system'],
  ['TOOL', 'tool'],
]);

/** `chat_history` turns, then the current `message` as the last user turn. */
function v1Messages(body: Obj): Message[] | undefined {
  const out: Message[] = [];
  for (const item of arr(body.chat_history) ?? []) {
    const turn = obj(item);
    const role = name(turn?.role);
    if (turn === undefined || role === undefined) continue;
    const calls = mapList(turn.tool_calls, readV1ToolCall);
    out.push(message(V1_ROLES.get(role) ?? role.toLowerCase(), str(turn.message), calls));
  }
  const current = str(body.message);
  if (current !== undefined) out.push(message('user', current));
  return out.length === 0 ? undefined : out;
}

function readV1ToolCall(v: unknown): ToolCall | undefined {
  const call = obj(v);
  return call === undefined ? undefined : toolCall(undefined, call.name, call.parameters);
}

function readV1Tool(v: unknown): ToolDefinition | undefined {
  const tool = obj(v);
  if (tool === undefined) return undefined;
  return toolDefinition(tool.name, tool.description, tool.parameter_definitions);
}
