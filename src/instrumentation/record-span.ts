// Records one finished LLM call as a CLIENT span with explicit start and end times, joined to the
// caller's trace when it sent a valid `traceparent` (docs/design.md#span-shape).
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type HrTime,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import type { LlmCall } from '../genai/types';
import type { SpanEventSpec } from './call-events';
import { ATTR_KONG_TRACE_ID } from './kong-attributes';

export interface SpanInput {
  readonly call: LlmCall;
  readonly name: string;
  readonly attributes: Attributes;
  /** The caller's span, parsed from its `traceparent` by the caller of this function. */
  readonly parent: SpanContext | undefined;
  /** Failed attempts, guard verdicts, evaluations (docs/design.md#guards-and-judges). */
  readonly events?: readonly SpanEventSpec[];
}

export function recordSpan(
  tracer: Tracer,
  { call, name, attributes, parent, events }: SpanInput,
): void {
  const remoteParent =
    parent !== undefined && trace.isSpanContextValid(parent) ? parent : undefined;
  if (remoteParent === undefined && call.kong.traceId !== undefined) {
    attributes[ATTR_KONG_TRACE_ID] = call.kong.traceId;
  }
  const { startMs, durationMs } = call.timing;
  const span = tracer.startSpan(
    name,
    { kind: SpanKind.CLIENT, startTime: epochMsToHrTime(startMs), attributes },
    remoteParent === undefined
      ? ROOT_CONTEXT
      : trace.setSpanContext(ROOT_CONTEXT, { ...remoteParent, isRemote: true }),
  );
  for (const event of events ?? []) {
    span.addEvent(event.name, event.attributes, epochMsToHrTime(event.timeMs ?? startMs));
  }
  if (call.outcome.isError) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(epochMsToHrTime(startMs + Math.max(0, durationMs)));
}

/**
 * Explicit HrTime: a plain number earlier than the process start would be read by the SDK as a
 * `performance.now()` offset, which breaks replays of old logs and logs from before a restart.
 */
export function epochMsToHrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6))];
}
