// Spans of what Kong logs besides LLM calls (docs/design.md#mcp-and-a2a, #guards-and-judges): one
// span per MCP JSON-RPC message (OpenTelemetry MCP conventions), one per A2A call, and one for a
// request a guard blocked before any LLM call. Plain data; record-request-span.ts records them.
import { SpanKind, type Attributes } from '@opentelemetry/api';
import type {
  A2aRpc,
  McpRpc,
  McpTraffic,
  RequestContext,
  RequestRecords,
} from '../genai/request-records';
import type { GuardVerdict, KongContext } from '../genai/types';
import { guardAttributes, type ContentCleaner, type SpanEventSpec } from './call-events';
import * as K from './kong-attributes';
import * as S from './semconv';

export interface SpanSpec {
  readonly name: string;
  readonly kind: SpanKind;
  readonly startMs: number;
  readonly durationMs: number;
  readonly attributes: Attributes;
  readonly events: readonly SpanEventSpec[];
  readonly isError: boolean;
  /** The caller's `traceparent`, validated by the recorder. */
  readonly traceparent?: string;
}

export function requestSpans(records: RequestRecords, clean: ContentCleaner): SpanSpec[] {
  const out: SpanSpec[] = [];
  const { context } = records;
  if (records.mcp !== undefined) out.push(...mcpSpans(records.mcp, context, clean));
  for (const rpc of records.a2a ?? []) out.push(a2aSpan(rpc, context));
  if (records.blockedGuards !== undefined) {
    out.push(blockedSpan(records.blockedGuards, context, clean));
  }
  return out;
}

/** `tools/call` is a tool execution in the GenAI conventions. */
export const mcpOperationName = (method: string | undefined): string | undefined =>
  method === 'tools/call' ? S.GEN_AI_OPERATION_EXECUTE_TOOL : undefined;

/**
 * `error.type` of an MCP message: the JSON-RPC error code when the payload was logged (what
 * Kong's own OTLP metrics use), else Kong's error name.
 */
export const mcpErrorType = (rpc: McpRpc): string | undefined =>
  rpc.errorCode !== undefined ? String(rpc.errorCode) : rpc.error;

function mcpSpans(mcp: McpTraffic, ctx: RequestContext, clean: ContentCleaner): SpanSpec[] {
  // Kong proxied the message to an MCP server (passthrough listener): it is that server's client.
  // Kong answered it itself (conversion listeners): it is the MCP server.
  const kind = ctx.proxied ? SpanKind.CLIENT : SpanKind.SERVER;
  // ACL decisions of the request go on its first span (they are not tied to one message).
  const aclEvents = mcp.audit.map(aclEvent);
  const rpcs: (McpRpc | undefined)[] = mcp.rpcs.length === 0 ? [undefined] : [...mcp.rpcs];
  return rpcs.map((rpc, i) => {
    const a = kongAttributes(ctx.kong);
    const method = rpc?.method;
    put(a, S.ATTR_MCP_METHOD_NAME, method);
    put(a, S.ATTR_MCP_SESSION_ID, mcp.sessionId);
    put(a, S.ATTR_MCP_PROTOCOL_VERSION, mcp.protocolVersion);
    put(a, S.ATTR_JSONRPC_REQUEST_ID, rpc?.id);
    put(a, S.ATTR_GEN_AI_TOOL_NAME, rpc?.toolName);
    put(a, S.ATTR_GEN_AI_OPERATION_NAME, mcpOperationName(method));
    put(a, K.ATTR_KONG_GEN_AI_MCP_RESPONSE_SIZE, rpc?.responseBodySize);
    if (ctx.proxied) {
      put(a, S.ATTR_SERVER_ADDRESS, ctx.serverAddress);
      put(a, S.ATTR_SERVER_PORT, ctx.serverAddress === undefined ? undefined : ctx.serverPort);
    }
    const errorType = rpc === undefined ? undefined : mcpErrorType(rpc);
    put(a, S.ATTR_ERROR_TYPE, errorType);
    put(
      a,
      S.ATTR_RPC_RESPONSE_STATUS_CODE,
      rpc?.errorCode === undefined ? undefined : String(rpc.errorCode),
    );
    put(a, K.ATTR_KONG_GEN_AI_MCP_ERROR, rpc?.error);
    // Tool arguments and results are content: only with capture on, redacted and cut.
    if (clean !== undefined && rpc !== undefined) {
      if (rpc.toolArguments !== undefined)
        a[S.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS] = clean(rpc.toolArguments);
      if (rpc.toolResult !== undefined) a[S.ATTR_GEN_AI_TOOL_CALL_RESULT] = clean(rpc.toolResult);
    }
    const target = rpc?.toolName;
    return {
      name: method === undefined ? 'mcp' : target === undefined ? method : `${method} ${target}`,
      kind,
      startMs: ctx.startMs,
      durationMs: rpc?.latencyMs ?? ctx.durationMs,
      attributes: a,
      events: i === 0 ? aclEvents : [],
      isError: errorType !== undefined,
      traceparent: ctx.traceparent,
    };
  });
}

function aclEvent(entry: McpTraffic['audit'][number]): SpanEventSpec {
  const a: Attributes = {};
  put(a, K.ATTR_KONG_GEN_AI_MCP_PRIMITIVE, entry.primitive);
  put(a, K.ATTR_KONG_GEN_AI_MCP_PRIMITIVE_NAME, entry.primitiveName);
  put(a, K.ATTR_KONG_GEN_AI_MCP_ACL_ACTION, entry.action);
  put(a, K.ATTR_KONG_GEN_AI_MCP_ACL_SCOPE, entry.scope);
  put(a, K.ATTR_KONG_GEN_AI_MCP_ACL_SUBJECT, entry.consumerName);
  put(a, K.ATTR_KONG_GEN_AI_MCP_ACL_SUBJECT_TYPE, entry.consumerIdentifier);
  return { name: K.EVENT_KONG_GEN_AI_MCP_ACL, attributes: a };
}

function a2aSpan(rpc: A2aRpc, ctx: RequestContext): SpanSpec {
  const a = kongAttributes(ctx.kong);
  put(a, K.ATTR_KONG_A2A_OPERATION, rpc.method);
  put(a, K.ATTR_KONG_A2A_BINDING, rpc.binding);
  put(a, S.ATTR_JSONRPC_REQUEST_ID, rpc.binding === 'jsonrpc' ? rpc.id : undefined);
  put(a, K.ATTR_KONG_A2A_TASK_ID, rpc.taskId);
  put(a, K.ATTR_KONG_A2A_TASK_STATE, rpc.taskState);
  put(a, K.ATTR_KONG_A2A_CONTEXT_ID, rpc.contextId);
  put(a, K.ATTR_KONG_A2A_STREAMING, rpc.streaming);
  put(a, K.ATTR_KONG_A2A_TTFB_LATENCY, rpc.ttfbMs);
  put(a, K.ATTR_KONG_A2A_SSE_EVENTS_COUNT, rpc.sseEvents);
  put(a, K.ATTR_KONG_A2A_RESPONSE_SIZE, rpc.responseBodySize);
  put(a, K.ATTR_KONG_A2A_ERROR, rpc.error);
  put(a, S.ATTR_ERROR_TYPE, rpc.error);
  if (ctx.proxied) {
    put(a, S.ATTR_SERVER_ADDRESS, ctx.serverAddress);
    put(a, S.ATTR_SERVER_PORT, ctx.serverAddress === undefined ? undefined : ctx.serverPort);
  }
  return {
    name: rpc.method === undefined ? 'a2a' : `a2a ${rpc.method}`,
    kind: SpanKind.CLIENT,
    startMs: ctx.startMs,
    durationMs: rpc.latencyMs ?? ctx.durationMs,
    attributes: a,
    events: [],
    isError: rpc.error !== undefined,
    traceparent: ctx.traceparent,
  };
}

function blockedSpan(
  guards: readonly GuardVerdict[],
  ctx: RequestContext,
  clean: ContentCleaner,
): SpanSpec {
  const blocker = guards.find(g => g.blocked) ?? guards[0]!;
  const a = { ...kongAttributes(ctx.kong), ...guardAttributes(blocker, clean) };
  const isError = ctx.outcome.isError || blocker.blocked;
  if (isError) a[S.ATTR_ERROR_TYPE] = ctx.outcome.errorType ?? S.ERROR_TYPE_VALUE_OTHER;
  return {
    name: `guard ${blocker.name}`,
    kind: SpanKind.INTERNAL,
    startMs: ctx.startMs,
    durationMs: ctx.durationMs,
    attributes: a,
    // The other guards of the request, if any, as events.
    events: guards
      .filter(g => g !== blocker)
      .map(g => ({ name: K.EVENT_KONG_GEN_AI_GUARD, attributes: guardAttributes(g, clean) })),
    isError,
    traceparent: ctx.traceparent,
  };
}

/** Kong context attributes every span of the request carries. */
export function kongAttributes(kong: KongContext): Attributes {
  const a: Attributes = {};
  put(a, K.ATTR_KONG_ROUTE_NAME, kong.routeName);
  put(a, K.ATTR_KONG_ROUTE_ID, kong.routeId);
  put(a, K.ATTR_KONG_SERVICE_NAME, kong.serviceName);
  put(a, K.ATTR_KONG_SERVICE_ID, kong.serviceId);
  put(a, K.ATTR_KONG_CONSUMER_USERNAME, kong.consumerUsername);
  put(a, K.ATTR_KONG_AUTH_CONSUMER_NAME, kong.consumerUsername);
  put(a, K.ATTR_KONG_CONSUMER_ID, kong.consumerId);
  put(a, K.ATTR_KONG_WORKSPACE_NAME, kong.workspaceName);
  put(a, K.ATTR_KONG_REQUEST_ID, kong.requestId);
  return a;
}

function put(a: Attributes, key: string, value: string | number | boolean | undefined): void {
  if (value !== undefined) a[key] = value;
}
