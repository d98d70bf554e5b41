// How a call's logged payloads become facts (docs/design.md#payload-readers): `fullPayloads` parses
// them whole (content capture on); `factsOnlyPayloads` skips conversation content it would drop
// anyway and returns the same facts without the content fields (capture off).
import { obj, parseJsonText } from './json';
import { parseRequestPayload } from './request';
import { parseResponsePayload } from './response';
import { parseSkeletonJson } from './skeleton-json';
import type { Choice, RequestFacts, ResponseFacts } from '../types';

export interface PayloadReader {
  /** Facts of a logged request payload: JSON text, or a table already decoded. */
  request(value: unknown, provider: string): RequestFacts;
  response(value: unknown): ResponseFacts;
}

/** Payloads are JSON text in the log; tolerate an already-decoded table too. */
function payloadValue(value: unknown, parse: (text: string) => unknown): unknown {
  if (typeof value === 'string') return parse(value);
  return obj(value);
}

export const fullPayloads: PayloadReader = {
  request(value, provider) {
    const body = payloadValue(value, parseJsonText);
    return body === undefined ? {} : parseRequestPayload(body, provider);
  },
  response(value) {
    const body = payloadValue(value, parseJsonText);
    return body === undefined ? {} : parseResponsePayload(body);
  },
};

/** The request facts that are conversation content, exported only when capture is on. */
const REQUEST_CONTENT = ['messages', 'systemInstructions', 'tools', 'embeddingsInput'] as const;

export function withoutRequestContent(facts: RequestFacts): RequestFacts {
  const rest: Record<string, unknown> = { ...facts };
  for (const key of REQUEST_CONTENT) delete rest[key];
  return rest;
}

export function withoutResponseContent(facts: ResponseFacts): ResponseFacts {
  if (facts.choices === undefined) return facts;
  return {
    ...facts,
    choices: facts.choices.map(choice => {
      const rest: { -readonly [K in keyof Choice]: Choice[K] } = { ...choice };
      delete rest.message;
      return rest;
    }),
  };
}

/**
 * Below this many characters JSON.parse (native, no per-token calls) is cheaper than skipping;
 * above it, not materialising the conversation wins (measured by bench/profile.ts).
 */
export const SKIM_MIN_CHARS = 128 * 1024;

/** Facts without content; payloads of `minChars` characters or more are skimmed, not parsed. */
export function factsOnlyReader(minChars: number): PayloadReader {
  const parse = (text: string): unknown =>
    text.length < minChars ? parseJsonText(text) : parseSkeletonJson(text);
  return {
    request(value, provider) {
      const body = payloadValue(value, parse);
      return body === undefined ? {} : withoutRequestContent(parseRequestPayload(body, provider));
    },
    response(value) {
      const body = payloadValue(value, parse);
      return body === undefined ? {} : withoutResponseContent(parseResponsePayload(body));
    },
  };
}

export const factsOnlyPayloads: PayloadReader = factsOnlyReader(SKIM_MIN_CHARS);
