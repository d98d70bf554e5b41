// What a serialized log holds besides LLM calls (docs/design.md#kong-log-shapes): MCP traffic
// (`ai.mcp`, EE 3.12+), agent-to-agent traffic (`ai.a2a`, EE 3.14+) and requests a guard blocked
// before any LLM call (guard tables without `meta`/`usage`). Total: never throws on any input.
import { sharedFacts } from './calls';
import { callTiming } from './call-timing';
import { guardVerdicts } from './guards';
import {
  arr,
  bool,
  count,
  int,
  name,
  num,
  obj,
  parseJsonText,
  str,
  type Obj,
} from './payloads/json';
import type { CallOutcome, GuardVerdict, KongContext } from './types';

/** Facts of the HTTP request every record of one log shares. */
export interface RequestContext {
  readonly kong: KongContext;
  readonly outcome: CallOutcome;
  readonly traceparent?: string;
  readonly startMs: number;
  readonly durationMs: number;
  /** True when Kong proxied the request upstream (`source: service`), false when it answered. */
  readonly proxied: boolean;
  /** The upstream service Kong proxied to (`service.host` / `service.port`). */
  readonly serverAddress?: string;
  readonly serverPort?: number;
}

/** One JSON-RPC message ai-mcp-proxy recorded (`ai.mcp.rpc[i]`). */
export interface McpRpc {
  readonly method?: string;
  /** JSON-RPC id, as Kong logs it (a string, even for numeric ids). */
  readonly id?: string;
  readonly latencyMs?: number;
  readonly toolName?: string;
  /** Kong's error text (a JSON-RPC error name such as `Invalid params`). */
  readonly error?: string;
  /** The JSON-RPC error code, from the logged response payload when present. */
  readonly errorCode?: number;
  readonly responseBodySize?: number;
  /** `params.arguments` of a `tools/call` request payload, as JSON text (content: opt-in). */
  readonly toolArguments?: string;
  /** `result` of the response payload, as JSON text (content: opt-in). */
  readonly toolResult?: string;
}

/** One ACL decision (`ai.mcp.audit[i]`, EE 3.13+). The consumer's id is never kept. */
export interface McpAudit {
  readonly primitive?: string;
  readonly primitiveName?: string;
  readonly action?: string;
  readonly scope?: string;
  readonly consumerName?: string;
  readonly consumerIdentifier?: string;
}

export interface McpTraffic {
  readonly sessionId?: string;
  readonly protocolVersion?: string;
  readonly rpcs: readonly McpRpc[];
  readonly audit: readonly McpAudit[];
}

/** One agent-to-agent call ai-a2a-proxy recorded (`ai.a2a.rpc[i]`). */
export interface A2aRpc {
  readonly method?: string;
  readonly binding?: string;
  readonly latencyMs?: number;
  readonly id?: string;
  readonly taskId?: string;
  readonly taskState?: string;
  readonly contextId?: string;
  readonly error?: string;
  readonly responseBodySize?: number;
  readonly streaming?: boolean;
  readonly ttfbMs?: number;
  readonly sseEvents?: number;
}

export interface RequestRecords {
  readonly context: RequestContext;
  readonly mcp?: McpTraffic;
  readonly a2a?: readonly A2aRpc[];
  /** Guards of a request with no LLM call: set only when no `meta`/`usage` entry exists. */
  readonly blockedGuards?: readonly GuardVerdict[];
}

/** Entries beyond this are junk (MCP 2025-06-18 has no batching; A2A logs one entry per call). */
const MAX_ENTRIES = 64;
const MAX_LABEL = 256;

/**
 * The non-LLM records of a parsed log; undefined when there are none. `hasLlmCalls` says whether
 * `callsFromLog` found calls (then guards ride on the call's span instead).
 */
export function requestRecords(log: unknown, hasLlmCalls: boolean): RequestRecords | undefined {
  const root = obj(log);
  const ai = obj(root?.ai);
  if (root === undefined || ai === undefined) return undefined;
  const mcp = mcpTraffic(obj(ai.mcp), root);
  const a2a = a2aRpcs(obj(ai.a2a));
  const guards = hasLlmCalls ? [] : guardVerdicts(ai);
  if (mcp === undefined && a2a === undefined && guards.length === 0) return undefined;
  return {
    context: context(root),
    ...(mcp === undefined ? {} : { mcp }),
    ...(a2a === undefined ? {} : { a2a }),
    ...(guards.length === 0 ? {} : { blockedGuards: guards }),
  };
}

function context(root: Obj): RequestContext {
  const shared = sharedFacts(root);
  const lat = shared.latencies;
  const proxied = str(root.source) === 'service';
  // Proxied: the upstream part (after Kong's own time). Answered by Kong (a guard's block, an MCP
  // conversion listener): the whole request.
  const timing = callTiming({
    mode: 'realtime',
    startedAt: shared.startedAt,
    latencies: {
      kong: proxied ? num(lat.kong) : 0,
      proxy: num(lat.proxy),
      receive: num(lat.receive),
      request: num(lat.request),
    },
  });
  const service = obj(root.service);
  const port = count(service?.port);
  return {
    kong: shared.kong,
    outcome: shared.outcome,
    traceparent: shared.traceparent,
    startMs: timing.startMs,
    durationMs: timing.durationMs,
    proxied,
    serverAddress: proxied ? label(service?.host) : undefined,
    serverPort: proxied && port !== undefined && port >= 1 && port <= 65535 ? port : undefined,
  };
}

function mcpTraffic(mcp: Obj | undefined, root: Obj): McpTraffic | undefined {
  if (mcp === undefined) return undefined;
  const rpcs = (arr(mcp.rpc) ?? []).slice(0, MAX_ENTRIES).map(mcpRpc);
  const audit = (arr(mcp.audit) ?? []).slice(0, MAX_ENTRIES).map(mcpAudit);
  if (rpcs.length === 0 && audit.length === 0) return undefined;
  const headers = obj(obj(root.request)?.headers);
  return {
    sessionId: label(mcp.mcp_session_id),
    protocolVersion: label(headerValue(headers?.['mcp-protocol-version'])),
    rpcs,
    audit,
  };
}

function mcpRpc(value: unknown): McpRpc {
  const r = obj(value) ?? {};
  const payload = obj(r.payload);
  const request = obj(parseJsonText(payload?.request));
  const response = obj(parseJsonText(payload?.response));
  const args = obj(request?.params)?.arguments;
  return {
    method: label(r.method),
    id: label(r.id) ?? (int(r.id) === undefined ? undefined : String(r.id)),
    latencyMs: latency(r.latency),
    toolName: label(r.tool_name),
    error: label(r.error),
    errorCode: int(obj(response?.error)?.code),
    responseBodySize: count(r.response_body_size),
    toolArguments: args === undefined ? undefined : safeJson(args),
    toolResult: response?.result === undefined ? undefined : safeJson(response.result),
  };
}

function mcpAudit(value: unknown): McpAudit {
  const a = obj(value) ?? {};
  const consumer = obj(a.consumer);
  return {
    primitive: label(a.primitive),
    primitiveName: label(a.primitive_name),
    action: label(a.action),
    scope: label(a.scope),
    consumerName: label(consumer?.name),
    consumerIdentifier: label(consumer?.identifier),
  };
}

function a2aRpcs(a2a: Obj | undefined): A2aRpc[] | undefined {
  const list = arr(a2a?.rpc);
  if (list === undefined || list.length === 0) return undefined;
  return list.slice(0, MAX_ENTRIES).map(value => {
    const r = obj(value) ?? {};
    return {
      method: label(r.method),
      binding: label(r.binding),
      latencyMs: latency(r.latency),
      id: label(r.id) ?? (int(r.id) === undefined ? undefined : String(r.id)),
      taskId: label(r.task_id),
      taskState: label(r.task_state),
      contextId: label(r.context_id),
      error: label(r.error),
      responseBodySize: count(r.response_body_size),
      streaming: bool(r.streaming),
      ttfbMs: latency(r.ttfb_latency),
      sseEvents: count(r.sse_events_count),
    };
  });
}

function safeJson(v: unknown): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}

function headerValue(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

const label = (v: unknown): string | undefined => name(v)?.slice(0, MAX_LABEL);

const latency = (v: unknown): number | undefined => {
  const n = num(v);
  return n !== undefined && n >= 0 && n <= 1e9 ? n : undefined;
};
