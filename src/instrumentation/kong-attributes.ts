// Attribute and metric names of our own: Kong context and Kong-specific GenAI facts. Kept apart
// from semconv.ts so that no invented name ever poses as an OpenTelemetry convention.

export const ATTR_KONG_ROUTE_NAME = 'kong.route.name' as const;
export const ATTR_KONG_ROUTE_ID = 'kong.route.id' as const;
export const ATTR_KONG_SERVICE_NAME = 'kong.service.name' as const;
export const ATTR_KONG_SERVICE_ID = 'kong.service.id' as const;
export const ATTR_KONG_CONSUMER_USERNAME = 'kong.consumer.username' as const;
/** The consumer name as Kong EE 3.14's own OTel metrics name it. */
export const ATTR_KONG_AUTH_CONSUMER_NAME = 'kong.auth.consumer.name' as const;
export const ATTR_KONG_CONSUMER_ID = 'kong.consumer.id' as const;
export const ATTR_KONG_WORKSPACE_NAME = 'kong.workspace.name' as const;
export const ATTR_KONG_REQUEST_ID = 'kong.request.id' as const;
export const ATTR_KONG_PLUGIN_ID = 'kong.plugin.id' as const;
/** Kong's own trace id, recorded when the caller sent no usable `traceparent`. */
export const ATTR_KONG_TRACE_ID = 'kong.trace_id' as const;
export const ATTR_KONG_GEN_AI_REQUEST_MODE = 'kong.gen_ai.request.mode' as const;
export const ATTR_KONG_GEN_AI_USAGE_ESTIMATED = 'kong.gen_ai.usage.estimated' as const;
export const ATTR_KONG_GEN_AI_COST_SOURCE = 'kong.gen_ai.cost.source' as const;
export const ATTR_KONG_GEN_AI_CACHE_STATUS = 'kong.gen_ai.cache.status' as const;
/** Cost of the call, in the currency of Kong's (or the price table's) prices. */
export const ATTR_GEN_AI_USAGE_COST = 'gen_ai.usage.cost' as const;

export const METRIC_KONG_GEN_AI_LLM_COST = 'kong.gen_ai.llm.cost' as const;

/** The cost in `latest` mode: the conventions define no cost attribute, so it is ours. */
export const ATTR_KONG_GEN_AI_USAGE_COST = 'kong.gen_ai.usage.cost' as const;
/** Token details without a conventions name: `kong.gen_ai.usage.<detail>` (input_audio_tokens...). */
export const KONG_GEN_AI_USAGE_PREFIX = 'kong.gen_ai.usage' as const;
/** Service tier of a non-OpenAI provider (the `openai.*` names are for OpenAI only). */
export const ATTR_KONG_GEN_AI_RESPONSE_SERVICE_TIER = 'kong.gen_ai.response.service_tier' as const;
export const ATTR_KONG_GEN_AI_UPSTREAM_FAILED_ATTEMPTS =
  'kong.gen_ai.upstream.failed_attempts' as const;
/** Azure content-filter verdicts in `latest` mode (the conventions have no name for them). */
export const ATTR_KONG_GEN_AI_PROMPT_FILTER_RESULTS = 'kong.gen_ai.prompt_filter_results' as const;
export const KONG_GEN_AI_CHOICE_PREFIX = 'kong.gen_ai.choice' as const;

// Span events on the LLM call's span.
export const EVENT_KONG_GEN_AI_UPSTREAM_ATTEMPT = 'kong.gen_ai.upstream.attempt' as const;
export const ATTR_KONG_GEN_AI_UPSTREAM_ROUTE_TYPE = 'kong.gen_ai.upstream.route_type' as const;
export const ATTR_KONG_GEN_AI_UPSTREAM_STATE = 'kong.gen_ai.upstream.state' as const;
export const ATTR_KONG_GEN_AI_UPSTREAM_PROVIDER = 'kong.gen_ai.upstream.provider' as const;
export const EVENT_KONG_GEN_AI_GUARD = 'kong.gen_ai.guard' as const;
/** Guard attributes: `kong.gen_ai.guard.<field>` (name, mode, blocked, block_source, ...). */
export const KONG_GEN_AI_GUARD_PREFIX = 'kong.gen_ai.guard' as const;
export const ATTR_KONG_GEN_AI_GUARD_NAME = 'kong.gen_ai.guard.name' as const;
export const ATTR_KONG_GEN_AI_GUARD_BLOCK_SOURCE = 'kong.gen_ai.guard.block_source' as const;
export const ATTR_KONG_GEN_AI_EVALUATION_JUDGE_MODEL =
  'kong.gen_ai.evaluation.judge.model' as const;
export const ATTR_KONG_GEN_AI_EVALUATION_JUDGE_PROVIDER =
  'kong.gen_ai.evaluation.judge.provider' as const;

// MCP ACL decisions and A2A calls (Kong EE 3.14's own OTLP attribute names where it has them).
export const EVENT_KONG_GEN_AI_MCP_ACL = 'kong.gen_ai.mcp.acl' as const;
export const ATTR_KONG_GEN_AI_MCP_PRIMITIVE = 'kong.gen_ai.mcp.primitive' as const;
export const ATTR_KONG_GEN_AI_MCP_PRIMITIVE_NAME = 'kong.gen_ai.mcp.primitive_name' as const;
export const ATTR_KONG_GEN_AI_MCP_ACL_ACTION = 'kong.gen_ai.mcp.acl.action' as const;
export const ATTR_KONG_GEN_AI_MCP_ACL_SCOPE = 'kong.gen_ai.mcp.acl.scope' as const;
export const ATTR_KONG_GEN_AI_MCP_ACL_SUBJECT = 'kong.gen_ai.mcp.acl.subject' as const;
export const ATTR_KONG_GEN_AI_MCP_ACL_SUBJECT_TYPE = 'kong.gen_ai.mcp.acl.subject_type' as const;
export const ATTR_KONG_GEN_AI_MCP_ERROR = 'kong.gen_ai.mcp.error' as const;
export const ATTR_KONG_GEN_AI_MCP_RESPONSE_SIZE = 'kong.gen_ai.mcp.response.size' as const;
export const ATTR_KONG_A2A_OPERATION = 'kong.a2a.operation' as const;
export const ATTR_KONG_A2A_BINDING = 'kong.gen_ai.a2a.binding' as const;
export const ATTR_KONG_A2A_METHOD = 'kong.gen_ai.a2a.method' as const;
export const ATTR_KONG_A2A_TASK_ID = 'kong.a2a.task.id' as const;
export const ATTR_KONG_A2A_TASK_STATE = 'kong.a2a.task.state' as const;
export const ATTR_KONG_A2A_CONTEXT_ID = 'kong.a2a.context.id' as const;
export const ATTR_KONG_A2A_ERROR = 'kong.a2a.error' as const;
export const ATTR_KONG_A2A_STREAMING = 'kong.a2a.streaming' as const;
export const ATTR_KONG_A2A_TTFB_LATENCY = 'kong.a2a.ttfb_latency' as const;
export const ATTR_KONG_A2A_SSE_EVENTS_COUNT = 'kong.a2a.sse_events_count' as const;
export const ATTR_KONG_A2A_RESPONSE_SIZE = 'kong.a2a.response.size' as const;
export const ATTR_KONG_GEN_AI_A2A_ERROR_TYPE = 'kong.gen_ai.a2a.error.type' as const;
export const ATTR_KONG_GEN_AI_A2A_TASK_STATE = 'kong.gen_ai.a2a.task.state' as const;

// Metrics of our own and Kong EE 3.14's OTLP names.
export const METRIC_KONG_GEN_AI_GUARD_BLOCKS = 'kong.gen_ai.guard.blocks' as const;
export const METRIC_KONG_GEN_AI_MCP_ACL_ALLOWED = 'kong.gen_ai.mcp.acl.allowed' as const;
export const METRIC_KONG_GEN_AI_MCP_ACL_DENIED = 'kong.gen_ai.mcp.acl.denied' as const;
export const METRIC_KONG_GEN_AI_A2A_REQUEST_COUNT = 'kong.gen_ai.a2a.request.count' as const;
export const METRIC_KONG_GEN_AI_A2A_REQUEST_DURATION = 'kong.gen_ai.a2a.request.duration' as const;
export const METRIC_KONG_GEN_AI_A2A_RESPONSE_SIZE = 'kong.gen_ai.a2a.response.size' as const;
export const METRIC_KONG_GEN_AI_A2A_TTFB = 'kong.gen_ai.a2a.ttfb' as const;
export const METRIC_KONG_GEN_AI_A2A_REQUEST_ERROR_COUNT =
  'kong.gen_ai.a2a.request.error.count' as const;
export const METRIC_KONG_GEN_AI_A2A_TASK_STATE_COUNT = 'kong.gen_ai.a2a.task.state.count' as const;
