// Building blocks shared by the request parsers: text of content parts, string lists, messages.
import { arr, defined, jsonText, name, str } from './json';
import type { Message, ToolCall, ToolDefinition } from '../types';

/** Text of a content value: a string, or the `text` of each part of an array joined by newlines. */
export function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  const parts = arr(content);
  return parts === undefined ? undefined : joinText(textsOf(parts));
}

/** The `text` strings of content parts; non-text parts (images, thinking...) are left out. */
export function textsOf(parts: readonly unknown[]): string[] {
  const texts: string[] = [];
  for (const part of parts) {
    const text = textPart(part);
    if (text !== undefined) texts.push(text);
  }
  return texts;
}

function textPart(part: unknown): string | undefined {
  if (typeof part !== 'object' || part === null) return undefined;
  const { type, text, thought } = part as { type?: unknown; text?: unknown; thought?: unknown };
  // Typed parts must be text parts; untyped ones (Bedrock, Gemini) are text when they carry `text`.
  if (type !== undefined && type !== 'text' && type !== 'input_text' && type !== 'output_text') {
    return undefined;
  }
  return thought === true ? undefined : str(text);
}

export function joinText(texts: readonly string[]): string | undefined {
  return texts.length === 0 ? undefined : texts.join('\n');
}

/** A string or an array of strings (other entries, e.g. token arrays, are skipped); never empty. */
export function stringList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  const items = arr(v);
  if (items === undefined) return undefined;
  const out = items.filter((item): item is string => typeof item === 'string');
  return out.length === 0 ? undefined : out;
}

export function message(
  role: string,
  content?: string,
  toolCalls?: readonly ToolCall[],
  toolCallId?: string,
): Message {
  return defined<Message>({ role, content, toolCalls, toolCallId });
}

export function toolCall(id: unknown, fnName: unknown, args: unknown): ToolCall {
  return defined<ToolCall>({ id: name(id), name: name(fnName), arguments: jsonText(args) });
}

export function toolDefinition(
  fnName: unknown,
  description: unknown,
  parameters: unknown,
): ToolDefinition | undefined {
  const n = name(fnName);
  if (n === undefined) return undefined;
  return defined<ToolDefinition>({
    name: n,
    description: str(description),
    parameters: jsonText(parameters),
  });
}

/** Maps each entry with `read`, dropping unreadable ones; undefined when nothing is left. */
export function mapList<T>(v: unknown, read: (item: unknown) => T | undefined): T[] | undefined {
  const items = arr(v);
  if (items === undefined) return undefined;
  const out: T[] = [];
  for (const item of items) {
    const value = read(item);
    if (value !== undefined) out.push(value);
  }
  return out.length === 0 ? undefined : out;
}

/** One provider turn whose blocks mix text, tool calls and tool results (Anthropic, Gemini, Bedrock). */
export class Turn {
  readonly texts: string[] = [];
  readonly toolCalls: ToolCall[] = [];
  readonly results: Message[] = [];

  /** Tool results become `tool` messages first (providers put them first in the turn). */
  flushInto(out: Message[], role: string): void {
    for (const result of this.results) out.push(result);
    const calls = this.toolCalls.length === 0 ? undefined : this.toolCalls;
    if (this.texts.length > 0 || calls !== undefined || this.results.length === 0) {
      out.push(message(role, joinText(this.texts), calls));
    }
  }
}
