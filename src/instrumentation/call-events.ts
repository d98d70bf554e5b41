// Span events of an LLM call's span (docs/design.md#guards-and-judges,
// #failover-and-retries): one per failed upstream attempt, one per guard or helper plugin that
// logged a verdict, and the conventions' `gen_ai.evaluation.result` per judge score.
import type { Attributes } from '@opentelemetry/api';
import type { Evaluation, GuardVerdict, LlmCall, UpstreamAttempt } from '../genai/types';
import * as K from './kong-attributes';
import * as S from './semconv';
import { latestProviderName } from './semconv-mode';

export interface SpanEventSpec {
  readonly name: string;
  readonly attributes: Attributes;
  /** Epoch ms; undefined: the span's start. */
  readonly timeMs?: number;
}

/** Cleans a content string for export (the pipeline's sanitizer), or undefined: capture is off. */
export type ContentCleaner = ((text: string) => string) | undefined;

export function callEvents(call: LlmCall, clean: ContentCleaner): SpanEventSpec[] {
  const events: SpanEventSpec[] = [];
  for (const attempt of call.failedAttempts ?? []) events.push(attemptEvent(attempt));
  for (const guard of call.guards ?? []) events.push(guardEvent(guard, clean));
  for (const evaluation of call.evaluations ?? []) {
    events.push(evaluationEvent(evaluation, call.response.id));
  }
  return events;
}

function attemptEvent(a: UpstreamAttempt): SpanEventSpec {
  const attributes: Attributes = {};
  put(attributes, K.ATTR_KONG_GEN_AI_UPSTREAM_PROVIDER, a.provider);
  if (a.provider !== undefined) {
    attributes[S.ATTR_GEN_AI_PROVIDER_NAME] = latestProviderName(a.provider, a.host);
  }
  put(attributes, S.ATTR_GEN_AI_REQUEST_MODEL, a.model);
  put(attributes, S.ATTR_SERVER_ADDRESS, a.host);
  put(attributes, S.ATTR_SERVER_PORT, a.host === undefined ? undefined : a.port);
  put(attributes, K.ATTR_KONG_GEN_AI_UPSTREAM_ROUTE_TYPE, a.routeType);
  put(attributes, K.ATTR_KONG_GEN_AI_UPSTREAM_STATE, a.state);
  // The attempt failed: its status when known, else the conventions' fallback.
  attributes[S.ATTR_ERROR_TYPE] =
    a.status === undefined ? S.ERROR_TYPE_VALUE_OTHER : String(a.status);
  return { name: K.EVENT_KONG_GEN_AI_UPSTREAM_ATTEMPT, attributes, timeMs: a.startMs };
}

/** Guard attributes shared by the event on an LLM span and the span of a blocked request. */
export function guardAttributes(g: GuardVerdict, clean: ContentCleaner): Attributes {
  const attributes: Attributes = {};
  const p = K.KONG_GEN_AI_GUARD_PREFIX;
  attributes[K.ATTR_KONG_GEN_AI_GUARD_NAME] = g.name;
  attributes[`${p}.blocked`] = g.blocked;
  put(attributes, `${p}.mode`, g.mode);
  put(attributes, K.ATTR_KONG_GEN_AI_GUARD_BLOCK_SOURCE, g.blockSource);
  put(attributes, `${p}.blocked_side`, g.blockedSide);
  put(attributes, `${p}.block_reason`, g.blockReason);
  put(attributes, `${p}.input_latency_ms`, g.inputLatencyMs);
  put(attributes, `${p}.output_latency_ms`, g.outputLatencyMs);
  put(attributes, `${p}.triggered_count`, g.triggeredCount);
  for (const [key, value] of Object.entries(g.facts)) attributes[`${p}.${key}`] = value;
  // The blocked text is content: only with capture on, and then redacted and cut.
  if (clean !== undefined && g.faultyContent !== undefined) {
    attributes[`${p}.faulty_content`] = clean(g.faultyContent);
  }
  return attributes;
}

function guardEvent(g: GuardVerdict, clean: ContentCleaner): SpanEventSpec {
  return { name: K.EVENT_KONG_GEN_AI_GUARD, attributes: guardAttributes(g, clean) };
}

function evaluationEvent(e: Evaluation, responseId: string | undefined): SpanEventSpec {
  const attributes: Attributes = { [S.ATTR_GEN_AI_EVALUATION_NAME]: e.name };
  put(attributes, S.ATTR_GEN_AI_EVALUATION_SCORE_VALUE, e.score);
  put(attributes, S.ATTR_GEN_AI_RESPONSE_ID, responseId);
  put(attributes, K.ATTR_KONG_GEN_AI_EVALUATION_JUDGE_MODEL, e.judgeModel);
  put(attributes, K.ATTR_KONG_GEN_AI_EVALUATION_JUDGE_PROVIDER, e.judgeProvider);
  return { name: S.EVENT_GEN_AI_EVALUATION_RESULT, attributes };
}

function put(a: Attributes, key: string, value: string | number | boolean | undefined): void {
  if (value !== undefined) a[key] = value;
}
