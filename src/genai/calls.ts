// Serialized Kong log -> LlmCall[]: one call per AI entry (all Kong log shapes), with the facts
// of its payloads, timings, tokens and Kong context. Total: never throws on any input.
import { findAiEntries, type AiEntry } from './ai-entries';
import { upstreamAttempts } from './attempts';
import { callTiming } from './call-timing';
import { evaluations } from './evaluations';
import { guardVerdicts } from './guards';
import { tokenDetails } from './payloads/response';
import { operationFromPath } from './payloads/operation';
import { arr, num, obj, str } from './payloads/json';
import { fullPayloads, type PayloadReader } from './payloads/payload-reader';
import { serverInfo } from './server-info';
import { tokenUsage } from './token-usage';
import type {
  CacheInfo,
  CallOutcome,
  KongContext,
  LlmCall,
  RequestFacts,
  RequestMode,
  ResponseFacts,
} from './types';

type Table = Record<string, unknown>;

/** Kong logs `UNSPECIFIED` when it could not tell the model (e.g. multipart bodies). */
const UNSPECIFIED_MODEL = 'UNSPECIFIED';

/**
 * Models and providers become span names and metric labels: a client-chosen megabyte "model"
 * must not. Real names are far shorter.
 */
const MAX_NAME_LENGTH = 256;
const capped = (name: string | undefined): string | undefined =>
  name === undefined || name.length <= MAX_NAME_LENGTH ? name : name.slice(0, MAX_NAME_LENGTH);

/**
 * The LLM calls of one serialized log (a parsed object). An empty list when there are none.
 * `payloads` turns logged bodies into facts (docs/design.md#payload-readers).
 */
export function callsFromLog(log: unknown, payloads: PayloadReader = fullPayloads): LlmCall[] {
  const root = obj(log);
  if (root === undefined) return [];
  const entries = findAiEntries(root.ai);
  if (entries.length === 0) return [];
  const shared = sharedFacts(root);
  const calls = entries.map(entry => buildCall(entry, shared, payloads));
  // Guards and judges describe the request's LLM call: they go with the first one (`proxy`).
  const ai = obj(root.ai);
  const guards = guardVerdicts(ai);
  const scores = evaluations(ai);
  if (guards.length === 0 && scores.length === 0) return calls;
  const first = calls[0]!;
  calls[0] = {
    ...first,
    ...(guards.length > 0 ? { guards } : {}),
    ...(scores.length > 0 ? { evaluations: scores } : {}),
  };
  return calls;
}

/** Facts of the request that every AI entry of the log shares. */
export interface SharedFacts {
  readonly kong: Omit<KongContext, 'pluginId'>;
  readonly outcome: CallOutcome;
  readonly traceparent?: string;
  readonly contentType?: string;
  readonly upstreamUri?: string;
  readonly upstreamPort?: number;
  readonly latencies: Table;
  readonly startedAt?: number;
  readonly tries?: unknown;
  readonly upstreamStatusText?: unknown;
}

export function sharedFacts(root: Table): SharedFacts {
  const request = obj(root.request);
  const response = obj(root.response);
  const route = obj(root.route);
  const service = obj(root.service);
  const consumer = obj(root.consumer);
  const tries = arr(root.tries);
  const lastTry = tries === undefined ? undefined : obj(tries[tries.length - 1]);
  return {
    kong: {
      routeName: str(route?.name),
      routeId: str(route?.id),
      serviceName: str(service?.name),
      serviceId: str(service?.id),
      consumerUsername: str(consumer?.username) ?? str(consumer?.custom_id),
      consumerId: str(consumer?.id),
      workspaceName: str(root.workspace_name),
      requestId: str(request?.id),
      traceId: str(obj(root.trace_id)?.w3c),
    },
    outcome: outcomeOf(root, response),
    traceparent: header(obj(request?.headers), 'traceparent'),
    contentType: header(obj(response?.headers), 'content-type'),
    upstreamUri: str(root.upstream_uri),
    upstreamPort: intLike(lastTry?.port),
    latencies: obj(root.latencies) ?? {},
    startedAt: num(root.started_at),
    tries,
    upstreamStatusText: root.upstream_status,
  };
}

function buildCall(entry: AiEntry, shared: SharedFacts, payloads: PayloadReader): LlmCall {
  const { meta, usage } = entry;
  const provider = capped(str(meta.provider_name)) ?? 'unknown';
  const request: RequestFacts = payloads.request(entry.payload?.request, provider);
  const response: ResponseFacts = payloads.response(entry.payload?.response);
  const loggedMode = str(meta.request_mode);
  const mode = requestMode(loggedMode, request, shared.contentType);
  const promptDetails = obj(usage.prompt_tokens_details);
  const completionDetails = obj(usage.completion_tokens_details);
  const inputDetails = obj(usage.input_tokens_details);
  const outputDetails = obj(usage.output_tokens_details);
  const details = {
    cached: num(promptDetails?.cached_tokens) ?? num(inputDetails?.cached_tokens),
    reasoning: num(completionDetails?.reasoning_tokens) ?? num(outputDetails?.reasoning_tokens),
  };
  const attempts = upstreamAttempts(
    entry.table?.tried_targets,
    shared.tries,
    shared.upstreamStatusText,
  );
  const answered = attempts.answered;
  const kongCost = num(usage.cost);
  const latencies = shared.latencies;
  return {
    source: entry.source,
    provider,
    operation:
      response.operation ?? request.operation ?? operationFromPath(shared.upstreamUri) ?? 'chat',
    requestModel: model(str(meta.request_model)) ?? model(request.model),
    responseModel: model(response.model) ?? model(str(meta.response_model)),
    mode,
    usage: tokenUsage(
      {
        // Non-text categories (image, audio, realtime, video) log `input_tokens`/`output_tokens`
        // instead (EE 3.11+); Kong's own metrics fall back to them from 3.14.0.13 / 3.15.0.4.
        promptTokens:
          num(usage.prompt_tokens) ?? num(usage.prompt_token) ?? num(usage.input_tokens),
        completionTokens:
          num(usage.completion_tokens) ?? num(usage.completion_token) ?? num(usage.output_tokens),
        totalTokens: num(usage.total_tokens),
        cachedTokens: details.cached,
        reasoningTokens: details.reasoning,
        details:
          tokenDetails(promptDetails, completionDetails) ??
          tokenDetails(inputDetails, outputDetails),
        modeLogged: loggedMode !== undefined,
      },
      response,
      provider,
      mode,
    ),
    kongCost: kongCost !== undefined && kongCost > 0 ? kongCost : undefined,
    timing: callTiming({
      mode,
      startedAt: shared.startedAt,
      latencies: {
        kong: num(latencies.kong),
        proxy: num(latencies.proxy),
        receive: num(latencies.receive),
        request: num(latencies.request),
      },
      llmLatency: num(meta.llm_latency),
      timeToFirstToken: num(usage.time_to_first_token),
    }),
    request,
    response,
    server: serverInfo({
      provider,
      host: answered?.host,
      azureInstance: str(meta.azure_instance_id),
      azureDeployment: str(meta.azure_deployment_id),
      azureApiVersion: str(meta.azure_api_version),
      port: answered?.port ?? shared.upstreamPort,
    }),
    outcome: shared.outcome,
    kong: { ...shared.kong, pluginId: str(meta.plugin_id) },
    cache: cacheInfo(entry.cache),
    traceparent: shared.traceparent,
    ...(loggedMode === undefined ? {} : { kongRequestMode: loggedMode.slice(0, 32) }),
    ...(answered?.routeType === undefined ? {} : { routeType: answered.routeType }),
    ...(attempts.failed.length > 0 ? { failedAttempts: attempts.failed } : {}),
  };
}

function requestMode(
  logged: string | undefined,
  request: RequestFacts,
  contentType: string | undefined,
): RequestMode {
  if (logged === 'stream' || logged === 'oneshot' || logged === 'realtime') return logged;
  if (request.stream === true) return 'stream';
  return contentType?.toLowerCase().startsWith('text/event-stream') === true ? 'stream' : 'oneshot';
}

function outcomeOf(root: Table, response: Table | undefined): CallOutcome {
  const httpStatus = intLike(response?.status);
  // With retries nginx logs one status per attempt (`"429, 200"`): the last one answered.
  const upstreamStatus = intLike(lastStatus(root.upstream_status));
  const failedStatus = [httpStatus, upstreamStatus].find(s => s !== undefined && s >= 400);
  const isError = failedStatus !== undefined || str(root.source) === 'error';
  return {
    httpStatus,
    upstreamStatus,
    isError,
    errorType: isError ? (failedStatus !== undefined ? String(failedStatus) : '_OTHER') : undefined,
  };
}

function cacheInfo(cache: Table | undefined): CacheInfo | undefined {
  if (cache === undefined) return undefined;
  return {
    status: str(cache.cache_status),
    vectorDb: str(cache.vector_db),
    embeddingsProvider: str(cache.embeddings_provider),
    embeddingsModel: str(cache.embeddings_model),
    fetchLatencyMs: num(cache.fetch_latency),
    embeddingsLatencyMs: num(cache.embeddings_latency),
  };
}

const model = (name: string | undefined): string | undefined =>
  name === undefined || name === '' || name === UNSPECIFIED_MODEL ? undefined : capped(name);

function lastStatus(value: unknown): unknown {
  if (typeof value !== 'string' || value.length > 1024) return value;
  const parts = value.split(/[,:]/);
  return parts[parts.length - 1]!.trim();
}

/** Kong logs some integers as strings (`upstream_status: "200"`); `""` is no value. */
function intLike(value: unknown): number | undefined {
  const n = typeof value === 'string' ? (value.trim() === '' ? undefined : Number(value)) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

/** A header from a serialized header table: values may be a string or a list of strings. */
function header(headers: Table | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (typeof value === 'string') return value;
  const list = arr(value);
  return list === undefined ? undefined : str(list[0]);
}
