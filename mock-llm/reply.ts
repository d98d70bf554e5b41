// Pieces of a deterministic reply: the same request body always gets the same text and ids
// (hashes of the request), and the reply quotes the last user message so that redaction of
// prompts *and* completions can be observed. `created` is the real clock, as OpenAI's.
import { createHash } from 'node:crypto';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The quoted user text: whitespace folded, cut at 160 characters. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}

/** Splits text into stream deltas: one word (with its trailing space) per frame. */
export const words = (text: string): string[] => text.match(/\S+\s*|\s+/g) ?? [];
