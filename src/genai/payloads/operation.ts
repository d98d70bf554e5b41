// Operation implied by the provider path AI Proxy called (`upstream_uri`), the last resort
// (docs/design.md#provider-knowledge).
import type { Operation } from '../types';

// Keyed by the last path segment (lower case); a Map so that `constructor` & co. are not found.
const BY_SEGMENT: ReadonlyMap<string, Operation> = new Map<string, Operation>([
  ['completions', 'completion'], // `/chat/completions` is handled before the lookup
  ['embeddings', 'embedding'], // OpenAI, Azure, Mistral, Ollama legacy `/api/embeddings`
  ['embed', 'embedding'], // Cohere `/v1/embed`, `/v2/embed`, Ollama `/api/embed`
  ['messages', 'chat'], // Anthropic `/v1/messages`
  ['complete', 'completion'], // Anthropic legacy `/v1/complete`
  ['converse', 'chat'], // Bedrock `/model/{id}/converse`
  ['converse-stream', 'chat'],
  ['chat', 'chat'], // Cohere `/v1/chat`, `/v2/chat`, Ollama `/api/chat`
  ['generate', 'completion'], // Cohere `/v1/generate`, Ollama `/api/generate`
  ['responses', 'chat'], // OpenAI Responses API (`llm/v1/responses`)
]);

// Gemini and Vertex name the method after a colon: `/models/gemini-pro:generateContent`.
const BY_METHOD: ReadonlyMap<string, Operation> = new Map<string, Operation>([
  ['generatecontent', 'chat'],
  ['streamgeneratecontent', 'chat'],
  ['embedcontent', 'embedding'],
  ['batchembedcontents', 'embedding'],
  ['rawpredict', 'chat'], // Vertex partner models (Anthropic Messages bodies)
  ['streamrawpredict', 'chat'],
]);

export function operationFromPath(upstreamUri: string | undefined): Operation | undefined {
  if (typeof upstreamUri !== 'string') return undefined;
  const path = pathOf(upstreamUri).toLowerCase();
  const segments = path.split('/').filter(s => s !== '');
  const last = segments[segments.length - 1];
  if (last === undefined) return undefined;
  const colon = last.lastIndexOf(':');
  if (colon >= 0) return BY_METHOD.get(last.slice(colon + 1));
  if (last === 'completions' && segments[segments.length - 2] === 'chat') return 'chat';
  return BY_SEGMENT.get(last);
}

/** The path without query string or fragment (Azure adds `?api-version=...`). */
function pathOf(uri: string): string {
  const end = uri.search(/[?#]/);
  return end < 0 ? uri : uri.slice(0, end);
}
