// Records one finished LLM call as a CLIENT span with explicit start and end times, joined to the
// caller's trace when its `traceparent` is valid (contract §2).
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type HrTime,
  type Tracer,
} from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import type { LlmCall } from '../genai/types';
import { ATTR_KONG_TRACE_ID } from './kong-attributes';
import { selfStats } from '../selfobs/recorder';

export interface SpanInput {
  readonly call: LlmCall;
  readonly name: string;
  readonly attributes: Attributes;
}

export function recordSpan(tracer: Tracer, { call, name, attributes }: SpanInput): void {
  const parent = parentContext(call.traceparent);
  if (parent === undefined && call.kong.traceId !== undefined) {
    attributes[ATTR_KONG_TRACE_ID] = call.kong.traceId;
  }
  const { startMs, durationMs } = call.timing;
  const span = tracer.startSpan(
    name,
    { kind: SpanKind.CLIENT, startTime: epochMsToHrTime(startMs), attributes },
    parent ?? ROOT_CONTEXT,
  );
  if (call.outcome.isError) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(epochMsToHrTime(startMs + Math.max(0, durationMs)));
  selfStats.spansRecorded += 1;
}

function parentContext(traceparent: string | undefined): Context | undefined {
  if (traceparent === undefined) return undefined;
  const spanContext = parseTraceParent(traceparent);
  if (spanContext === null || !trace.isSpanContextValid(spanContext)) return undefined;
  return trace.setSpanContext(ROOT_CONTEXT, { ...spanContext, isRemote: true });
}

/**
 * Explicit HrTime: a plain number earlier than the process start would be read by the SDK as a
 * `performance.now()` offset, which breaks replays of old logs and logs from before a restart.
 */
function epochMsToHrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6))];
}
