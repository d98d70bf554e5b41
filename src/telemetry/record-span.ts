// Records one finished LLM call as a CLIENT span with explicit start and end times, joined to the
// caller's trace when its `traceparent` is valid (contract §2).
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Tracer,
} from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import type { LlmCall } from '../genai/types';
import { ATTR_KONG_TRACE_ID } from './kong-attributes';
import { selfStats } from './self-stats';

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
  // Epoch milliseconds as plain numbers: the SDK reads a number as a `performance.now()` offset only
  // when it is at most the process uptime, and call timing rejects anything before 2001 (1e12 ms).
  const { startMs, durationMs } = call.timing;
  const span = tracer.startSpan(
    name,
    { kind: SpanKind.CLIENT, startTime: startMs, attributes },
    parent ?? ROOT_CONTEXT,
  );
  if (call.outcome.isError) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(startMs + Math.max(0, durationMs));
  selfStats.spansRecorded += 1;
}

function parentContext(traceparent: string | undefined): Context | undefined {
  if (traceparent === undefined) return undefined;
  const spanContext = parseTraceParent(traceparent);
  if (spanContext === null || !trace.isSpanContextValid(spanContext)) return undefined;
  return trace.setSpanContext(ROOT_CONTEXT, { ...spanContext, isRemote: true });
}
