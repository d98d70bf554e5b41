// LlmCall -> span name and attributes (docs/design.md#span-shape, #semconv-modes) for the
// configured vocabulary. No message content here: content goes through content-attributes.ts and
// redaction only.
import type { Attributes } from '@opentelemetry/api';

/** The OTLP attribute shapes this plugin writes (the API's `AttributeValue` is `unknown` since
 * 1.10).
 */
type AttributeScalar = string | number | boolean | string[] | number[];
import type { CallCost } from '../genai/cost';
import type { LlmCall, TokenDetails } from '../genai/types';
import * as K from './kong-attributes';
import * as S from './semconv';
import {
  emitsLatest,
  emitsLegacy,
  latestOperationName,
  latestProviderName,
  type SemconvMode,
} from './semconv-mode';

export function spanName(call: LlmCall, mode: SemconvMode): string {
  if (mode === 'legacy') return `${call.provider}.${call.operation}`;
  const operation = latestOperationName(call.operation);
  return call.requestModel === undefined ? operation : `${operation} ${call.requestModel}`;
}

/**
 * Strings the provider's response chose (ids, fingerprints, finish reasons, filter verdicts) are
 * not content but still hostile input: they are cut, so one span cannot carry megabytes of them.
 */
export const MAX_RESPONSE_STRING = 256;
export const MAX_FILTER_RESULTS = 4096;
const cut = (value: string | undefined, max = MAX_RESPONSE_STRING): string | undefined =>
  value === undefined || value.length <= max ? value : value.slice(0, max);
/** JSON verdicts are dropped rather than cut: cut JSON would not parse. */
const within = (json: string | undefined): string | undefined =>
  json === undefined || json.length <= MAX_FILTER_RESULTS ? json : undefined;

export function spanAttributes(
  call: LlmCall,
  mode: SemconvMode,
  cost: CallCost | undefined,
): Attributes {
  const a: Attributes = {};
  const set = (key: string, value: AttributeScalar | undefined): void => {
    if (value !== undefined) a[key] = value;
  };
  const { request: req, response: res, usage, server, kong } = call;

  set(S.ATTR_GEN_AI_REQUEST_MODEL, call.requestModel);
  set(S.ATTR_GEN_AI_RESPONSE_MODEL, call.responseModel);
  set(S.ATTR_GEN_AI_REQUEST_MAX_TOKENS, req.maxTokens);
  set(S.ATTR_GEN_AI_REQUEST_TEMPERATURE, req.temperature);
  set(S.ATTR_GEN_AI_REQUEST_TOP_P, req.topP);
  set(S.ATTR_GEN_AI_RESPONSE_ID, cut(res.id));
  set(S.ATTR_SERVER_ADDRESS, server.address);
  set(S.ATTR_SERVER_PORT, server.address === undefined ? undefined : server.port);
  set(K.ATTR_KONG_ROUTE_NAME, kong.routeName);
  set(K.ATTR_KONG_ROUTE_ID, kong.routeId);
  set(K.ATTR_KONG_SERVICE_NAME, kong.serviceName);
  set(K.ATTR_KONG_SERVICE_ID, kong.serviceId);
  set(K.ATTR_KONG_CONSUMER_USERNAME, kong.consumerUsername);
  set(K.ATTR_KONG_AUTH_CONSUMER_NAME, kong.consumerUsername);
  set(K.ATTR_KONG_CONSUMER_ID, kong.consumerId);
  set(K.ATTR_KONG_WORKSPACE_NAME, kong.workspaceName);
  set(K.ATTR_KONG_REQUEST_ID, kong.requestId);
  set(K.ATTR_KONG_PLUGIN_ID, kong.pluginId);
  set(K.ATTR_KONG_GEN_AI_REQUEST_MODE, call.mode);
  if (usage.estimated) set(K.ATTR_KONG_GEN_AI_USAGE_ESTIMATED, true);
  if (cost !== undefined) {
    // No invented name in the conventions' namespace in `latest` (docs/design.md#semconv-modes):
    // there the cost is ours; `legacy` and `both` keep the de-facto `gen_ai.usage.cost`.
    if (emitsLegacy(mode)) set(K.ATTR_GEN_AI_USAGE_COST, cost.value);
    if (emitsLatest(mode)) set(K.ATTR_KONG_GEN_AI_USAGE_COST, cost.value);
    set(K.ATTR_KONG_GEN_AI_COST_SOURCE, cost.source);
  }
  if (call.outcome.isError) set(S.ATTR_ERROR_TYPE, call.outcome.errorType);
  // Azure content-filter verdicts are not content: emitted in every mode whenever present, under
  // OpenLLMetry's names in `legacy`/`both` and ours in `latest`.
  const filterPrefix = emitsLegacy(mode) ? S.LEGACY_COMPLETION_PREFIX : K.KONG_GEN_AI_CHOICE_PREFIX;
  set(
    emitsLegacy(mode)
      ? S.ATTR_GEN_AI_PROMPT_FILTER_RESULTS
      : K.ATTR_KONG_GEN_AI_PROMPT_FILTER_RESULTS,
    within(res.promptFilterResults),
  );
  res.choices?.forEach(choice => {
    set(
      `${filterPrefix}.${choice.index}.content_filter_results`,
      within(choice.contentFilterResults),
    );
  });
  usageDetails(usage, set);
  set(K.ATTR_KONG_GEN_AI_UPSTREAM_ROUTE_TYPE, call.routeType);
  if (call.failedAttempts !== undefined) {
    set(K.ATTR_KONG_GEN_AI_UPSTREAM_FAILED_ATTEMPTS, call.failedAttempts.length);
  }

  if (emitsLegacy(mode)) {
    set(S.ATTR_GEN_AI_SYSTEM, call.provider);
    set(S.ATTR_LLM_REQUEST_TYPE, call.operation);
    set(S.ATTR_GEN_AI_USAGE_PROMPT_TOKENS, usage.inputTokens);
    set(S.ATTR_GEN_AI_USAGE_COMPLETION_TOKENS, usage.outputTokens);
    set(S.ATTR_LLM_USAGE_TOTAL_TOKENS, usage.totalTokens);
    set(S.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_LEGACY, usage.cachedInputTokens);
    set(S.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_LEGACY, usage.cacheCreationInputTokens);
    set(S.ATTR_GEN_AI_OPENAI_API_BASE, server.apiBase);
    set(S.ATTR_GEN_AI_OPENAI_API_VERSION, server.apiVersion);
    set(S.ATTR_GEN_AI_OPENAI_SYSTEM_FINGERPRINT, cut(res.systemFingerprint));
    set(S.ATTR_LLM_IS_STREAMING, call.mode === 'stream');
    res.choices?.forEach(choice => {
      set(`${S.LEGACY_COMPLETION_PREFIX}.${choice.index}.finish_reason`, cut(choice.finishReason));
    });
  }

  if (emitsLatest(mode)) {
    set(S.ATTR_GEN_AI_OPERATION_NAME, latestOperationName(call.operation));
    set(S.ATTR_GEN_AI_PROVIDER_NAME, latestProviderName(call.provider, server.address));
    set(S.ATTR_GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokens);
    set(S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokens);
    set(S.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.cachedInputTokens);
    set(S.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, usage.reasoningOutputTokens);
    set(S.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, usage.cacheCreationInputTokens);
    set(S.ATTR_GEN_AI_REQUEST_ENCODING_FORMATS, req.encodingFormats?.slice());
    set(S.ATTR_GEN_AI_OUTPUT_TYPE, req.outputType);
    set(S.ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT, cut(res.systemFingerprint));
    // The `openai.*` names describe OpenAI's API (OpenAI and Azure OpenAI); other providers' tiers
    // (Anthropic `usage.service_tier`) are ours.
    if (OPENAI_API_PROVIDERS.has(call.provider)) {
      set(S.ATTR_OPENAI_REQUEST_SERVICE_TIER, req.serviceTier);
      set(S.ATTR_OPENAI_RESPONSE_SERVICE_TIER, res.serviceTier);
    } else {
      set(K.ATTR_KONG_GEN_AI_RESPONSE_SERVICE_TIER, res.serviceTier);
    }
    set(S.ATTR_GEN_AI_REQUEST_TOP_K, req.topK);
    set(S.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, req.frequencyPenalty);
    set(S.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, req.presencePenalty);
    // Stop sequences are user text: content-attributes.ts exports them, redacted, with capture on.
    set(S.ATTR_GEN_AI_REQUEST_SEED, req.seed);
    set(S.ATTR_GEN_AI_REQUEST_CHOICE_COUNT, req.choiceCount !== 1 ? req.choiceCount : undefined);
    if (call.mode === 'stream') set(S.ATTR_GEN_AI_REQUEST_STREAM, true);
    set(S.ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, res.embeddingDimension);
    const reasons = res.choices
      ?.map(c => cut(c.finishReason))
      .filter((r): r is string => r !== undefined);
    if (reasons !== undefined && reasons.length > 0)
      set(S.ATTR_GEN_AI_RESPONSE_FINISH_REASONS, reasons);
    if (call.timing.timeToFirstTokenMs !== undefined) {
      set(S.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, call.timing.timeToFirstTokenMs / 1000);
    }
  }
  return a;
}

const OPENAI_API_PROVIDERS: ReadonlySet<string> = new Set(['openai', 'azure']);

/** Token details without a conventions name (audio, text, image, predictions), in every mode. */
const DETAIL_NAMES: readonly (readonly [keyof TokenDetails, string])[] = [
  ['inputText', 'input_text_tokens'],
  ['inputImage', 'input_image_tokens'],
  ['inputAudio', 'input_audio_tokens'],
  ['outputText', 'output_text_tokens'],
  ['outputAudio', 'output_audio_tokens'],
  ['acceptedPrediction', 'accepted_prediction_tokens'],
  ['rejectedPrediction', 'rejected_prediction_tokens'],
];

function usageDetails(
  usage: LlmCall['usage'],
  set: (key: string, value: AttributeScalar | undefined) => void,
): void {
  const details = usage.details;
  if (details === undefined) return;
  for (const [field, suffix] of DETAIL_NAMES) {
    set(`${K.KONG_GEN_AI_USAGE_PREFIX}.${suffix}`, details[field]);
  }
}
