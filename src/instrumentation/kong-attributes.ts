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
