// The attribute vocabularies (legacy OpenLLMetry names, latest GenAI semconv, or both) and the
// value mappings between Kong's names and semconv's (docs/design.md#semconv-modes).
import type { Operation } from '../genai/types';

export type SemconvMode = 'legacy' | 'latest' | 'both';

export const emitsLegacy = (mode: SemconvMode): boolean => mode !== 'latest';
export const emitsLatest = (mode: SemconvMode): boolean => mode !== 'legacy';

const LATEST_OPERATION: Record<Operation, string> = {
  chat: 'chat',
  completion: 'text_completion',
  embedding: 'embeddings',
};

/** `gen_ai.operation.name` for an operation (`llm.request.type` uses the Operation as is). */
export const latestOperationName = (operation: Operation): string => LATEST_OPERATION[operation];

// A Map, not an object: client-chosen names such as `__proto__` must not hit Object.prototype.
const LATEST_PROVIDER: ReadonlyMap<string, string> = new Map(
  Object.entries({
    openai: 'openai',
    azure: 'azure.ai.openai',
    anthropic: 'anthropic',
    cohere: 'cohere',
    mistral: 'mistral_ai',
    gemini: 'gcp.gemini',
    bedrock: 'aws.bedrock',
    deepseek: 'deepseek',
    xai: 'x_ai',
  }),
);

/**
 * `gen_ai.provider.name` for a Kong provider name. Gemini reached through Vertex AI (Kong's
 * `gemini` provider with a Vertex endpoint) is `gcp.vertex_ai`; unknown providers pass through.
 */
export function latestProviderName(provider: string, serverAddress?: string): string {
  if (provider === 'gemini' && serverAddress?.endsWith('aiplatform.googleapis.com')) {
    return 'gcp.vertex_ai';
  }
  return LATEST_PROVIDER.get(provider) ?? provider;
}
