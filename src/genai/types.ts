// The GenAI model: what one LLM call proxied by Kong looked like, independent of Kong's log shape
// and of OpenTelemetry. Every field is optional unless Kong always provides it: parsers are total,
// so a missing or malformed value is simply absent.

/** Operation in the legacy (OpenLLMetry `llm.request.type`) vocabulary; `latest` names are mapped later. */
export type Operation = 'chat' | 'completion' | 'embedding';

/** How AI Proxy talked to the provider (`realtime`: a WebSocket session, EE 3.11+). */
export type RequestMode = 'oneshot' | 'stream' | 'realtime';

/** A tool call requested by the model (or echoed back in a request's history). */
export interface ToolCall {
  readonly id?: string;
  readonly name?: string;
  /** JSON text of the arguments, as the provider sent it. */
  readonly arguments?: string;
}

/** One message of a conversation, normalised across provider formats. */
export interface Message {
  readonly role: string;
  /** Text content; multi-part text is joined with newlines, non-text parts are left out. */
  readonly content?: string;
  readonly toolCalls?: readonly ToolCall[];
  /** For `tool` messages: the id of the call this message answers. */
  readonly toolCallId?: string;
  /** An assistant's refusal text (OpenAI `refusal`), given instead of content. */
  readonly refusal?: string;
}

/** A tool (function) the caller offered to the model. */
export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  /** JSON text of the parameters schema. */
  readonly parameters?: string;
}

/** Facts from the request body AI Proxy sent upstream (provider-native format). */
export interface RequestFacts {
  readonly model?: string;
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly topP?: number;
  readonly topK?: number;
  readonly stopSequences?: readonly string[];
  readonly seed?: number;
  readonly frequencyPenalty?: number;
  readonly presencePenalty?: number;
  readonly stream?: boolean;
  readonly choiceCount?: number;
  /** Conversation messages (system messages included, in order). */
  readonly messages?: readonly Message[];
  /** System instructions given outside the messages (Anthropic `system`, Gemini `systemInstruction`...). */
  readonly systemInstructions?: readonly string[];
  readonly tools?: readonly ToolDefinition[];
  /** Text inputs of an embeddings request. */
  readonly embeddingsInput?: readonly string[];
  /** Operation implied by the body's shape (`messages`, `prompt`, `input`...). */
  readonly operation?: Operation;
  /** OpenAI `service_tier` the caller asked for. */
  readonly serviceTier?: string;
  /** Embeddings `encoding_format` (`float`, `base64`). */
  readonly encodingFormats?: readonly string[];
  /** Output type asked for, in the conventions' values (`text`, `json`, `image`, `speech`). */
  readonly outputType?: string;
}

/** One choice of a (normalised, OpenAI-format) response. */
export interface Choice {
  readonly index: number;
  readonly finishReason?: string;
  readonly message?: Message;
  /** Azure per-choice `content_filter_results`, as JSON text. */
  readonly contentFilterResults?: string;
}

/** Token usage as the provider reported it in the response body. */
export interface ProviderUsage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly totalTokens?: number;
  readonly cachedInputTokens?: number;
  readonly reasoningOutputTokens?: number;
  /** Cache-write (cache-creation) input tokens (Anthropic `cache_creation_input_tokens`). */
  readonly cacheCreationInputTokens?: number;
  readonly details?: TokenDetails;
}

/** Per-modality and prediction token details (Kong's `*_details`, the provider's usage). */
export interface TokenDetails {
  readonly inputText?: number;
  readonly inputImage?: number;
  readonly inputAudio?: number;
  readonly outputText?: number;
  readonly outputAudio?: number;
  readonly acceptedPrediction?: number;
  readonly rejectedPrediction?: number;
}

/** Facts from the response body Kong logged (already normalised to OpenAI format by Kong). */
export interface ResponseFacts {
  readonly id?: string;
  readonly model?: string;
  /** Operation implied by the response `object` field. */
  readonly operation?: Operation;
  readonly choices?: readonly Choice[];
  readonly systemFingerprint?: string;
  readonly usage?: ProviderUsage;
  /** Azure `prompt_filter_results`, as JSON text. */
  readonly promptFilterResults?: string;
  /** Length of the first embedding vector. */
  readonly embeddingDimension?: number;
  /** Kong's composite stream payload carries the concatenated text in an extra `response` string. */
  readonly isKongStreamComposite?: boolean;
  /** Service tier the provider reports (OpenAI `service_tier`, Anthropic `usage.service_tier`). */
  readonly serviceTier?: string;
}

/** Token counts of the call after choosing between Kong's and the provider's numbers. */
export interface TokenUsage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly totalTokens?: number;
  readonly cachedInputTokens?: number;
  readonly reasoningOutputTokens?: number;
  readonly cacheCreationInputTokens?: number;
  readonly details?: TokenDetails;
  /** True when Kong estimated the counts (streamed OpenAI-family responses on Kong OSS). */
  readonly estimated: boolean;
}

/** Timings in milliseconds; `startMs` is a Unix epoch time. */
export interface CallTiming {
  readonly startMs: number;
  /** Duration of the LLM call, never negative. */
  readonly durationMs: number;
  /** Streams: time to first token (EE 3.12+ `time_to_first_token`, else `latencies.proxy`). */
  readonly timeToFirstTokenMs?: number;
  /** Streams: generation time after the first token (`latencies.receive`). */
  readonly generationMs?: number;
  /** `meta.llm_latency` as Kong logged it (what Kong's provider-latency metric records). */
  readonly llmLatencyMs?: number;
}

/** Where the provider lives, for `server.*` and the legacy `gen_ai.openai.api_base`. */
export interface ServerInfo {
  readonly address?: string;
  readonly port?: number;
  readonly apiBase?: string;
  readonly apiVersion?: string;
}

/** Kong context of the request, from the serialized log. */
export interface KongContext {
  readonly routeName?: string;
  readonly routeId?: string;
  readonly serviceName?: string;
  readonly serviceId?: string;
  readonly consumerUsername?: string;
  readonly consumerId?: string;
  readonly workspaceName?: string;
  readonly requestId?: string;
  readonly pluginId?: string;
  /** Kong's own W3C trace id (`trace_id.w3c`), when its tracing ran. */
  readonly traceId?: string;
}

/** Semantic-cache and vector-db data Kong logged next to the call (EE). */
export interface CacheInfo {
  readonly status?: string;
  readonly vectorDb?: string;
  readonly embeddingsProvider?: string;
  readonly embeddingsModel?: string;
  readonly fetchLatencyMs?: number;
  readonly embeddingsLatencyMs?: number;
}

/** Outcome of the call as the client and Kong saw it. */
export interface CallOutcome {
  readonly httpStatus?: number;
  readonly upstreamStatus?: number;
  readonly isError: boolean;
  /** Low-cardinality error class: the status code as a string, or `_OTHER`. */
  readonly errorType?: string;
}

/** One LLM call proxied by Kong: the unit every span and metric point is built from. */
export interface LlmCall {
  /** Key of the `ai` child the call came from (`proxy`, `ai-proxy`, ...; `''` for the flat 3.6 layout). */
  readonly source: string;
  /** Kong provider name as configured (`openai`, `azure`, ...). */
  readonly provider: string;
  readonly operation: Operation;
  readonly requestModel?: string;
  readonly responseModel?: string;
  readonly mode: RequestMode;
  readonly usage: TokenUsage;
  /** Kong's own `usage.cost`, when > 0. */
  readonly kongCost?: number;
  readonly timing: CallTiming;
  readonly request: RequestFacts;
  readonly response: ResponseFacts;
  readonly server: ServerInfo;
  readonly outcome: CallOutcome;
  readonly kong: KongContext;
  readonly cache?: CacheInfo;
  /** The caller's W3C `traceparent` request header, when present (validated later). */
  readonly traceparent?: string;
  /** `meta.request_mode` exactly as Kong logged it (EE 3.12+), for Kong's `request_mode` label. */
  readonly kongRequestMode?: string;
  /** Kong route type of the target that answered (EE 3.11+ `tried_targets`: `llm/v1/chat`...). */
  readonly routeType?: string;
  /** Upstream attempts that failed before the one that answered (EE 3.11+ `tried_targets`). */
  readonly failedAttempts?: readonly UpstreamAttempt[];
  /** Guard and helper plugins' verdicts logged next to the call (EE 3.10+). */
  readonly guards?: readonly GuardVerdict[];
  /** LLM-as-judge scores of this call (EE 3.12+ `ai-llm-as-judge`). */
  readonly evaluations?: readonly Evaluation[];
}

/** One upstream target AI Proxy tried (`tried_targets[i]`, paired with `tries[i]`). */
export interface UpstreamAttempt {
  readonly provider?: string;
  readonly model?: string;
  readonly host?: string;
  readonly port?: number;
  readonly routeType?: string;
  /** HTTP status of the attempt, when Kong logged it (`tries[i].code`). */
  readonly status?: number;
  /** Balancer state of a failed try (`next`, `failed`). */
  readonly state?: string;
  /** Epoch ms the attempt started (`tries[i].balancer_start`). */
  readonly startMs?: number;
}

/** What a guard (or helper) plugin logged for one request. */
export interface GuardVerdict {
  /** Log key: `lakera-guard`, `aws-guardrails`, `sanitizer`, `compressor`, `rag-inject`... */
  readonly name: string;
  /** `INPUT` | `OUTPUT` | `BOTH` (EE 3.14+). */
  readonly mode?: string;
  readonly blocked: boolean;
  /** Plugin that blocked (`input_block_source` or `output_block_source`). */
  readonly blockSource?: string;
  /** `input` or `output`: which side was blocked. */
  readonly blockedSide?: 'input' | 'output';
  readonly blockReason?: string;
  readonly inputLatencyMs?: number;
  readonly outputLatencyMs?: number;
  readonly triggeredCount?: number;
  /** Raw blocked text (`input_faulty_prompt` / `output_faulty_response`), only with capture on. */
  readonly faultyContent?: string;
  /** Other scalar facts (vector db, PII counts, compression ratio...), prefixed by the caller. */
  readonly facts: Readonly<Record<string, string | number | boolean>>;
}

/** An LLM-as-judge score for a call. */
export interface Evaluation {
  readonly name: string;
  readonly score?: number;
  readonly judgeModel?: string;
  readonly judgeProvider?: string;
}
