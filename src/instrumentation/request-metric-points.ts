// Metric points of what Kong logs besides LLM calls (docs/design.md#mcp-and-a2a,
// #guards-and-judges): MCP and A2A in both families (the conventions' MCP duration and Kong 3.14's
// OTLP names in `gen_ai`; Kong's Prometheus names and labels in `kong`), guard blocks and MCP ACL
// decisions. Plain data, recorded like the LLM points.
import type { Attributes } from '@opentelemetry/api';
import type { A2aRpc, RequestContext, RequestRecords } from '../genai/request-records';
import type { GuardVerdict, KongContext } from '../genai/types';
import * as K from './kong-attributes';
import * as M from './metric-instruments';
import type { MetricFamily, MetricPoint } from './metric-points';
import { mcpErrorType, mcpOperationName } from './request-spans';
import * as S from './semconv';

export function requestMetricPoints(
  records: RequestRecords,
  families: ReadonlySet<MetricFamily>,
): MetricPoint[] {
  const points: MetricPoint[] = [];
  const { context: ctx } = records;
  const genAi = families.has('gen_ai');
  const kong = families.has('kong');
  for (const rpc of records.mcp?.rpcs ?? []) {
    const errorType = mcpErrorType(rpc);
    if (genAi && rpc.latencyMs !== undefined) {
      const a: Attributes = otelKong(ctx.kong);
      put(a, S.ATTR_MCP_METHOD_NAME, rpc.method);
      put(a, S.ATTR_GEN_AI_TOOL_NAME, rpc.toolName);
      put(a, S.ATTR_GEN_AI_OPERATION_NAME, mcpOperationName(rpc.method));
      put(a, S.ATTR_ERROR_TYPE, errorType);
      const name = ctx.proxied
        ? S.METRIC_MCP_CLIENT_OPERATION_DURATION
        : S.METRIC_MCP_SERVER_OPERATION_DURATION;
      push(points, name, rpc.latencyMs / 1000, a);
    }
    if (kong) {
      const labels = {
        ...promKong(ctx.kong),
        method: rpc.method ?? '',
        tool_name: rpc.toolName ?? '',
      };
      if (rpc.latencyMs !== undefined)
        push(points, M.METRIC_AI_MCP_LATENCY_MS, rpc.latencyMs, labels);
      if (rpc.responseBodySize !== undefined) {
        push(points, M.METRIC_AI_MCP_RESPONSE_BODY_SIZE_BYTES, rpc.responseBodySize, labels);
      }
      // Kong labels the error by its text (`Invalid params`), not by code.
      if (rpc.error !== undefined) {
        push(points, M.METRIC_AI_MCP_ERROR_TOTAL, 1, { ...labels, type: rpc.error });
      }
    }
  }
  if (genAi) {
    for (const entry of records.mcp?.audit ?? []) {
      const name =
        entry.action === 'allow'
          ? K.METRIC_KONG_GEN_AI_MCP_ACL_ALLOWED
          : entry.action === 'deny'
            ? K.METRIC_KONG_GEN_AI_MCP_ACL_DENIED
            : undefined;
      if (name === undefined) continue;
      const a = otelKong(ctx.kong);
      put(a, K.ATTR_KONG_GEN_AI_MCP_PRIMITIVE, entry.primitive);
      put(a, K.ATTR_KONG_GEN_AI_MCP_PRIMITIVE_NAME, entry.primitiveName);
      push(points, name, 1, a);
    }
  }
  for (const rpc of records.a2a ?? []) a2aPoints(points, rpc, ctx, genAi, kong);
  if (genAi && records.blockedGuards !== undefined) {
    points.push(...guardBlockPoints(records.blockedGuards));
  }
  return points;
}

/** One count per guard that blocked, by guard and block source (`gen_ai` family). */
export function guardBlockPoints(guards: readonly GuardVerdict[]): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const g of guards) {
    if (!g.blocked) continue;
    const a: Attributes = { [K.ATTR_KONG_GEN_AI_GUARD_NAME]: g.name };
    put(a, K.ATTR_KONG_GEN_AI_GUARD_BLOCK_SOURCE, g.blockSource);
    put(a, `${K.KONG_GEN_AI_GUARD_PREFIX}.blocked_side`, g.blockedSide);
    push(points, K.METRIC_KONG_GEN_AI_GUARD_BLOCKS, 1, a);
  }
  return points;
}

function a2aPoints(
  points: MetricPoint[],
  rpc: A2aRpc,
  ctx: RequestContext,
  genAi: boolean,
  kong: boolean,
): void {
  if (genAi) {
    const a = otelKong(ctx.kong);
    put(a, K.ATTR_KONG_A2A_METHOD, rpc.method);
    put(a, K.ATTR_KONG_A2A_BINDING, rpc.binding);
    push(points, K.METRIC_KONG_GEN_AI_A2A_REQUEST_COUNT, 1, a);
    if (rpc.latencyMs !== undefined) {
      push(points, K.METRIC_KONG_GEN_AI_A2A_REQUEST_DURATION, rpc.latencyMs / 1000, a);
    }
    if (rpc.responseBodySize !== undefined) {
      push(points, K.METRIC_KONG_GEN_AI_A2A_RESPONSE_SIZE, rpc.responseBodySize, a);
    }
    if (rpc.ttfbMs !== undefined) push(points, K.METRIC_KONG_GEN_AI_A2A_TTFB, rpc.ttfbMs / 1000, a);
    if (rpc.error !== undefined) {
      const e = { ...a, [K.ATTR_KONG_GEN_AI_A2A_ERROR_TYPE]: rpc.error };
      push(points, K.METRIC_KONG_GEN_AI_A2A_REQUEST_ERROR_COUNT, 1, e);
    }
    if (rpc.taskState !== undefined) {
      const t = { ...otelKong(ctx.kong), [K.ATTR_KONG_GEN_AI_A2A_TASK_STATE]: rpc.taskState };
      push(points, K.METRIC_KONG_GEN_AI_A2A_TASK_STATE_COUNT, 1, t);
    }
  }
  if (kong) {
    const labels = { ...promKong(ctx.kong), method: rpc.method ?? '', binding: rpc.binding ?? '' };
    push(points, M.METRIC_AI_A2A_REQUESTS_TOTAL, 1, labels);
    if (rpc.latencyMs !== undefined)
      push(points, M.METRIC_AI_A2A_LATENCY_MS, rpc.latencyMs, labels);
    if (rpc.ttfbMs !== undefined) push(points, M.METRIC_AI_A2A_TTFB_LATENCY_MS, rpc.ttfbMs, labels);
    if (rpc.responseBodySize !== undefined) {
      push(points, M.METRIC_AI_A2A_RESPONSE_BODY_SIZE_BYTES, rpc.responseBodySize, labels);
    }
    if (rpc.error !== undefined) {
      push(points, M.METRIC_AI_A2A_ERROR_TOTAL, 1, { ...labels, error_type: rpc.error });
    }
    if (rpc.taskState !== undefined) {
      push(points, M.METRIC_AI_A2A_TASK_STATES_TOTAL, 1, { ...labels, state: rpc.taskState });
    }
  }
}

/** Kong 3.14's OTLP context attributes: service, route, workspace. */
function otelKong(kong: KongContext): Attributes {
  const a: Attributes = {};
  put(a, K.ATTR_KONG_SERVICE_NAME, kong.serviceName);
  put(a, K.ATTR_KONG_ROUTE_NAME, kong.routeName);
  put(a, K.ATTR_KONG_WORKSPACE_NAME, kong.workspaceName);
  return a;
}

/** Kong's Prometheus context labels; Kong writes '' for what it does not know. */
function promKong(kong: KongContext): Record<string, string> {
  return {
    service: kong.serviceName ?? '',
    route: kong.routeName ?? '',
    workspace: kong.workspaceName ?? '',
  };
}

function push(points: MetricPoint[], name: M.InstrumentName, value: number, a: Attributes): void {
  if (Number.isFinite(value) && value >= 0) points.push({ instrument: name, value, attributes: a });
}

function put(a: Attributes, key: string, value: string | number | boolean | undefined): void {
  if (value !== undefined) a[key] = value;
}
