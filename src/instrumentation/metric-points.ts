// LlmCall -> the metric points of both families (docs/design.md#metric-families), as plain data so
// the mapping is testable without an SDK; recordMetricPoints() then feeds them to one or more
// instrument sets.
import type { Attributes } from '@opentelemetry/api';
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
  emitsLatest,
  emitsLegacy,
  latestOperationName,
  latestProviderName,
  type SemconvMode,
} from './semconv-mode';

/** The two metric vocabularies: OpenTelemetry GenAI names and Kong's Prometheus AI names. */
export const METRIC_FAMILIES = ['gen_ai', 'kong'] as const;
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

/** Kong's `token_type` label values (as Kong's Prometheus plugin writes them). */
const KONG_TOKEN_TYPES = ['prompt_tokens', 'completion_tokens', 'total_tokens'] as const;

export function metricPointsFor(call: LlmCall, opts: MetricPointOptions): MetricPoint[] {
  const points: MetricPoint[] = [];
  const sets = attributeSetsFor(call, opts);
  const cost = opts.cost ?? call.kongCost;
  const costSource =
    opts.costSource ?? (opts.cost === undefined && cost !== undefined ? 'kong' : undefined);
  if (opts.families.has('gen_ai')) pushGenAiPoints(points, call, sets, cost, costSource, opts);
  if (opts.families.has('kong')) pushKongPoints(points, call, sets, cost);
  return points;
}

/** Records each point on every instrument set (the OTLP pipeline and, when on, Prometheus). */
export function recordMetricPoints(
  points: readonly MetricPoint[],
  targets: readonly MetricInstruments[],
): void {
  for (const set of targets) {
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
function push(points: MetricPoint[], name: InstrumentName, value: number, attrs: Attributes): void {
  if (Number.isFinite(value) && value >= 0) {
    points.push({ instrument: name, value, attributes: attrs });
  }
}

function pushGenAiPoints(
  points: MetricPoint[],
  call: LlmCall,
  sets: AttributeSets,
  cost: number | undefined,
  costSource: CallCost['source'] | undefined,
  opts: MetricPointOptions,
): void {
  const { usage, timing, outcome } = call;
  // Error responses carry no usage: Kong's zero counts there are not measurements.
  const tokensKnown = (n: number | undefined): n is number =>
    n !== undefined && (n > 0 || !outcome.isError);
  if (tokensKnown(usage.inputTokens)) {
    push(points, S.METRIC_GEN_AI_CLIENT_TOKEN_USAGE, usage.inputTokens, sets.tokenInput);
  }
  // Embeddings produce no output tokens; Kong's 0 there would skew the output distribution.
  if (call.operation !== 'embedding' && tokensKnown(usage.outputTokens)) {
    push(points, S.METRIC_GEN_AI_CLIENT_TOKEN_USAGE, usage.outputTokens, sets.tokenOutput);
  }

  const duration = outcome.isError
    ? variant(sets, 'server', S.ATTR_ERROR_TYPE, outcome.errorType ?? S.ERROR_TYPE_VALUE_OTHER)
    : sets.server;
  push(points, S.METRIC_GEN_AI_CLIENT_OPERATION_DURATION, timing.durationMs / 1000, duration);

  // Streaming timings describe generated tokens; a failed stream produced none. `latest` uses the
  // conventions' client chunk metrics; the server-named ones stay in `legacy` (and `both`) for the
  // dashboards built on them (Kong 3.14's own OTLP export uses those names too).
  if (call.mode === 'stream' && !outcome.isError) {
    const ttft =
      timing.timeToFirstTokenMs === undefined ? undefined : timing.timeToFirstTokenMs / 1000;
    const out = usage.outputTokens;
    const perToken =
      timing.generationMs !== undefined && out !== undefined && out > 1
        ? timing.generationMs / Math.max(out - 1, 1) / 1000
        : undefined;
    if (emitsLegacy(opts.mode)) {
      if (ttft !== undefined) {
        push(points, S.METRIC_GEN_AI_SERVER_TIME_TO_FIRST_TOKEN, ttft, sets.operation);
      }
      if (perToken !== undefined) {
        push(points, S.METRIC_GEN_AI_SERVER_TIME_PER_OUTPUT_TOKEN, perToken, sets.operation);
      }
    }
    if (emitsLatest(opts.mode)) {
      if (ttft !== undefined) {
        push(points, S.METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, ttft, sets.server);
      }
      if (perToken !== undefined) {
        push(points, S.METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK, perToken, sets.server);
      }
    }
  }

  // The two OpenLLMetry metrics are not in the conventions: `legacy` and `both` only.
  if (emitsLegacy(opts.mode)) pushOpenLlmetryPoints(points, call, sets);

  if (cost !== undefined && cost > 0) {
    const attributes =
      costSource === undefined
        ? sets.cost
        : variant(sets, 'cost', K.ATTR_KONG_GEN_AI_COST_SOURCE, costSource);
    push(points, K.METRIC_KONG_GEN_AI_LLM_COST, cost, attributes);
  }
}

function pushOpenLlmetryPoints(points: MetricPoint[], call: LlmCall, sets: AttributeSets): void {
  const { response } = call;
  // One add per choice: the choice count is the number of adds, never a separate total.
  for (const choice of response.choices ?? []) {
    const attributes =
      choice.finishReason === undefined
        ? sets.operation
        : variant(sets, 'operation', S.ATTR_LLM_RESPONSE_FINISH_REASON, choice.finishReason);
    push(points, S.METRIC_GEN_AI_CLIENT_GENERATION_CHOICES, 1, attributes);
  }

  if (call.operation === 'embedding' && response.embeddingDimension !== undefined) {
    push(
      points,
      S.METRIC_LLM_OPENAI_EMBEDDINGS_VECTOR_SIZE,
      response.embeddingDimension,
      sets.models,
    );
  }
}

function pushKongPoints(
  points: MetricPoint[],
  call: LlmCall,
  sets: AttributeSets,
  cost: number | undefined,
): void {
  push(points, METRIC_AI_LLM_REQUESTS_TOTAL, 1, sets.kong);
  if (cost !== undefined && cost > 0) push(points, METRIC_AI_LLM_COST_TOTAL, cost, sets.kong);

  const { inputTokens: input, outputTokens: output, totalTokens } = call.usage;
  // Kong's total is prompt + completion when the provider gave none.
  const counts = [input, output, totalTokens ?? (input ?? 0) + (output ?? 0)];
  for (let i = 0; i < KONG_TOKEN_TYPES.length; i++) {
    const n = counts[i];
    if (n !== undefined && n > 0) push(points, METRIC_AI_LLM_TOKENS_TOTAL, n, sets.kongTokens[i]!);
  }

  // Kong records `meta.llm_latency` as logged, streams included, and nothing when it is absent.
  const llmLatency = call.timing.llmLatencyMs;
  if (llmLatency !== undefined)
    push(points, METRIC_AI_LLM_PROVIDER_LATENCY_MS, llmLatency, sets.kong);
  const cache = call.cache;
  if (cache?.fetchLatencyMs !== undefined) {
    push(points, METRIC_AI_CACHE_FETCH_LATENCY, cache.fetchLatencyMs, sets.kong);
  }
  if (cache?.embeddingsLatencyMs !== undefined) {
    push(points, METRIC_AI_CACHE_EMBEDDINGS_LATENCY, cache.embeddingsLatencyMs, sets.kong);
  }
}

// Attribute sets, cached: building 10+ objects per call cost more than the mapping itself. Calls
// with equal dimensions share frozen objects (the SDK keeps them as series keys: never mutate).

/** The attribute sets of both metric families for one combination of call dimensions. */
interface AttributeSets {
  /** Provider(s) + models (+ consumer): vector size. */
  readonly models: Attributes;
  /** + operation: time to first token, time per output token, choices. */
  readonly operation: Attributes;
  /** + server.address: token usage, duration. */
  readonly server: Attributes;
  readonly tokenInput: Attributes;
  readonly tokenOutput: Attributes;
  /** models + cache status: cost. */
  readonly cost: Attributes;
  readonly kong: Attributes;
  /** Kong labels (without `request_mode`, as in Kong) + token_type, in KONG_TOKEN_TYPES order. */
  readonly kongTokens: readonly Attributes[];
  /** One-attribute extensions (error.type, finish reason, cost source), built on first use. */
  readonly variants: Map<string, Attributes>;
}

const MAX_CACHED_SETS = 1024;
const MAX_VARIANTS = 64;
const cache = new Map<string, AttributeSets>();

/** Length-prefixed, so no two different dimension lists share a key whatever their text. */
const part = (value: string | undefined): string =>
  value === undefined ? '~' : `${value.length}:${value}`;

function attributeSetsFor(call: LlmCall, opts: MetricPointOptions): AttributeSets {
  const consumer = opts.consumerInMetrics ? call.kong.consumerUsername : undefined;
  const c = call.cache;
  const key =
    opts.mode +
    (opts.consumerInMetrics ? '+' : '-') +
    part(call.provider) +
    call.operation +
    part(call.requestModel) +
    part(call.responseModel) +
    part(call.server.address) +
    part(call.server.port === undefined ? undefined : String(call.server.port)) +
    part(consumer) +
    part(c?.status) +
    part(c?.vectorDb) +
    part(c?.embeddingsProvider) +
    part(c?.embeddingsModel) +
    part(call.kong.workspaceName) +
    part(call.kongRequestMode);
  let sets = cache.get(key);
  if (sets === undefined) {
    // Bounded: dimensions come from traffic; the SDK bounds the series themselves.
    if (cache.size >= MAX_CACHED_SETS) cache.clear();
    sets = buildAttributeSets(call, opts.mode, opts.consumerInMetrics, consumer);
    cache.set(key, sets);
  }
  return sets;
}

function buildAttributeSets(
  call: LlmCall,
  mode: SemconvMode,
  consumerInMetrics: boolean,
  consumer: string | undefined,
): AttributeSets {
  const models: Attributes = {
    [S.ATTR_GEN_AI_PROVIDER_NAME]: latestProviderName(call.provider, call.server.address),
  };
  if (emitsLegacy(mode)) models[S.ATTR_GEN_AI_SYSTEM] = call.provider;
  if (call.requestModel !== undefined) models[S.ATTR_GEN_AI_REQUEST_MODEL] = call.requestModel;
  if (call.responseModel !== undefined) models[S.ATTR_GEN_AI_RESPONSE_MODEL] = call.responseModel;
  if (consumer !== undefined) models[K.ATTR_KONG_AUTH_CONSUMER_NAME] = consumer;
  const operation = {
    [S.ATTR_GEN_AI_OPERATION_NAME]: latestOperationName(call.operation),
    ...models,
  };
  // `server.port` is conditionally required wherever `server.address` is set.
  const server =
    call.server.address === undefined
      ? operation
      : {
          ...operation,
          [S.ATTR_SERVER_ADDRESS]: call.server.address,
          ...(call.server.port === undefined ? {} : { [S.ATTR_SERVER_PORT]: call.server.port }),
        };
  const cost =
    call.cache?.status === undefined
      ? models
      : { ...models, [K.ATTR_KONG_GEN_AI_CACHE_STATUS]: call.cache.status };

  const c = call.cache;
  // Kong's labels, in Kong's order; Kong writes '' for what it does not know.
  const kong: Attributes = {
    ai_provider: call.provider,
    ai_model: call.requestModel ?? '',
    cache_status: c?.status ?? '',
    vector_db: c?.vectorDb ?? '',
    embeddings_provider: c?.embeddingsProvider ?? '',
    embeddings_model: c?.embeddingsModel ?? '',
    workspace: call.kong.workspaceName ?? '',
  };
  if (consumerInMetrics) kong.consumer = call.kong.consumerUsername ?? '';
  // EE 3.12+ adds `request_mode` to every AI metric but the token counter.
  const kongWithMode =
    call.kongRequestMode === undefined ? kong : { ...kong, request_mode: call.kongRequestMode };

  return {
    models: Object.freeze(models),
    operation: Object.freeze(operation),
    server: Object.freeze(server),
    tokenInput: Object.freeze({ ...server, [S.ATTR_GEN_AI_TOKEN_TYPE]: 'input' }),
    tokenOutput: Object.freeze({ ...server, [S.ATTR_GEN_AI_TOKEN_TYPE]: 'output' }),
    cost: Object.freeze(cost),
    kong: Object.freeze(kongWithMode),
    kongTokens: KONG_TOKEN_TYPES.map(t => Object.freeze({ ...kong, token_type: t })),
    variants: new Map(),
  };
}

/** The `base` set plus one attribute; cached per set, bounded (values may come from payloads). */
function variant(
  sets: AttributeSets,
  base: 'server' | 'operation' | 'cost',
  key: string,
  value: string,
): Attributes {
  const id = `${base}\u0000${key}\u0000${value}`;
  let attributes = sets.variants.get(id);
  if (attributes === undefined) {
    attributes = Object.freeze({ ...sets[base], [key]: value });
    if (sets.variants.size < MAX_VARIANTS) sets.variants.set(id, attributes);
  }
  return attributes;
}
