// The GenAI `gen_ai.client.inference.operation.details` event: the call's content as one log
// event in the span's trace context (docs/design.md#content-as-log-events). Built from the same
// `latest` attributes and the same sanitizer as span content, so both destinations carry exactly
// the same redacted, truncated text; on the event the message attributes are structured values
// (the semconv form for events), not JSON strings.
import {
  ROOT_CONTEXT,
  trace,
  type Attributes,
  type Logger,
  type SpanContext,
} from '@opentelemetry/api';
import type { CallCost } from '../genai/cost';
import type { LlmCall } from '../genai/types';
import { contentAttributes } from './content-attributes';
import { ATTR_KONG_REQUEST_ID } from './kong-attributes';
import type { ContentSanitizer } from './redaction';
import * as S from './semconv';
import { spanAttributes } from './span-attributes';

export const EVENT_GEN_AI_INFERENCE_DETAILS = 'gen_ai.client.inference.operation.details' as const;

/** Content attributes that hold JSON text on spans and structured values on events. */
const STRUCTURED = new Set<string>([
  S.ATTR_GEN_AI_INPUT_MESSAGES,
  S.ATTR_GEN_AI_OUTPUT_MESSAGES,
  S.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  S.ATTR_GEN_AI_TOOL_DEFINITIONS,
]);

/** Which of the call's `latest` span attributes describe the operation on the event. */
const isOperationKey = (key: string): boolean =>
  key.startsWith('gen_ai.') || key.startsWith('server.') || key === 'error.type';

/**
 * The event's attributes: the operation's GenAI attributes (latest names), the Kong request id
 * for correlation, `extra` (header attributes), then the sanitized content.
 */
export function contentEventAttributes(
  call: LlmCall,
  cost: CallCost | undefined,
  sanitizer: ContentSanitizer,
  extra: Attributes = {},
): Attributes {
  const out: Attributes = {};
  const operation = spanAttributes(call, 'latest', cost);
  for (const key of Object.keys(operation)) {
    if (isOperationKey(key)) out[key] = operation[key];
  }
  if (call.kong.requestId !== undefined) out[ATTR_KONG_REQUEST_ID] = call.kong.requestId;
  for (const key of Object.keys(extra)) out[key] ??= extra[key];
  const content = contentAttributes(call, 'latest', sanitizer);
  for (const key of Object.keys(content)) {
    const value = content[key];
    out[key] = STRUCTURED.has(key) && typeof value === 'string' ? structured(value) : value;
  }
  return out;
}

/** Emits the event at the span's end time, in the span's trace context. */
export function emitContentEvent(
  logger: Logger,
  spanContext: SpanContext,
  /** Epoch milliseconds (the span's end). */
  time: number,
  attributes: Attributes,
): void {
  logger.emit({
    eventName: EVENT_GEN_AI_INFERENCE_DETAILS,
    timestamp: time,
    attributes,
    context: trace.setSpanContext(ROOT_CONTEXT, spanContext),
  });
}

function structured(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}
