// POST /v1/chat/completions, plain and `stream: true`. The reply quotes the last user message, or
// is ONE tool call (see tool-calls.ts). Streaming sends the role frame, one frame per word (or
// 8-character pieces of the tool-call arguments), then the finish reason; a final usage chunk
// (`choices: []`) only with `stream_options.include_usage`, and every chunk then has `usage: null`.
import { HttpError, sendJson, sendStream, type Exchange } from './http';
import { isRecord, type JsonObject } from './json';
import { fingerprint, responseModel } from './models';
import { nowSeconds, sha256, excerpt, words } from './reply';
import { choiceCount, includeUsage, requireModel } from './request';
import { IMAGE_TOKENS, contentText, limitText, maxTokens, tokensOf, usageOf } from './tokens';
import { pickToolCall, type ToolCall } from './tool-calls';

interface ChatChoice {
  index: number;
  content: string | null;
  toolCall: ToolCall | undefined;
  finish: string;
}

function chatReply(model: string, ref: string, userText: string, index: number, n: number): string {
  const said = userText === '' ? '' : ` You said: "${excerpt(userText)}".`;
  const which = n > 1 ? ` (choice ${index + 1} of ${n})` : '';
  return (
    `Mock reply ${ref} from ${model}${which}.${said} ` +
    'This answer is deterministic: the same request always gets the same reply.'
  );
}

export async function chatCompletions(
  ex: Exchange,
  body: JsonObject,
  chunkDelayMs: number,
): Promise<void> {
  const model = requireModel(body);
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new HttpError(
      400,
      "Missing required parameter: 'messages'.",
      'messages',
      'missing_required_parameter',
    );
  }
  const messages = body.messages.filter(isRecord);
  const n = choiceCount(body);
  const ref = sha256(JSON.stringify([model, body.messages, body.tools ?? null])).slice(0, 12);
  const lastUser = [...messages].reverse().find(m => m.role === 'user');
  const userText = contentText(lastUser?.content).text;
  const toolCall = pickToolCall(body, messages, ref);
  const limit = maxTokens(body);

  let promptTokens = 3 + (Array.isArray(body.tools) ? tokensOf(JSON.stringify(body.tools)) : 0);
  for (const message of messages) {
    const { text, images } = contentText(message.content);
    promptTokens += 4 + tokensOf(text) + images * IMAGE_TOKENS;
    if (message.tool_calls !== undefined)
      promptTokens += tokensOf(JSON.stringify(message.tool_calls));
  }
  const choices: ChatChoice[] = [];
  let completionTokens = 0;
  for (let index = 0; index < n; index += 1) {
    if (toolCall !== undefined) {
      const { name, arguments: args } = toolCall.function;
      completionTokens += 3 + tokensOf(name) + tokensOf(args);
      choices.push({ index, content: null, toolCall, finish: 'tool_calls' });
    } else {
      const { text, finish } = limitText(chatReply(model, ref, userText, index, n), limit);
      completionTokens += tokensOf(text);
      choices.push({ index, content: text, toolCall: undefined, finish });
    }
  }
  const head = {
    id: `chatcmpl-mock${ref}`,
    object: 'chat.completion',
    created: nowSeconds(),
    model: responseModel(model),
    system_fingerprint: fingerprint(model),
    service_tier: 'default',
  };
  const usage = usageOf(promptTokens, completionTokens);

  if (body.stream !== true) {
    sendJson(ex, 200, {
      ...head,
      choices: choices.map(c => ({
        index: c.index,
        message: {
          role: 'assistant',
          content: c.content,
          refusal: null,
          ...(c.toolCall === undefined ? {} : { tool_calls: [c.toolCall] }),
          annotations: [],
        },
        logprobs: null,
        finish_reason: c.finish,
      })),
      usage,
    });
    return;
  }
  const withUsage = includeUsage(body);
  const chunk = (choice: unknown[], extra: JsonObject = {}) => ({
    ...head,
    object: 'chat.completion.chunk',
    choices: choice,
    ...(withUsage ? { usage: null } : {}),
    ...extra,
  });
  const frames: unknown[] = [];
  for (const c of choices) {
    const delta = (d: JsonObject, finish: string | null = null) =>
      chunk([{ index: c.index, delta: d, logprobs: null, finish_reason: finish }]);
    if (c.toolCall !== undefined) {
      const { id, type, function: fn } = c.toolCall;
      const call = { index: 0, id, type, function: { name: fn.name, arguments: '' } };
      frames.push(delta({ role: 'assistant', content: null, tool_calls: [call] }));
      for (const piece of fn.arguments.match(/.{1,8}/gs) ?? []) {
        frames.push(delta({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
      }
    } else {
      frames.push(delta({ role: 'assistant', content: '', refusal: null }));
      for (const word of words(c.content ?? '')) frames.push(delta({ content: word }));
    }
    frames.push(delta({}, c.finish));
  }
  if (withUsage) frames.push(chunk([], { usage }));
  await sendStream(ex, frames, chunkDelayMs);
}
