// Gemini / Vertex generateContent bodies: `contents` of parts, `systemInstruction`, `generationConfig`.
import { message, stringList, textsOf, toolCall, toolDefinition, Turn } from './content';
import { arr, count, defined, int, jsonText, name, num, obj, str, type Obj } from './json';
import type { Message, RequestFacts, ToolDefinition } from '../types';

// The API accepts both proto JSON spellings (`generationConfig` and `generation_config`), so read both.
export function parseGeminiRequest(body: Obj): RequestFacts {
  const config = obj(body.generationConfig) ?? obj(body.generation_config) ?? {};
  const system = obj(body.systemInstruction) ?? obj(body.system_instruction);
  const systemTexts = system === undefined ? undefined : textsOf(listOf(system.parts));
  return defined<RequestFacts>({
    model: str(body.model),
    maxTokens: count(config.maxOutputTokens) ?? count(config.max_output_tokens),
    temperature: num(config.temperature),
    topP: num(config.topP) ?? num(config.top_p),
    topK: count(config.topK) ?? count(config.top_k),
    stopSequences: stringList(config.stopSequences) ?? stringList(config.stop_sequences),
    seed: int(config.seed),
    frequencyPenalty: num(config.frequencyPenalty) ?? num(config.frequency_penalty),
    presencePenalty: num(config.presencePenalty) ?? num(config.presence_penalty),
    choiceCount: count(config.candidateCount) ?? count(config.candidate_count),
    messages: readContents(body.contents),
    systemInstructions:
      systemTexts === undefined || systemTexts.length === 0 ? undefined : systemTexts,
    tools: readTools(body.tools),
    operation: 'chat',
  });
}

/** `contents` and `parts` may each be a single object instead of a list (Kong's own fixtures do this). */
function listOf(v: unknown): readonly unknown[] {
  return arr(v) ?? (obj(v) === undefined ? [] : [v]);
}

function readContents(v: unknown): Message[] | undefined {
  const out: Message[] = [];
  for (const item of listOf(v)) {
    const content = obj(item);
    if (content === undefined) continue;
    readParts(listOf(content.parts)).flushInto(out, roleOf(content.role));
  }
  return out.length === 0 ? undefined : out;
}

/** Gemini says `model` for the assistant and `function` for tool results; no role means user. */
function roleOf(role: unknown): string {
  const r = name(role);
  if (r === 'model') return 'assistant';
  if (r === 'function') return 'tool';
  return r ?? 'user';
}

function readParts(parts: readonly unknown[]): Turn {
  const turn = new Turn();
  for (const item of parts) {
    const part = obj(item);
    if (part === undefined) continue;
    const call = obj(part.functionCall) ?? obj(part.function_call);
    const result = obj(part.functionResponse) ?? obj(part.function_response);
    if (call !== undefined) {
      turn.toolCalls.push(toolCall(call.id, call.name, call.args));
    } else if (result !== undefined) {
      turn.results.push(message('tool', jsonText(result.response), undefined, name(result.id)));
    } else if (typeof part.text === 'string' && part.thought !== true) {
      turn.texts.push(part.text);
    }
  }
  return turn;
}

function readTools(v: unknown): ToolDefinition[] | undefined {
  const out: ToolDefinition[] = [];
  for (const item of listOf(v)) {
    const tool = obj(item);
    const declarations = tool?.functionDeclarations ?? tool?.function_declarations;
    for (const declaration of listOf(declarations)) {
      const fn = obj(declaration);
      if (fn === undefined) continue;
      const parameters = fn.parameters ?? fn.parametersJsonSchema;
      const definition = toolDefinition(fn.name, fn.description, parameters);
      if (definition !== undefined) out.push(definition);
    }
  }
  return out.length === 0 ? undefined : out;
}
