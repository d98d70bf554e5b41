// Records one finished LLM call as a CLIENT span with explicit start and end times, joined to the
// caller's trace when it sent a valid `traceparent` (docs/design.md#span-shape).
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
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

/** The recorded span's identity and end time, for events that belong to it. */
export interface RecordedSpan {
  readonly spanContext: SpanContext;
  /** Epoch milliseconds. */
  readonly endTime: number;
}

export function recordSpan(
  tracer: Tracer,
  { call, name, attributes, parent, events }: SpanInput,
): RecordedSpan {
  const remoteParent =
    parent !== undefined && trace.isSpanContextValid(parent) ? parent : undefined;
  if (remoteParent === undefined && call.kong.traceId !== undefined) {
    attributes[ATTR_KONG_TRACE_ID] = call.kong.traceId;
  }
  // Epoch milliseconds as plain numbers: the SDK reads a number as a `performance.now()` offset
  // only when it is at most the process uptime, and call timing rejects anything before 2001.
  const { startMs, durationMs } = call.timing;
  // Attributes are set after the sampling decision, not passed to `startSpan`: the SDK validates
  // start attributes twice (once for the sampler, which ignores them here, once for the span),
  // and an unsampled span needs none. The exported span is the same.
  const span = tracer.startSpan(
    name,
    { kind: SpanKind.CLIENT, startTime: startMs },
    remoteParent === undefined
      ? ROOT_CONTEXT
      : trace.setSpanContext(ROOT_CONTEXT, { ...remoteParent, isRemote: true }),
  );
  if (span.isRecording()) span.setAttributes(attributes);
  for (const event of events ?? []) {
    // Event times are epoch milliseconds too (the parsers only keep values after 2001).
    span.addEvent(event.name, event.attributes, event.timeMs ?? startMs);
  }
  if (call.outcome.isError) span.setStatus({ code: SpanStatusCode.ERROR });
  const endTime = startMs + Math.max(0, durationMs);
  span.end(endTime);
  return { spanContext: span.spanContext(), endTime };
}
