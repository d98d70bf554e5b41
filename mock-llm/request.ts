// Request fields the OpenAI endpoints share, validated with OpenAI's error messages.
import { HttpError } from './http';
import { isRecord, type JsonObject } from './json';

const MAX_CHOICES = 10;

export function requireModel(body: JsonObject): string {
  if (typeof body.model !== 'string' || body.model === '') {
    throw new HttpError(400, 'you must provide a model parameter', 'model');
  }
  return body.model;
}

export function choiceCount(body: JsonObject): number {
  const n = body.n ?? 1;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_CHOICES) {
    throw new HttpError(400, `n must be an integer between 1 and ${MAX_CHOICES}`, 'n');
  }
  return n;
}

/** Like OpenAI, a stream ends with a usage chunk only when `stream_options.include_usage`. */
export function includeUsage(body: JsonObject): boolean {
  return isRecord(body.stream_options) && body.stream_options.include_usage === true;
}
