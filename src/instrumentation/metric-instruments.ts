// The instruments of both metric families (docs/design.md#metric-families): names, units, types and
// the explicit bucket boundaries, created on one Meter. Histograms never use the SDK's ms defaults.
import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import * as K from './kong-attributes';
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
export const METRIC_AI_MCP_LATENCY_MS = 'ai_mcp_latency_ms' as const;
export const METRIC_AI_MCP_RESPONSE_BODY_SIZE_BYTES = 'ai_mcp_response_body_size_bytes' as const;
export const METRIC_AI_MCP_ERROR_TOTAL = 'ai_mcp_error_total' as const;
export const METRIC_AI_A2A_REQUESTS_TOTAL = 'ai_a2a_requests_total' as const;
export const METRIC_AI_A2A_ERROR_TOTAL = 'ai_a2a_error_total' as const;
export const METRIC_AI_A2A_LATENCY_MS = 'ai_a2a_latency_ms' as const;
export const METRIC_AI_A2A_TTFB_LATENCY_MS = 'ai_a2a_ttfb_latency_ms' as const;
export const METRIC_AI_A2A_RESPONSE_BODY_SIZE_BYTES = 'ai_a2a_response_body_size_bytes' as const;
export const METRIC_AI_A2A_TASK_STATES_TOTAL = 'ai_a2a_task_states_total' as const;

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

/** MCP latency buckets (ms) as Kong's MCP scrapes show them (first bucket 25). */
export const KONG_MCP_LATENCY_BUCKETS_MS: readonly number[] = [
  25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000,
];
/** Response body sizes (bytes): Kong documents no buckets; powers of 4 from 64 B to 16 MiB. */
export const SIZE_BUCKETS_BYTES: readonly number[] = [
  64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216,
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
  [S.METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK]: {
    kind: 'histogram',
    unit: 's',
    description: 'Time to the first chunk of a streamed response, as Kong observed it.',
    buckets: DURATION_BUCKETS_S,
  },
  [S.METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK]: {
    kind: 'histogram',
    unit: 's',
    description: 'Average time per output chunk after the first, for streamed calls.',
    buckets: DURATION_BUCKETS_S,
  },
  [S.METRIC_MCP_CLIENT_OPERATION_DURATION]: {
    kind: 'histogram',
    unit: 's',
    description: 'Duration of an MCP request Kong proxied to an MCP server.',
    buckets: DURATION_BUCKETS_S,
  },
  [S.METRIC_MCP_SERVER_OPERATION_DURATION]: {
    kind: 'histogram',
    unit: 's',
    description: 'Duration of an MCP request Kong answered itself.',
    buckets: DURATION_BUCKETS_S,
  },
  [K.METRIC_KONG_GEN_AI_GUARD_BLOCKS]: {
    kind: 'counter',
    unit: '{request}',
    description: 'Requests or responses blocked by an AI guard plugin, by guard and block source.',
  },
  [K.METRIC_KONG_GEN_AI_MCP_ACL_ALLOWED]: {
    kind: 'counter',
    unit: '{request}',
    description: 'MCP ACL decisions that allowed a primitive.',
  },
  [K.METRIC_KONG_GEN_AI_MCP_ACL_DENIED]: {
    kind: 'counter',
    unit: '{request}',
    description: 'MCP ACL decisions that denied a primitive.',
  },
  [K.METRIC_KONG_GEN_AI_A2A_REQUEST_COUNT]: {
    kind: 'counter',
    unit: '{request}',
    description: 'A2A calls proxied by Kong.',
  },
  [K.METRIC_KONG_GEN_AI_A2A_REQUEST_DURATION]: {
    kind: 'histogram',
    unit: 's',
    description: 'Duration of A2A calls proxied by Kong.',
    buckets: DURATION_BUCKETS_S,
  },
  [K.METRIC_KONG_GEN_AI_A2A_RESPONSE_SIZE]: {
    kind: 'histogram',
    unit: 'By',
    description: 'Response body size of A2A calls.',
    buckets: SIZE_BUCKETS_BYTES,
  },
  [K.METRIC_KONG_GEN_AI_A2A_TTFB]: {
    kind: 'histogram',
    unit: 's',
    description: 'Time to the first response byte of streamed A2A calls.',
    buckets: DURATION_BUCKETS_S,
  },
  [K.METRIC_KONG_GEN_AI_A2A_REQUEST_ERROR_COUNT]: {
    kind: 'counter',
    unit: '{error}',
    description: 'A2A calls that ended in an upstream error.',
  },
  [K.METRIC_KONG_GEN_AI_A2A_TASK_STATE_COUNT]: {
    kind: 'counter',
    unit: '{state}',
    description: 'A2A task states reported in responses.',
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
  [METRIC_AI_MCP_LATENCY_MS]: {
    kind: 'histogram',
    unit: 'ms',
    description: 'MCP request latency in Kong.',
    buckets: KONG_MCP_LATENCY_BUCKETS_MS,
  },
  [METRIC_AI_MCP_RESPONSE_BODY_SIZE_BYTES]: {
    kind: 'histogram',
    unit: 'By',
    description: 'MCP response body size in Kong.',
    buckets: SIZE_BUCKETS_BYTES,
  },
  [METRIC_AI_MCP_ERROR_TOTAL]: {
    kind: 'counter',
    unit: '',
    description: 'MCP errors in Kong, by type.',
  },
  [METRIC_AI_A2A_REQUESTS_TOTAL]: {
    kind: 'counter',
    unit: '',
    description: 'A2A requests in Kong, by method and binding.',
  },
  [METRIC_AI_A2A_ERROR_TOTAL]: {
    kind: 'counter',
    unit: '',
    description: 'A2A errors in Kong, by error type.',
  },
  [METRIC_AI_A2A_LATENCY_MS]: {
    kind: 'histogram',
    unit: 'ms',
    description: 'A2A request latency in Kong.',
    buckets: KONG_LATENCY_BUCKETS_MS,
  },
  [METRIC_AI_A2A_TTFB_LATENCY_MS]: {
    kind: 'histogram',
    unit: 'ms',
    description: 'A2A streaming time to first byte in Kong.',
    buckets: KONG_LATENCY_BUCKETS_MS,
  },
  [METRIC_AI_A2A_RESPONSE_BODY_SIZE_BYTES]: {
    kind: 'histogram',
    unit: 'By',
    description: 'A2A response body size in Kong.',
    buckets: SIZE_BUCKETS_BYTES,
  },
  [METRIC_AI_A2A_TASK_STATES_TOTAL]: {
    kind: 'counter',
    unit: '',
    description: 'A2A task states in Kong.',
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
