// Token counts, estimated like OpenAI's: ~4 characters a token, +4 per chat message, +3 reply
// priming, 85 per image part; `max_completion_tokens`/`max_tokens` cut the reply (`length`).
import { isRecord, type JsonObject } from './json';

export const IMAGE_TOKENS = 85;

/** About 4 characters a token, as OpenAI's rule of thumb; empty text is 0 tokens. */
export const tokensOf = (text: string): number => Math.ceil(text.length / 4);

/** Text of a chat `content`: a string, or the text parts of an array; images counted apart. */
export function contentText(content: unknown): { text: string; images: number } {
  if (typeof content === 'string') return { text: content, images: 0 };
  if (!Array.isArray(content)) return { text: '', images: 0 };
  let text = '';
  let images = 0;
  for (const part of content) {
    if (!isRecord(part)) continue;
    if (typeof part.text === 'string') text += part.text;
    else if (part.type === 'image_url' || part.type === 'input_image') images += 1;
  }
  return { text, images };
}

/** `max_completion_tokens` (current) or `max_tokens` (legacy, what Kong's ai-proxy sets). */
export function maxTokens(body: JsonObject): number | undefined {
  const value = body.max_completion_tokens ?? body.max_tokens;
  return typeof value === 'number' && value > 0 ? Math.floor(value) : undefined;
}

/** Cuts `text` to `limit` tokens; `length` is OpenAI's finish reason for that. */
export function limitText(
  text: string,
  limit: number | undefined,
): { text: string; finish: string } {
  if (limit === undefined || tokensOf(text) <= limit) return { text, finish: 'stop' };
  return { text: text.slice(0, limit * 4), finish: 'length' };
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

/** OpenAI's chat/completions `usage` object, with the detail counts at 0. */
export const usageOf = (prompt: number, completion: number): Usage => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
});
