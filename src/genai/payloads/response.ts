// Response payload (Kong's OpenAI-format normalisation) -> ResponseFacts: ids, choices, usage, filters.
import { message } from './content';
import { arr, count, defined, jsonText, name, obj, str, type Obj } from './json';
import { readMessage } from './openai-messages';
import type {
  Choice,
  Message,
  Operation,
  ProviderUsage,
  ResponseFacts,
  TokenDetails,
} from '../types';

/** Facts of an already JSON-parsed response body. Total: non-objects give `{}`. */
export function parseResponsePayload(body: unknown): ResponseFacts {
  const o = obj(body);
  if (o === undefined) return {};
  try {
    return readResponse(o);
  } catch {
    // JSON data cannot make the readers throw; this guards exotic inputs (getters, proxies) only.
    return {};
  }
}

function readResponse(o: Obj): ResponseFacts {
  const data = arr(o.data);
  return defined<ResponseFacts>({
    id: name(o.id),
    model: name(o.model),
    operation: operationOf(o.object, data),
    choices: readChoices(o.choices) ?? anthropicChoices(o),
    systemFingerprint: name(o.system_fingerprint),
    usage: readUsage(obj(o.usage)),
    promptFilterResults: filterText(o.prompt_filter_results ?? o.prompt_annotations),
    embeddingDimension:
      data === undefined ? undefined : embeddingDimension(obj(data[0])?.embedding),
    // Kong's composite payload for streams adds the concatenated text as a top-level string.
    isKongStreamComposite: typeof o.response === 'string' ? true : undefined,
    serviceTier: name(o.service_tier) ?? name(obj(o.usage)?.service_tier),
  });
}

function operationOf(object: unknown, data: unknown[] | undefined): Operation | undefined {
  if (object === 'chat.completion' || object === 'chat.completion.chunk') return 'chat';
  if (object === 'text_completion') return 'completion';
  if (object !== 'list') return undefined;
  const first = obj(data?.[0]);
  return first?.object === 'embedding' || first?.embedding != null ? 'embedding' : undefined;
}

function readChoices(v: unknown): Choice[] | undefined {
  const items = arr(v);
  if (items === undefined || items.length === 0) return undefined;
  const out: Choice[] = [];
  for (let i = 0; i < items.length; i++) {
    const c = obj(items[i]);
    if (c === undefined) continue;
    out.push(
      defined<Choice>({
        index: count(c.index) ?? i,
        finishReason: name(c.finish_reason),
        message: choiceMessage(c),
        contentFilterResults: filterText(c.content_filter_results),
      }),
    );
  }
  return out.length === 0 ? undefined : out;
}

/**
 * A native Anthropic Messages response (EE 3.13+ `llm_format: anthropic` passes it through):
 * one choice from `content[]` text blocks and `stop_reason`.
 */
function anthropicChoices(o: Obj): Choice[] | undefined {
  if (o.type !== 'message') return undefined;
  const blocks = arr(o.content) ?? [];
  const texts = blocks
    .map(b => obj(b))
    .filter(b => b?.type === 'text')
    .map(b => str(b?.text))
    .filter((t): t is string => t !== undefined);
  return [
    defined<Choice>({
      index: 0,
      finishReason: name(o.stop_reason),
      message: texts.length === 0 ? undefined : message('assistant', texts.join('\n')),
    }),
  ];
}

/** Chat choices carry `message` (`delta` in chunks); text completions carry `text`. */
function choiceMessage(c: Obj): Message | undefined {
  const text = str(c.text);
  if (text !== undefined) return message('assistant', text);
  return readMessage(c.message ?? c.delta, 'assistant');
}

/** Azure content-filter verdicts are kept whole, as JSON text. */
function filterText(v: unknown): string | undefined {
  return obj(v) !== undefined || arr(v) !== undefined ? jsonText(v) : undefined;
}

function readUsage(u: Obj | undefined): ProviderUsage | undefined {
  if (u === undefined) return undefined;
  const inputDetails = obj(u.prompt_tokens_details ?? u.input_tokens_details);
  const outputDetails = obj(u.completion_tokens_details ?? u.output_tokens_details);
  // Anthropic's native usage counts only uncached input in `input_tokens`; cache reads and
  // writes come apart. The conventions' input tokens include them (docs/design.md#token-rules).
  const cacheRead = count(u.cache_read_input_tokens);
  const cacheWrite = count(u.cache_creation_input_tokens);
  const rawInput = count(u.prompt_tokens) ?? count(u.input_tokens);
  const input =
    rawInput === undefined || (cacheRead === undefined && cacheWrite === undefined)
      ? rawInput
      : finiteSum(rawInput, cacheRead ?? 0, cacheWrite ?? 0);
  const usage = defined<ProviderUsage>({
    // `input_tokens`/`output_tokens` are the Responses-API spellings of the same counts.
    inputTokens: input,
    outputTokens: count(u.completion_tokens) ?? count(u.output_tokens),
    totalTokens: count(u.total_tokens),
    cachedInputTokens: count(inputDetails?.cached_tokens) ?? cacheRead,
    reasoningOutputTokens: count(outputDetails?.reasoning_tokens),
    cacheCreationInputTokens: cacheWrite,
    details: tokenDetails(inputDetails, outputDetails),
  });
  return Object.keys(usage).length === 0 ? undefined : usage;
}

function finiteSum(...parts: number[]): number | undefined {
  const total = parts.reduce((a, b) => a + b, 0);
  return Number.isSafeInteger(total) ? total : undefined;
}

/** Per-modality and prediction details; Kong's reference spells audio `audio_tokens_count` too. */
export function tokenDetails(
  input: Obj | undefined,
  output: Obj | undefined,
): TokenDetails | undefined {
  const details = defined<TokenDetails>({
    inputText: count(input?.text_tokens),
    inputImage: count(input?.image_tokens) ?? count(input?.image_tokens_count),
    inputAudio: count(input?.audio_tokens) ?? count(input?.audio_tokens_count),
    outputText: count(output?.text_tokens),
    outputAudio: count(output?.audio_tokens) ?? count(output?.audio_tokens_count),
    acceptedPrediction: count(output?.accepted_prediction_tokens),
    rejectedPrediction: count(output?.rejected_prediction_tokens),
  });
  return Object.keys(details).length === 0 ? undefined : details;
}

/** Length of a float vector, or of a base64 `encoding_format` vector (4 bytes per float32). */
function embeddingDimension(v: unknown): number | undefined {
  const length = Array.isArray(v) ? v.length : base64Floats(v);
  return length !== undefined && length > 0 ? length : undefined;
}

function base64Floats(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  // Decoded size from the text length alone: no need to allocate the buffer.
  const padding = v.endsWith('==') ? 2 : v.endsWith('=') ? 1 : 0;
  return Math.floor(Math.floor(((v.length - padding) * 3) / 4) / 4);
}
