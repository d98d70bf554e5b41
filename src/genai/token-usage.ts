// Token counts of a call: Kong's `usage`, or the provider's own numbers when the logged response
// carries them (docs/design.md#token-rules: Kong recomputes total = prompt + completion and drops
// reasoning tokens).
import type { ProviderUsage, RequestMode, ResponseFacts, TokenDetails, TokenUsage } from './types';

/** Kong's `usage` table, both spellings (3.7 logged `prompt_token`/`completion_token`). */
export interface KongUsage {
  readonly promptTokens?: number;
  readonly completionTokens?: number;
  readonly totalTokens?: number;
  readonly cachedTokens?: number;
  readonly reasoningTokens?: number;
  readonly details?: TokenDetails;
  /** True when Kong logged `meta.request_mode` (EE 3.12+), which counts stream usage itself. */
  readonly modeLogged?: boolean;
}

/** Providers whose streams carry no token counts on Kong OSS, so Kong estimates them. */
const ESTIMATED_WHEN_STREAMED = new Set(['openai', 'azure', 'mistral', 'huggingface']);

export function tokenUsage(
  kong: KongUsage,
  response: ResponseFacts,
  provider: string,
  mode: RequestMode,
): TokenUsage {
  // Kong's composite stream payload carries Kong's own (estimated) usage, not the provider's.
  const provided: ProviderUsage | undefined = response.isKongStreamComposite
    ? undefined
    : response.usage;
  const estimated =
    mode === 'stream' &&
    kong.modeLogged !== true &&
    ESTIMATED_WHEN_STREAMED.has(provider) &&
    !hasCounts(provided);
  if (hasCounts(provided)) {
    const input = provided.inputTokens ?? kong.promptTokens;
    const output = provided.outputTokens ?? kong.completionTokens;
    return {
      inputTokens: input,
      outputTokens: output,
      totalTokens: provided.totalTokens ?? sum(input, output) ?? kong.totalTokens,
      cachedInputTokens: provided.cachedInputTokens ?? kong.cachedTokens,
      reasoningOutputTokens: provided.reasoningOutputTokens ?? kong.reasoningTokens,
      cacheCreationInputTokens: provided.cacheCreationInputTokens,
      details: provided.details ?? kong.details,
      estimated: false,
    };
  }
  return {
    inputTokens: kong.promptTokens,
    outputTokens: kong.completionTokens,
    totalTokens: kong.totalTokens ?? sum(kong.promptTokens, kong.completionTokens),
    cachedInputTokens: kong.cachedTokens,
    reasoningOutputTokens: kong.reasoningTokens,
    cacheCreationInputTokens: response.isKongStreamComposite
      ? undefined
      : response.usage?.cacheCreationInputTokens,
    details: kong.details,
    estimated,
  };
}

function hasCounts(usage: ProviderUsage | undefined): usage is ProviderUsage {
  return (
    usage !== undefined && (usage.inputTokens !== undefined || usage.outputTokens !== undefined)
  );
}

/** Undefined when both are unknown, or when absurd counts overflow to Infinity. */
function sum(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined && b === undefined) return undefined;
  const total = (a ?? 0) + (b ?? 0);
  return Number.isFinite(total) ? total : undefined;
}
