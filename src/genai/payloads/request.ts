// Request payload (the provider-native body AI Proxy sent upstream) -> RequestFacts, per body shape.
import { parseAnthropicLegacyRequest } from './anthropic-legacy-request';
import { parseAnthropicRequest } from './anthropic-request';
import { parseBedrockRequest } from './bedrock-request';
import { parseCohereRequest } from './cohere-request';
import { parseGeminiRequest } from './gemini-request';
import { obj, type Obj } from './json';
import { parseOllamaRequest } from './ollama-request';
import { parseOpenAiRequest } from './openai-request';
import { parseRawRequest } from './raw-request';
import type { RequestFacts } from '../types';

/**
 * Facts of an already JSON-parsed request body. The body's shape decides the format, because Kong's
 * native-format routes (`llm_format`) can send any provider's format; `provider` (the Kong provider
 * name) only breaks ties between formats that look alike. Total: anything that is not an object
 * gives `{}`, and wrong-typed fields are absent.
 */
export function parseRequestPayload(body: unknown, provider: string): RequestFacts {
  const o = obj(body);
  if (o === undefined) return {};
  try {
    return parserFor(o, provider)(o);
  } catch {
    // The parsers do not throw on JSON data; this guards exotic inputs (getters, proxies) only.
    return {};
  }
}

function parserFor(o: Obj, provider: string): (body: Obj) => RequestFacts {
  if (o.contents != null) return parseGeminiRequest;
  if (o.inputs != null) return parseRawRequest;
  if (provider === 'cohere' || isCohere(o)) return parseCohereRequest;
  if (isConverse(o)) return parseBedrockRequest;
  if (provider === 'anthropic' || isAnthropic(o)) {
    return o.messages == null && typeof o.prompt === 'string'
      ? parseAnthropicLegacyRequest
      : parseAnthropicRequest;
  }
  if (obj(o.options) !== undefined) return parseOllamaRequest;
  return parseOpenAiRequest;
}

function isCohere(o: Obj): boolean {
  return (
    typeof o.message === 'string' ||
    o.chat_history != null ||
    o.preamble != null ||
    o.texts != null ||
    ((o.p != null || o.k != null) && o.prompt != null)
  );
}

/** Converse has its own config objects, and its content blocks are keyed by kind, never `type`d. */
function isConverse(o: Obj): boolean {
  if (o.inferenceConfig != null || o.toolConfig != null || o.additionalModelRequestFields != null) {
    return true;
  }
  const first = Array.isArray(o.messages) ? obj(o.messages[0]) : undefined;
  const block: unknown = Array.isArray(first?.content) ? first.content[0] : undefined;
  const b = obj(block);
  return b !== undefined && b.type === undefined;
}

function isAnthropic(o: Obj): boolean {
  return (
    o.anthropic_version != null ||
    o.max_tokens_to_sample != null ||
    o.stop_sequences != null ||
    (o.system != null && Array.isArray(o.messages))
  );
}
