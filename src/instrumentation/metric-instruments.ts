// The instruments of both metric families (docs/design.md#metric-families): names, units, types and
// the explicit bucket boundaries, created on one Meter. Histograms never use the SDK's ms defaults.
import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import { METRIC_KONG_GEN_AI_LLM_COST } from './kong-attributes';
import * as S from './semconv';

/** Kong Prometheus plugin metric names (the `kong` family); the Prometheus endpoint serves them
 * unchanged.
 */
export const METRIC_AI_LLM_REQUESTS_TOTAL = 'ai_llm_requests_total' as const;
export const METRIC_AI_LLM_COST_TOTAL = 'ai_llm_cost_total' as const;
export const METRIC_AI_LLM_TOKENS_TOTAL = 'ai_llm_tokens_total' as const;
export const METRIC_AI_LLM_PROVIDER_LATENCY_MS = 'ai_llm_provider_latency_ms' as const;
export const METRIC_AI_CACHE_FETCH_LATENCY = 'ai_cache_fetch_latency' as const;
export const METRIC_AI_CACHE_EMBEDDINGS_LATENCY = 'ai_cache_embeddings_latency' as const;

export const TOKEN_BUCKETS: readonly number[] = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
export const DURATION_BUCKETS_S: readonly number[] = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
export const TTFT_BUCKETS_S: readonly number[] = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];
export const TPOT_BUCKETS_S: readonly number[] = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5,
];
/** Kong's AI provider latency buckets, also used for its cache latencies. */
export const KONG_LATENCY_BUCKETS_MS: readonly number[] = [
  250, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 10000, 30000, 60000,
];

interface HistogramSpec {
  readonly kind: 'histogram';
  readonly unit: string;
  readonly description: string;
  readonly buckets: readonly number[];
}
interface CounterSpec {
  readonly kind: 'counter';
  readonly unit: string;
  readonly description: string;
}

/** Every instrument, keyed by its metric name: the single table the tests check against. */
export const INSTRUMENT_SPECS = {
  [S.METRIC_GEN_AI_CLIENT_TOKEN_USAGE]: {
    kind: 'histogram',
    unit: '{token}',
    description: 'Number of input and output tokens used per LLM call.',
    buckets: TOKEN_BUCKETS,
  },
  [S.METRIC_GEN_AI_CLIENT_OPERATION_DURATION]: {
    kind: 'histogram',
    unit: 's',
    description: 'Duration of the LLM call as Kong observed it.',
    buckets: DURATION_BUCKETS_S,
  },
  [S.METRIC_GEN_AI_SERVER_TIME_TO_FIRST_TOKEN]: {
    kind: 'histogram',
    unit: 's',
    description: 'Time to the first streamed token (approximated from Kong latencies).',
    buckets: TTFT_BUCKETS_S,
  },
  [S.METRIC_GEN_AI_SERVER_TIME_PER_OUTPUT_TOKEN]: {
    kind: 'histogram',
    unit: 's',
    description: 'Time per output token after the first, for streamed calls.',
    buckets: TPOT_BUCKETS_S,
  },
  [S.METRIC_GEN_AI_CLIENT_GENERATION_CHOICES]: {
    kind: 'counter',
    unit: '{choice}',
    description: 'Number of choices returned, by finish reason.',
  },
  [S.METRIC_LLM_OPENAI_EMBEDDINGS_VECTOR_SIZE]: {
    kind: 'counter',
    unit: '{element}',
    description: 'Sum of the embedding dimensions returned by embeddings calls.',
  },
  [METRIC_KONG_GEN_AI_LLM_COST]: {
    kind: 'counter',
    unit: '{cost}',
    description: 'Cost of LLM calls (Kong usage.cost, else the configured price table).',
  },
  [METRIC_AI_LLM_REQUESTS_TOTAL]: {
    kind: 'counter',
    unit: '',
    description: 'AI requests total per ai_provider in Kong.',
  },
  [METRIC_AI_LLM_COST_TOTAL]: {
    kind: 'counter',
    unit: '',
    description: 'AI requests cost per ai_provider/cache in Kong.',
  },
  [METRIC_AI_LLM_TOKENS_TOTAL]: {
    kind: 'counter',
    unit: '',
    description: 'AI tokens total per ai_provider/cache in Kong.',
  },
  [METRIC_AI_LLM_PROVIDER_LATENCY_MS]: {
    kind: 'histogram',
    unit: 'ms',
    description: 'LLM response latency per ai_provider in Kong.',
    buckets: KONG_LATENCY_BUCKETS_MS,
  },
  [METRIC_AI_CACHE_FETCH_LATENCY]: {
    kind: 'histogram',
    unit: 'ms',
    description: 'AI cache fetch latency per ai_provider in Kong.',
    buckets: KONG_LATENCY_BUCKETS_MS,
  },
  [METRIC_AI_CACHE_EMBEDDINGS_LATENCY]: {
    kind: 'histogram',
    unit: 'ms',
    description: 'AI cache embeddings latency per ai_provider in Kong.',
    buckets: KONG_LATENCY_BUCKETS_MS,
  },
} as const satisfies Record<string, HistogramSpec | CounterSpec>;

export type InstrumentName = keyof typeof INSTRUMENT_SPECS;
export type HistogramName = {
  [K in InstrumentName]: (typeof INSTRUMENT_SPECS)[K]['kind'] extends 'histogram' ? K : never;
}[InstrumentName];
export type CounterName = Exclude<InstrumentName, HistogramName>;

/** One Meter's instruments, by metric name. */
export type MetricInstruments = { readonly [K in HistogramName]: Histogram } & {
  readonly [K in CounterName]: Counter;
};

export const INSTRUMENT_NAMES = Object.keys(INSTRUMENT_SPECS) as readonly InstrumentName[];

export function createMetricInstruments(meter: Meter): MetricInstruments {
  const out: Record<string, Histogram | Counter> = {};
  for (const name of INSTRUMENT_NAMES) {
    const spec: HistogramSpec | CounterSpec = INSTRUMENT_SPECS[name];
    out[name] =
      spec.kind === 'histogram'
        ? meter.createHistogram(name, {
            unit: spec.unit,
            description: spec.description,
            advice: { explicitBucketBoundaries: [...spec.buckets] },
          })
        : meter.createCounter(name, { unit: spec.unit, description: spec.description });
  }
  return out as MetricInstruments;
}
