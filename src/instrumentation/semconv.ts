// GenAI attribute and metric names this plugin emits, copied as constants (the practice the
// semantic-conventions changelog recommends for Development-status names).
// `latest` = OpenTelemetry GenAI semantic conventions v1.41.0 (the last release that carries them);
// `legacy` = the OpenLLMetry names Dynatrace documents for Kong AI Gateway.

// --- latest (semconv v1.41.0) ---
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name' as const;
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name' as const;
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model' as const;
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model' as const;
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens' as const;
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature' as const;
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p' as const;
export const ATTR_GEN_AI_REQUEST_TOP_K = 'gen_ai.request.top_k' as const;
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY = 'gen_ai.request.frequency_penalty' as const;
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY = 'gen_ai.request.presence_penalty' as const;
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences' as const;
export const ATTR_GEN_AI_REQUEST_SEED = 'gen_ai.request.seed' as const;
export const ATTR_GEN_AI_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count' as const;
export const ATTR_GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream' as const;
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id' as const;
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons' as const;
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK =
  'gen_ai.response.time_to_first_chunk' as const;
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens' as const;
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens' as const;
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS =
  'gen_ai.usage.cache_read.input_tokens' as const;
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS =
  'gen_ai.usage.reasoning.output_tokens' as const;
export const ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT = 'gen_ai.embeddings.dimension.count' as const;
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages' as const;
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages' as const;
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions' as const;
export const ATTR_GEN_AI_TOOL_DEFINITIONS = 'gen_ai.tool.definitions' as const;
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type' as const;
export const ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT =
  'openai.response.system_fingerprint' as const;
/** Stable. */
export const ATTR_SERVER_ADDRESS = 'server.address' as const;
/** Stable. */
export const ATTR_SERVER_PORT = 'server.port' as const;
/** Stable. */
export const ATTR_ERROR_TYPE = 'error.type' as const;
/** Stable fallback value of `error.type`. */
export const ERROR_TYPE_VALUE_OTHER = '_OTHER' as const;

// --- legacy (OpenLLMetry, as Dynatrace documents it) ---
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system' as const;
export const ATTR_LLM_REQUEST_TYPE = 'llm.request.type' as const;
export const ATTR_GEN_AI_USAGE_PROMPT_TOKENS = 'gen_ai.usage.prompt_tokens' as const;
export const ATTR_GEN_AI_USAGE_COMPLETION_TOKENS = 'gen_ai.usage.completion_tokens' as const;
export const ATTR_LLM_USAGE_TOTAL_TOKENS = 'llm.usage.total_tokens' as const;
export const ATTR_GEN_AI_OPENAI_API_BASE = 'gen_ai.openai.api_base' as const;
export const ATTR_GEN_AI_OPENAI_API_VERSION = 'gen_ai.openai.api_version' as const;
export const ATTR_GEN_AI_OPENAI_SYSTEM_FINGERPRINT = 'gen_ai.openai.system_fingerprint' as const;
export const ATTR_LLM_IS_STREAMING = 'llm.is_streaming' as const;
/** Azure prompt filter verdicts (JSON); same name in both vocabularies. */
export const ATTR_GEN_AI_PROMPT_FILTER_RESULTS = 'gen_ai.prompt.prompt_filter_results' as const;
/** Prefix of the indexed legacy prompt attributes (`gen_ai.prompt.{i}.role`, ...). */
export const LEGACY_PROMPT_PREFIX = 'gen_ai.prompt' as const;
/** Prefix of the indexed legacy completion attributes (`gen_ai.completion.{i}.finish_reason`, ...). */
export const LEGACY_COMPLETION_PREFIX = 'gen_ai.completion' as const;
/** Prefix of the indexed legacy tool definitions (`llm.request.functions.{i}.name`, ...). */
export const LEGACY_FUNCTIONS_PREFIX = 'llm.request.functions' as const;

// --- metrics ---
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage' as const;
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration' as const;
export const METRIC_GEN_AI_SERVER_TIME_TO_FIRST_TOKEN =
  'gen_ai.server.time_to_first_token' as const;
export const METRIC_GEN_AI_SERVER_TIME_PER_OUTPUT_TOKEN =
  'gen_ai.server.time_per_output_token' as const;
export const METRIC_GEN_AI_CLIENT_GENERATION_CHOICES = 'gen_ai.client.generation.choices' as const;
export const METRIC_LLM_OPENAI_EMBEDDINGS_VECTOR_SIZE =
  'llm.openai.embeddings.vector_size' as const;

// --- latest (semconv v1.41.0), added for complete client coverage ---
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS =
  'gen_ai.usage.cache_creation.input_tokens' as const;
export const ATTR_GEN_AI_REQUEST_ENCODING_FORMATS = 'gen_ai.request.encoding_formats' as const;
export const ATTR_GEN_AI_OUTPUT_TYPE = 'gen_ai.output.type' as const;
export const ATTR_OPENAI_REQUEST_SERVICE_TIER = 'openai.request.service_tier' as const;
export const ATTR_OPENAI_RESPONSE_SERVICE_TIER = 'openai.response.service_tier' as const;
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name' as const;
export const ATTR_GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments' as const;
export const ATTR_GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result' as const;
export const ATTR_GEN_AI_EVALUATION_NAME = 'gen_ai.evaluation.name' as const;
export const ATTR_GEN_AI_EVALUATION_SCORE_VALUE = 'gen_ai.evaluation.score.value' as const;
export const EVENT_GEN_AI_EVALUATION_RESULT = 'gen_ai.evaluation.result' as const;
export const GEN_AI_OPERATION_EXECUTE_TOOL = 'execute_tool' as const;
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK =
  'gen_ai.client.operation.time_to_first_chunk' as const;
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK =
  'gen_ai.client.operation.time_per_output_chunk' as const;
// MCP (semconv v1.41.0 model/mcp) and the JSON-RPC attributes its spans use.
export const ATTR_MCP_METHOD_NAME = 'mcp.method.name' as const;
export const ATTR_MCP_SESSION_ID = 'mcp.session.id' as const;
export const ATTR_MCP_PROTOCOL_VERSION = 'mcp.protocol.version' as const;
export const ATTR_JSONRPC_REQUEST_ID = 'jsonrpc.request.id' as const;
export const ATTR_RPC_RESPONSE_STATUS_CODE = 'rpc.response.status_code' as const;
export const METRIC_MCP_CLIENT_OPERATION_DURATION = 'mcp.client.operation.duration' as const;
export const METRIC_MCP_SERVER_OPERATION_DURATION = 'mcp.server.operation.duration' as const;

// --- legacy (OpenLLMetry) ---
/** OpenLLMetry's (Traceloop semantic conventions 0.27) underscore forms of the cache counts. */
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_LEGACY =
  'gen_ai.usage.cache_read_input_tokens' as const;
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_LEGACY =
  'gen_ai.usage.cache_creation_input_tokens' as const;
/** OpenLLMetry's attribute of the choices counter. */
export const ATTR_LLM_RESPONSE_FINISH_REASON = 'llm.response.finish_reason' as const;
