// Message content as span attributes (docs/design.md#content-capture-and-redaction), only when
// capture is on: the legacy indexed names and the latest JSON message attributes. Every string
// taken from a payload goes through the ContentSanitizer exactly once: texts, roles, tool names
// and ids through `clean`; tool arguments, parameter schemas and tool results, which are JSON
// text, through `cleanJson` (redacted decoded, then encoded). Both redact, then cut to length.
import type { Attributes } from '@opentelemetry/api';
import type { LlmCall, Message, ToolCall } from '../genai/types';
import type { CleanJson, ContentSanitizer } from './redaction';
import * as S from './semconv';
import { emitsLatest, emitsLegacy, type SemconvMode } from './semconv-mode';

export function contentAttributes(
  call: LlmCall,
  mode: SemconvMode,
  sanitizer: ContentSanitizer,
  into: Attributes = {},
): Attributes {
  // `both` emits each value twice: each is redacted once and the result used in both shapes.
  const texts = new Map<string, string>();
  const memo = new Map<string, CleanJson>();
  const clean: Clean = text => {
    if (text === undefined) return undefined;
    let done = texts.get(text);
    if (done === undefined) {
      done = sanitizer.clean(text);
      texts.set(text, done);
    }
    return done;
  };
  clean.json = text => {
    if (text === undefined) return undefined;
    let done = memo.get(text);
    if (done === undefined) {
      done = sanitizer.cleanJson(text);
      memo.set(text, done);
    }
    return done;
  };
  if (emitsLegacy(mode)) legacyContent(call, clean, into);
  if (emitsLatest(mode)) {
    latestContent(call, clean, into);
    const stops = stopSequences(call, sanitizer);
    if (stops !== undefined) into[S.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = stops;
  }
  return into;
}

/** Stop sequences are free text the user chose: at most this many, each at most this long. */
export const MAX_STOP_SEQUENCES = 16;
export const MAX_STOP_SEQUENCE_LENGTH = 256;

function stopSequences(call: LlmCall, sanitizer: ContentSanitizer): string[] | undefined {
  const stops = call.request.stopSequences;
  if (stops === undefined || stops.length === 0) return undefined;
  return stops
    .slice(0, MAX_STOP_SEQUENCES)
    .map(stop => sanitizer.clean(stop, MAX_STOP_SEQUENCE_LENGTH));
}

interface Clean {
  (text: string | undefined): string | undefined;
  json: (text: string | undefined) => CleanJson | undefined;
}

/** Tool results are JSON when they parse; other message content is text. */
function messageContent(m: Message, clean: Clean): string | undefined {
  return m.role === 'tool' ? clean.json(m.content)?.text : clean(m.content);
}

function legacyContent(call: LlmCall, clean: Clean, a: Attributes): void {
  const set = (key: string, value: string | undefined): void => {
    if (value !== undefined) a[key] = value;
  };
  const { request, response } = call;
  const prompts: Message[] = [
    ...(request.systemInstructions ?? []).map(content => ({ role: 'system', content })),
    ...(request.messages ?? []),
  ];
  if (call.operation === 'embedding') {
    (request.embeddingsInput ?? []).forEach((input, i) =>
      set(`${S.LEGACY_PROMPT_PREFIX}.${i}.content`, clean(input)),
    );
  }
  prompts.forEach((m, i) => {
    const prefix = `${S.LEGACY_PROMPT_PREFIX}.${i}`;
    set(`${prefix}.role`, clean(m.role));
    set(`${prefix}.content`, messageContent(m, clean));
    set(`${prefix}.tool_call_id`, clean(m.toolCallId));
    legacyToolCalls(`${prefix}.tool_calls`, m.toolCalls, clean, set);
  });
  (response.choices ?? []).forEach(choice => {
    const prefix = `${S.LEGACY_COMPLETION_PREFIX}.${choice.index}`;
    if (choice.message === undefined) return;
    set(`${prefix}.role`, clean(choice.message.role));
    set(`${prefix}.content`, clean(choice.message.content));
    set(`${prefix}.refusal`, clean(choice.message.refusal));
    legacyToolCalls(`${prefix}.tool_calls`, choice.message.toolCalls, clean, set);
  });
  (request.tools ?? []).forEach((tool, i) => {
    const prefix = `${S.LEGACY_FUNCTIONS_PREFIX}.${i}`;
    set(`${prefix}.name`, clean(tool.name));
    set(`${prefix}.description`, clean(tool.description));
    set(`${prefix}.parameters`, clean.json(tool.parameters)?.text);
  });
}

function legacyToolCalls(
  prefix: string,
  calls: readonly ToolCall[] | undefined,
  clean: Clean,
  set: (key: string, value: string | undefined) => void,
): void {
  calls?.forEach((c, j) => {
    set(`${prefix}.${j}.id`, clean(c.id));
    set(`${prefix}.${j}.name`, clean(c.name));
    set(`${prefix}.${j}.arguments`, clean.json(c.arguments)?.text);
  });
}

function latestContent(call: LlmCall, clean: Clean, a: Attributes): void {
  const { request, response } = call;
  const input = (request.messages ?? []).map(m => ({
    role: clean(m.role),
    parts: parts(m, clean),
  }));
  if (call.operation === 'embedding' && request.embeddingsInput !== undefined) {
    input.push(
      ...request.embeddingsInput.map(text => ({
        role: 'user',
        parts: [{ type: 'text', content: clean(text) }],
      })),
    );
  }
  if (input.length > 0) a[S.ATTR_GEN_AI_INPUT_MESSAGES] = JSON.stringify(input);
  const output = (response.choices ?? [])
    .filter(c => c.message !== undefined)
    .map(c => ({
      role: clean(c.message?.role) ?? 'assistant',
      parts: c.message === undefined ? [] : parts(c.message, clean),
      finish_reason: c.finishReason ?? '',
    }));
  if (output.length > 0) a[S.ATTR_GEN_AI_OUTPUT_MESSAGES] = JSON.stringify(output);
  if (request.systemInstructions !== undefined && request.systemInstructions.length > 0) {
    a[S.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = JSON.stringify(
      request.systemInstructions.map(text => ({ type: 'text', content: clean(text) })),
    );
  }
  if (request.tools !== undefined && request.tools.length > 0) {
    a[S.ATTR_GEN_AI_TOOL_DEFINITIONS] = JSON.stringify(
      request.tools.map(t => ({
        type: 'function',
        name: clean(t.name),
        description: clean(t.description),
        parameters: clean.json(t.parameters)?.value,
      })),
    );
  }
}

/** Semconv message parts: text, tool calls, tool call responses. */
function parts(m: Message, clean: Clean): object[] {
  const out: object[] = [];
  if (m.role === 'tool' && m.toolCallId !== undefined) {
    out.push({
      type: 'tool_call_response',
      id: clean(m.toolCallId),
      response: messageContent(m, clean),
    });
    return out;
  }
  if (m.content !== undefined) out.push({ type: 'text', content: clean(m.content) });
  // Semconv has no refusal part; a refusal is what the model said instead of content.
  if (m.refusal !== undefined) out.push({ type: 'text', content: clean(m.refusal) });
  for (const c of m.toolCalls ?? []) {
    out.push({
      type: 'tool_call',
      id: clean(c.id),
      name: clean(c.name),
      arguments: clean.json(c.arguments)?.value,
    });
  }
  return out;
}
