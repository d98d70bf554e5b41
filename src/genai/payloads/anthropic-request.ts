// Anthropic Messages request bodies (`/v1/messages`): content blocks, top-level `system`, tools.
import {
  mapList,
  message,
  stringList,
  textOf,
  textsOf,
  toolCall,
  toolDefinition,
  Turn,
} from './content';
import { arr, bool, count, defined, name, num, obj, str, type Obj } from './json';
import type { Message, RequestFacts, ToolDefinition } from '../types';

export function parseAnthropicRequest(body: Obj): RequestFacts {
  return defined<RequestFacts>({
    model: str(body.model),
    maxTokens: count(body.max_tokens),
    temperature: num(body.temperature),
    topP: num(body.top_p),
    topK: count(body.top_k),
    stopSequences: stringList(body.stop_sequences),
    stream: bool(body.stream),
    messages: readMessages(body.messages),
    systemInstructions: systemTexts(body.system),
    tools: mapList(body.tools, readTool),
    operation: Array.isArray(body.messages) ? 'chat' : undefined,
  });
}

/** `system` is a string or a list of text blocks: one instruction per block. */
function systemTexts(system: unknown): string[] | undefined {
  if (typeof system === 'string') return [system];
  const blocks = arr(system);
  if (blocks === undefined) return undefined;
  const texts = textsOf(blocks);
  return texts.length === 0 ? undefined : texts;
}

function readMessages(v: unknown): Message[] | undefined {
  const items = arr(v);
  if (items === undefined) return undefined;
  const out: Message[] = [];
  for (const item of items) {
    const m = obj(item);
    const role = name(m?.role);
    if (m === undefined || role === undefined) continue;
    const blocks = arr(m.content);
    if (blocks === undefined) out.push(message(role, str(m.content)));
    else readBlocks(blocks).flushInto(out, role);
  }
  return out.length === 0 ? undefined : out;
}

/** Text blocks, `tool_use` (a call by the assistant) and `tool_result` (the answer, a `tool` message). */
function readBlocks(blocks: readonly unknown[]): Turn {
  const turn = new Turn();
  for (const item of blocks) {
    const block = obj(item);
    if (block === undefined) continue;
    if (block.type === 'text') {
      const text = str(block.text);
      if (text !== undefined) turn.texts.push(text);
    } else if (block.type === 'tool_use') {
      turn.toolCalls.push(toolCall(block.id, block.name, block.input));
    } else if (block.type === 'tool_result') {
      turn.results.push(message('tool', textOf(block.content), undefined, name(block.tool_use_id)));
    }
  }
  return turn;
}

function readTool(v: unknown): ToolDefinition | undefined {
  const tool = obj(v);
  return tool === undefined
    ? undefined
    : toolDefinition(tool.name, tool.description, tool.input_schema);
}
