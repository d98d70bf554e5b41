// OpenAI-format messages, tool calls and tool definitions (also Ollama, Cohere v2, Kong's responses).
import { mapList, message, stringList, textOf, toolCall, toolDefinition } from './content';
import { name, obj, type Obj } from './json';
import type { Message, Operation, ToolCall, ToolDefinition } from '../types';

/**
 * One chat message. A message without a string role is dropped unless `defaultRole` is given
 * (response choices, where Kong may leave the role out).
 */
export function readMessage(v: unknown, defaultRole?: string): Message | undefined {
  const m = obj(v);
  if (m === undefined) return undefined;
  const role = name(m.role) ?? defaultRole;
  if (role === undefined) return undefined;
  const legacyCall = obj(m.function_call);
  const toolCalls =
    mapList(m.tool_calls, readToolCall) ??
    (legacyCall === undefined
      ? undefined
      : [toolCall(undefined, legacyCall.name, legacyCall.arguments)]);
  const read = message(role, textOf(m.content), toolCalls, name(m.tool_call_id));
  const refusal = name(m.refusal);
  return refusal === undefined ? read : { ...read, refusal };
}

export function readMessages(v: unknown): Message[] | undefined {
  return mapList(v, item => readMessage(item));
}

/** `{id, type: 'function', function: {name, arguments}}`; Ollama sends `arguments` as an object. */
function readToolCall(v: unknown): ToolCall | undefined {
  const call = obj(v);
  if (call === undefined) return undefined;
  const fn = obj(call.function);
  return toolCall(call.id, fn?.name, fn?.arguments);
}

/** `tools: [{type: 'function', function: {...}}]`, else the legacy `functions: [{...}]`. */
export function readTools(tools: unknown, functions?: unknown): ToolDefinition[] | undefined {
  return mapList(tools, readTool) ?? mapList(functions, readFunction);
}

function readTool(v: unknown): ToolDefinition | undefined {
  const tool = obj(v);
  return tool === undefined ? undefined : readFunction(tool.function);
}

function readFunction(v: unknown): ToolDefinition | undefined {
  const fn = obj(v);
  return fn === undefined ? undefined : toolDefinition(fn.name, fn.description, fn.parameters);
}

/** Completion prompts (string or batch of strings) as user messages, for `gen_ai.prompt.{i}`. */
export function promptMessages(prompt: unknown): Message[] | undefined {
  return stringList(prompt)?.map(text => message('user', text));
}

/** Operation implied by an OpenAI-style body: `messages` → chat, `prompt` → completion, `input` → embedding. */
export function shapeOperation(body: Obj): Operation | undefined {
  if (Array.isArray(body.messages)) return 'chat';
  if (body.prompt != null) return 'completion';
  if (body.input != null) return 'embedding';
  return undefined;
}
