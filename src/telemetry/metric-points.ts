// LlmCall -> the metric points of both families (contract §3), as plain data so the mapping is
// testable without an SDK; recordMetricPoints() then feeds them to one or more instrument sets.
import type { Attributes } from '@opentelemetry/api';
import type { METRIC_FAMILIES } from '../../schemas/config';
import type { CallCost } from '../genai/cost';
import type { LlmCall } from '../genai/types';
import * as K from './kong-attributes';
import {
  INSTRUMENT_SPECS,
  METRIC_AI_CACHE_EMBEDDINGS_LATENCY,
  METRIC_AI_CACHE_FETCH_LATENCY,
  METRIC_AI_LLM_COST_TOTAL,
  METRIC_AI_LLM_PROVIDER_LATENCY_MS,
  METRIC_AI_LLM_REQUESTS_TOTAL,
  METRIC_AI_LLM_TOKENS_TOTAL,
  type CounterName,
  type HistogramName,
  type InstrumentName,
  type MetricInstruments,
} from './metric-instruments';
import * as S from './semconv';
import {
  emitsLegacy,
  latestOperationName,
  latestProviderName,
  type SemconvMode,
} from './vocabulary';

export type MetricFamily = (typeof METRIC_FAMILIES)[number];

export interface MetricPoint {
  readonly instrument: InstrumentName;
  readonly value: number;
  readonly attributes: Attributes;
}

export interface MetricPointOptions {
  readonly mode: SemconvMode;
  readonly families: ReadonlySet<MetricFamily>;
  readonly consumerInMetrics: boolean;
  /** Resolved cost of the call; undefined: Kong's own `usage.cost` (`call.kongCost`). */
  readonly cost?: number;
  readonly costSource?: CallCost['source'];
}

/** Kong's `token_type` label values (§3.2). */
const KONG_TOKEN_TYPES = ['prompt_tokens', 'completion_tokens', 'total_tokens'] as const;

export function metricPointsFor(call: LlmCall, opts: MetricPointOptions): MetricPoint[] {
  const points: MetricPoint[] = [];
  const cost = opts.cost ?? call.kongCost;
  const costSource =
    opts.costSource ?? (opts.cost === undefined && cost !== undefined ? 'kong' : undefined);
  if (opts.families.has('gen_ai')) pushGenAiPoints(points, call, opts, cost, costSource);
  if (opts.families.has('kong')) pushKongPoints(points, call, opts.consumerInMetrics, cost);
  return points;
}

/** Records each point on every instrument set (the OTLP pipeline and, when on, Prometheus). */
export function recordMetricPoints(
  points: readonly MetricPoint[],
  targets: MetricInstruments | readonly MetricInstruments[],
): void {
  const sets: readonly MetricInstruments[] = Array.isArray(targets)
    ? (targets as readonly MetricInstruments[])
    : [targets as MetricInstruments];
  for (const set of sets) {
    for (const p of points) {
      if (INSTRUMENT_SPECS[p.instrument].kind === 'counter') {
        set[p.instrument as CounterName].add(p.value, p.attributes);
      } else {
        set[p.instrument as HistogramName].record(p.value, p.attributes);
      }
    }
  }
}

// Non-finite or negative values are never measurements (and would poison sums or be rejected).
function push(
  points: MetricPoint[],
  instrument: InstrumentName,
  value: number,
  attributes: Attributes,
): void {
  if (Number.isFinite(value) && value >= 0) points.push({ instrument, value, attributes });
}

function pushGenAiPoints(
  points: MetricPoint[],
  call: LlmCall,
  opts: MetricPointOptions,
  cost: number | undefined,
  costSource: CallCost['source'] | undefined,
): void {
  const { usage, timing, outcome, response } = call;
  // Attribute sets per the §3.1 table: every set starts from provider + models (+ consumer).
  const models: Attributes = {
    [S.ATTR_GEN_AI_PROVIDER_NAME]: latestProviderName(call.provider, call.server.address),
  };
  if (emitsLegacy(opts.mode)) models[S.ATTR_GEN_AI_SYSTEM] = call.provider;
  if (call.requestModel !== undefined) models[S.ATTR_GEN_AI_REQUEST_MODEL] = call.requestModel;
  if (call.responseModel !== undefined) models[S.ATTR_GEN_AI_RESPONSE_MODEL] = call.responseModel;
  if (opts.consumerInMetrics && call.kong.consumerUsername !== undefined) {
    models[K.ATTR_KONG_AUTH_CONSUMER_NAME] = call.kong.consumerUsername;
  }
  const withOperation: Attributes = {
    [S.ATTR_GEN_AI_OPERATION_NAME]: latestOperationName(call.operation),
    ...models,
  };
  const withServer: Attributes =
    call.server.address === undefined
      ? withOperation
      : { ...withOperation, [S.ATTR_SERVER_ADDRESS]: call.server.address };

  // Error responses carry no usage: Kong's zero counts there are not measurements.
  const tokensKnown = (n: number | undefined): n is number =>
    n !== undefined && (n > 0 || !outcome.isError);
  if (tokensKnown(usage.inputTokens)) {
    push(points, S.METRIC_GEN_AI_CLIENT_TOKEN_USAGE, usage.inputTokens, {
      ...withServer,
      [S.ATTR_GEN_AI_TOKEN_TYPE]: 'input',
    });
  }
  // Embeddings produce no output tokens; Kong's 0 there would skew the output distribution.
  if (call.operation !== 'embedding' && tokensKnown(usage.outputTokens)) {
    push(points, S.METRIC_GEN_AI_CLIENT_TOKEN_USAGE, usage.outputTokens, {
      ...withServer,
      [S.ATTR_GEN_AI_TOKEN_TYPE]: 'output',
    });
  }

  push(
    points,
    S.METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
    timing.durationMs / 1000,
    outcome.isError
      ? { ...withServer, [S.ATTR_ERROR_TYPE]: outcome.errorType ?? S.ERROR_TYPE_VALUE_OTHER }
      : withServer,
  );

  // Streaming timings describe generated tokens; a failed stream produced none.
  if (call.mode === 'stream' && !outcome.isError) {
    if (timing.timeToFirstTokenMs !== undefined) {
      push(
        points,
        S.METRIC_GEN_AI_SERVER_TIME_TO_FIRST_TOKEN,
        timing.timeToFirstTokenMs / 1000,
        withOperation,
      );
    }
    const out = usage.outputTokens;
    if (timing.generationMs !== undefined && out !== undefined && out > 1) {
      const perToken = timing.generationMs / Math.max(out - 1, 1) / 1000;
      push(points, S.METRIC_GEN_AI_SERVER_TIME_PER_OUTPUT_TOKEN, perToken, withOperation);
    }
  }

  // One add per choice: the choice count is the number of adds, never a separate total.
  for (const choice of response.choices ?? []) {
    push(
      points,
      S.METRIC_GEN_AI_CLIENT_GENERATION_CHOICES,
      1,
      choice.finishReason === undefined
        ? withOperation
        : { ...withOperation, [S.ATTR_GEN_AI_RESPONSE_FINISH_REASON]: choice.finishReason },
    );
  }

  if (call.operation === 'embedding' && response.embeddingDimension !== undefined) {
    push(points, S.METRIC_LLM_OPENAI_EMBEDDINGS_VECTOR_SIZE, response.embeddingDimension, models);
  }

  if (cost !== undefined && cost > 0) {
    const attributes: Attributes = { ...models };
    if (call.cache?.status !== undefined)
      attributes[K.ATTR_KONG_GEN_AI_CACHE_STATUS] = call.cache.status;
    if (costSource !== undefined) attributes[K.ATTR_KONG_GEN_AI_COST_SOURCE] = costSource;
    push(points, K.METRIC_KONG_GEN_AI_LLM_COST, cost, attributes);
  }
}

function pushKongPoints(
  points: MetricPoint[],
  call: LlmCall,
  consumerInMetrics: boolean,
  cost: number | undefined,
): void {
  const cache = call.cache;
  // Kong's labels, in Kong's order; Kong writes '' for what it does not know.
  const labels: Attributes = {
    ai_provider: call.provider,
    ai_model: call.requestModel ?? '',
    cache_status: cache?.status ?? '',
    vector_db: cache?.vectorDb ?? '',
    embeddings_provider: cache?.embeddingsProvider ?? '',
    embeddings_model: cache?.embeddingsModel ?? '',
    workspace: call.kong.workspaceName ?? '',
  };
  if (consumerInMetrics) labels.consumer = call.kong.consumerUsername ?? '';

  push(points, METRIC_AI_LLM_REQUESTS_TOTAL, 1, labels);
  if (cost !== undefined && cost > 0) push(points, METRIC_AI_LLM_COST_TOTAL, cost, labels);

  const { inputTokens, outputTokens, totalTokens } = call.usage;
  const counts = [
    inputTokens,
    outputTokens,
    totalTokens ?? (inputTokens ?? 0) + (outputTokens ?? 0),
  ] as const;
  KONG_TOKEN_TYPES.forEach((tokenType, i) => {
    const n = counts[i];
    if (n !== undefined && n > 0) {
      push(points, METRIC_AI_LLM_TOKENS_TOTAL, n, { ...labels, token_type: tokenType });
    }
  });

  push(points, METRIC_AI_LLM_PROVIDER_LATENCY_MS, call.timing.durationMs, labels);
  if (cache?.fetchLatencyMs !== undefined) {
    push(points, METRIC_AI_CACHE_FETCH_LATENCY, cache.fetchLatencyMs, labels);
  }
  if (cache?.embeddingsLatencyMs !== undefined) {
    push(points, METRIC_AI_CACHE_EMBEDDINGS_LATENCY, cache.embeddingsLatencyMs, labels);
  }
}
