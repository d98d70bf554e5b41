// Outcome-aware sampling (docs/design.md#outcome-aware-sampling): the plugin runs after the
// response, so it knows a call's status, duration, tokens and cost before it decides whether to
// export the span. A call that meets any keep rule is always kept; a caller's sampled
// `traceparent` is followed; the rest are sampled at the ratio, deterministically on a trace id.
// Pure: no SDK, no config; the pipeline resolves the settings and records what this decides.
import { isSpanContextValid, TraceFlags, type SpanContext } from '@opentelemetry/api';
import type { LlmCall } from '../genai/types';

/** Why an exported span was kept; on every exported span. */
export const ATTR_KONG_GEN_AI_SAMPLING_REASON = 'kong.gen_ai.sampling.reason' as const;

export type SamplingReason =
  'error' | 'duration' | 'time_to_first_token' | 'cost' | 'tokens' | 'parent' | 'ratio';

export interface SamplingSettings {
  /** Share of the remaining root calls kept, 0..1. */
  readonly ratio: number;
  readonly keepErrors: boolean;
  readonly minDurationMs?: number;
  readonly minTimeToFirstTokenMs?: number;
  readonly minCost?: number;
  readonly minTotalTokens?: number;
}

export type SamplingDecision =
  | { readonly keep: true; readonly reason: SamplingReason }
  | { readonly keep: false; readonly reason: 'parent' | 'ratio' };

const atLeast = (value: number | undefined, min: number | undefined): boolean =>
  value !== undefined && min !== undefined && Number.isFinite(value) && value >= min;

/**
 * Keep rules first, in the order of the reasons; then the caller's decision when it sent a valid
 * `traceparent` (sampled: keep; not sampled: drop); then the ratio on Kong's own trace id when
 * logged (so Kong's tracing and ours agree at equal ratios), else on a fresh random value.
 *
 * @param parent the caller's span context, as parsed from its `traceparent` (validated here).
 * @param random a uniform value in [0, 1) for calls without any trace id (tests pass their own).
 */
export function samplingDecision(
  call: LlmCall,
  cost: number | undefined,
  settings: SamplingSettings,
  parent: SpanContext | undefined,
  random: () => number = Math.random,
): SamplingDecision {
  if (settings.keepErrors && call.outcome.isError) return { keep: true, reason: 'error' };
  if (atLeast(call.timing.durationMs, settings.minDurationMs))
    return { keep: true, reason: 'duration' };
  if (atLeast(call.timing.timeToFirstTokenMs, settings.minTimeToFirstTokenMs))
    return { keep: true, reason: 'time_to_first_token' };
  if (atLeast(cost, settings.minCost)) return { keep: true, reason: 'cost' };
  if (atLeast(call.usage.totalTokens, settings.minTotalTokens))
    return { keep: true, reason: 'tokens' };
  if (parent !== undefined && isSpanContextValid(parent)) {
    const sampled = (parent.traceFlags & TraceFlags.SAMPLED) !== 0;
    return sampled ? { keep: true, reason: 'parent' } : { keep: false, reason: 'parent' };
  }
  const traceId = call.kong.traceId?.toLowerCase();
  const keep =
    traceId !== undefined && /^[0-9a-f]{32}$/.test(traceId) && !/^0+$/.test(traceId)
      ? traceIdBelowRatio(traceId, settings.ratio)
      : random() < settings.ratio;
  return keep ? { keep: true, reason: 'ratio' } : { keep: false, reason: 'ratio' };
}

/**
 * The SDK's TraceIdRatioBased rule, so a trace id gets the same verdict here as in any
 * OpenTelemetry JS service at the same ratio: XOR of the id's four 32-bit words against
 * ratio × 2^32.
 */
export function traceIdBelowRatio(traceId: string, ratio: number): boolean {
  const r = Number.isNaN(ratio) ? 0 : Math.min(1, Math.max(0, ratio));
  const upperBound = r === 1 ? 4294967296 : Math.floor(r * 4294967295);
  let accumulation = 0;
  for (let i = 0; i < 32; i += 8) {
    accumulation = (accumulation ^ parseInt(traceId.slice(i, i + 8), 16)) >>> 0;
  }
  return accumulation < upperBound;
}
