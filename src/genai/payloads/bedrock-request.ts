// Bedrock Converse bodies (`/converse`): untyped content blocks, `system` list, `inferenceConfig`.
import { jsonText, arr, count, defined, name, num, obj, str, type Obj } from './json';
import {
  joinText,
  mapList,
  message,
  stringList,
  textsOf,
  toolCall,
  toolDefinition,
  Turn,
} from './content';
import type { Message, RequestFacts, ToolDefinition } from '../types';

export function parseBedrockRequest(body: Obj): RequestFacts {
  const config = obj(body.inferenceConfig) ?? {};
  // top_k is model-specific, so Converse passes it through `additionalModelRequestFields`.
  const extra = obj(body.additionalModelRequestFields);
  const system = arr(body.system);
  const systemTexts = system === undefined ? undefined : textsOf(system);
  return defined<RequestFacts>({
    maxTokens: count(config.maxTokens),
    temperature: num(config.temperature),
    topP: num(config.topP),
    topK: count(extra?.top_k) ?? count(extra?.topK),
    stopSequences: stringList(config.stopSequences),
    messages: readMessages(body.messages),
    systemInstructions:
      systemTexts === undefined || systemTexts.length === 0 ? undefined : systemTexts,
    tools: mapList(obj(body.toolConfig)?.tools, readTool),
    operation: 'chat',
  });
}

function readMessages(v: unknown): Message[] | undefined {
  const items = arr(v);
  if (items === undefined) return undefined;
  const out: Message[] = [];
  for (const item of items) {
    const m = obj(item);
    const role = name(m?.role);
    if (m === undefined || role === undefined) continue;
    readBlocks(arr(m.content) ?? []).flushInto(out, role);
  }
  return out.length === 0 ? undefined : out;
}

/** Blocks are `{text}`, `{toolUse}`, `{toolResult}`, `{image}`...: the key names the kind. */
function readBlocks(blocks: readonly unknown[]): Turn {
  const turn = new Turn();
  for (const item of blocks) {
    const block = obj(item);
    if (block === undefined) continue;
    const use = obj(block.toolUse);
    const result = obj(block.toolResult);
    if (typeof block.text === 'string') turn.texts.push(block.text);
    else if (use !== undefined) turn.toolCalls.push(toolCall(use.toolUseId, use.name, use.input));
    else if (result !== undefined) {
      const content = resultText(arr(result.content) ?? []);
      turn.results.push(message('tool', content, undefined, name(result.toolUseId)));
    }
  }
  return turn;
}

/** A tool result's content is `{text}` or `{json}` blocks (images and documents are left out). */
function resultText(blocks: readonly unknown[]): string | undefined {
  const texts: string[] = [];
  for (const item of blocks) {
    const block = obj(item);
    const text = str(block?.text) ?? (block?.json === undefined ? undefined : jsonText(block.json));
    if (text !== undefined) texts.push(text);
  }
  return joinText(texts);
}

function readTool(v: unknown): ToolDefinition | undefined {
  const spec = obj(obj(v)?.toolSpec);
  if (spec === undefined) return undefined;
  return toolDefinition(spec.name, spec.description, obj(spec.inputSchema)?.json);
}
