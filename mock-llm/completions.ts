// POST /v1/completions (legacy), plain and `stream: true`: one choice per prompt and `n`, the text
// quotes the prompt, at most 16 tokens unless `max_tokens` says otherwise (the endpoint's own
// default). Streaming: one frame per word, then the finish reason; usage as for chat.
import { HttpError, sendJson, sendStream, type Exchange } from './http';
import type { JsonObject } from './json';
import { fingerprint, responseModel } from './models';
import { excerpt, nowSeconds, sha256, words } from './reply';
import { choiceCount, includeUsage, requireModel } from './request';
import { limitText, maxTokens, tokensOf, usageOf } from './tokens';

export async function completions(
  ex: Exchange,
  body: JsonObject,
  chunkDelayMs: number,
): Promise<void> {
  const model = requireModel(body);
  const prompts = Array.isArray(body.prompt) ? body.prompt : [body.prompt];
  if (body.prompt === undefined || prompts.length === 0) {
    throw new HttpError(400, "Missing required parameter: 'prompt'.", 'prompt');
  }
  const texts = prompts.map(p => (typeof p === 'string' ? p : JSON.stringify(p)));
  const n = choiceCount(body);
  const ref = sha256(JSON.stringify([model, body.prompt])).slice(0, 12);
  const limit = maxTokens(body) ?? 16; // the legacy endpoint's own default
  const choices: { index: number; text: string; finish: string }[] = [];
  let completionTokens = 0;
  for (const [p, prompt] of texts.entries()) {
    for (let i = 0; i < n; i += 1) {
      const said = excerpt(prompt);
      const which = n > 1 ? ` (choice ${i + 1} of ${n})` : '';
      const full = ` Mock completion ${ref}${which} of "${said}". Same prompt, same text.`;
      const { text, finish } = limitText(full, limit);
      completionTokens += tokensOf(text);
      choices.push({ index: p * n + i, text, finish });
    }
  }
  const promptTokens = texts.reduce((sum, text) => sum + tokensOf(text), 0);
  const head = {
    id: `cmpl-mock${ref}`,
    object: 'text_completion',
    created: nowSeconds(),
    model: responseModel(model),
    system_fingerprint: fingerprint(model),
  };
  const usage = usageOf(promptTokens, completionTokens);
  if (body.stream !== true) {
    sendJson(ex, 200, {
      ...head,
      choices: choices.map(c => ({
        text: c.text,
        index: c.index,
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
    choices: choice,
    ...(withUsage ? { usage: null } : {}),
    ...extra,
  });
  const frames: unknown[] = [];
  for (const c of choices) {
    const piece = (text: string, finish: string | null = null) =>
      chunk([{ text, index: c.index, logprobs: null, finish_reason: finish }]);
    for (const word of words(c.text)) frames.push(piece(word));
    frames.push(piece('', c.finish));
  }
  if (withUsage) frames.push(chunk([], { usage }));
  await sendStream(ex, frames, chunkDelayMs);
}
