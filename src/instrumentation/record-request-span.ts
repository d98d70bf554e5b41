// Records one SpanSpec (MCP, A2A, blocked request) with explicit times, joined to the caller's
// trace when it sent a valid `traceparent` (docs/design.md#span-shape), else Kong's trace id.
import {
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import { ATTR_KONG_TRACE_ID } from './kong-attributes';
import type { SpanSpec } from './request-spans';

export function recordRequestSpan(
  tracer: Tracer,
  spec: SpanSpec,
  parent: SpanContext | undefined,
  kongTraceId: string | undefined,
): void {
  const remoteParent =
    parent !== undefined && trace.isSpanContextValid(parent) ? parent : undefined;
  const attributes = { ...spec.attributes };
  if (remoteParent === undefined && kongTraceId !== undefined) {
    attributes[ATTR_KONG_TRACE_ID] = kongTraceId;
  }
  const span = tracer.startSpan(
    spec.name,
    { kind: spec.kind, startTime: spec.startMs, attributes },
    remoteParent === undefined
      ? ROOT_CONTEXT
      : trace.setSpanContext(ROOT_CONTEXT, { ...remoteParent, isRemote: true }),
  );
  for (const event of spec.events) {
    span.addEvent(event.name, event.attributes, event.timeMs ?? spec.startMs);
  }
  if (spec.isError) span.setStatus({ code: SpanStatusCode.ERROR });
  // Epoch milliseconds as plain numbers, as for LLM call spans (docs/design.md#timing-rules).
  span.end(spec.startMs + Math.max(0, spec.durationMs));
}
