// Start and duration of an LLM call from Kong's timestamps (docs/design.md#timing-rules).
// Derived stream timings approximate what Kong observed: Kong sees frames, not tokens.
import type { CallTiming, RequestMode } from './types';

export interface TimingInputs {
  readonly mode: RequestMode;
  /** `started_at`, ms epoch. */
  readonly startedAt?: number;
  readonly latencies: {
    readonly kong?: number;
    readonly proxy?: number;
    readonly receive?: number;
    readonly request?: number;
  };
  /** `meta.llm_latency`, ms. */
  readonly llmLatency?: number;
  /** `usage.time_to_first_token`, ms (EE 3.12+). */
  readonly timeToFirstToken?: number;
}

/** Longest latency taken at face value (~11.6 days): longer ones are junk, not slow calls. */
const MAX_LATENCY_MS = 1e9;
/**
 * Epoch ms a Kong log can carry (2001-09-09 .. 2286-11-20). Outside it the value is junk (or
 * seconds), and a span start from it would be 1970 or past what OTLP's uint64 nanoseconds hold.
 */
const MIN_EPOCH_MS = 1e12;
const MAX_EPOCH_MS = 1e13;

/** A latency Kong logged, or undefined when absent, negative (`-1` = no upstream) or absurd. */
const span = (ms: number | undefined): number | undefined =>
  ms !== undefined && ms >= 0 && ms <= MAX_LATENCY_MS ? ms : undefined;

export function callTiming(input: TimingInputs, now: () => number = Date.now): CallTiming {
  const { latencies } = input;
  const kongMs = span(latencies.kong) ?? 0;
  const requestMs = span(latencies.request);
  const startedAt =
    input.startedAt !== undefined &&
    input.startedAt >= MIN_EPOCH_MS &&
    input.startedAt <= MAX_EPOCH_MS
      ? input.startedAt
      : now() - (requestMs ?? 0);
  const startMs = startedAt + kongMs;

  const llmLatencyMs = span(input.llmLatency);
  const withLlm = (t: CallTiming): CallTiming =>
    llmLatencyMs === undefined ? t : { ...t, llmLatencyMs };
  // A realtime session lasts as long as the WebSocket: the request's whole time after Kong's own.
  if (input.mode === 'stream') {
    const ttft = span(input.timeToFirstToken) ?? span(latencies.proxy);
    const generation = span(latencies.receive);
    if (ttft !== undefined || generation !== undefined) {
      return withLlm({
        startMs,
        durationMs: (ttft ?? 0) + (generation ?? 0),
        timeToFirstTokenMs: ttft,
        generationMs: generation,
      });
    }
  } else if (input.mode === 'oneshot') {
    const duration = llmLatencyMs ?? span(latencies.proxy);
    if (duration !== undefined) return withLlm({ startMs, durationMs: duration });
  }
  return withLlm({ startMs, durationMs: Math.max(0, (requestMs ?? 0) - kongMs) });
}
