// Mock OpenAI-compatible LLM upstream: the `mock-llm` service of docker-compose.yml (behind Kong's
// ai-proxy) and a test helper (`startMockLlm`). Node `http` only, so the compiled file runs alone.
//
// Endpoints: POST /v1/chat/completions (+ `stream: true`), POST /v1/completions (+ stream),
// POST /v1/embeddings, GET /v1/models, GET /health. Any API key is accepted.
//
// Determinism: the same request body always gets the same text, ids, tool calls and vectors; the
// reply quotes the last user message, so redaction of prompts *and* completions can be observed.
// `created` is the real clock (as OpenAI's). Tokens are estimated like OpenAI's: ~4 characters a
// token, +4 per chat message, +3 reply priming, 85 per image part.
//
// Response model: a few names report their dated snapshot, as OpenAI does (`gpt-4o-mini` answers as
// `gpt-4o-mini-2024-07-18`), so request and response model differ in the telemetry; others echo.
//
// Streaming: `data: {chunk}` frames (first the role, then one frame per word, then the finish
// reason) and `data: [DONE]`. Like OpenAI, a final usage chunk (`choices: []`) is sent only when
// `stream_options.include_usage` is true, and every chunk then carries `usage: null`.
//
// Tool calls: when the request has function `tools`, `tool_choice` is not `none` and the last
// message is not a tool result, the mock calls ONE function: the named one for
// `tool_choice: {type:'function'}`, the first for `required`, otherwise (`auto`/unset) the first
// whose name occurs (case-insensitive) in the last user message; no match answers with text.
// Arguments hold each required parameter (all when none is required): enum -> first value,
// string -> "mock-<name>", number/integer -> 1, boolean -> true, array -> [], object -> {}.
//
// Request headers: `x-mock-status: 429` answers that status (400-599) with an OpenAI-style error
// body; `x-mock-delay-ms: 500` waits before answering (max 120000); `x-mock-chunk-delay-ms: 20`
// waits between stream frames. Kong forwards client headers upstream, so they work through Kong.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export const DEFAULT_MOCK_LLM_PORT = 8080;

/** The paths the mock serves (kong.yml's `upstream_url`s must point at one of the POST ones). */
export const MOCK_LLM_ROUTES = {
  chat: '/v1/chat/completions',
  completions: '/v1/completions',
  embeddings: '/v1/embeddings',
  models: '/v1/models',
  health: '/health',
} as const;

export interface MockLlmOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (tests); the container listens on 0.0.0.0. */
  host?: string;
  /** One line per request, e.g. `console.log`; default silent. */
  log?: (line: string) => void;
}

export interface MockLlm {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234` (the SDK wants `${url}/v1`). */
  readonly url: string;
  readonly port: number;
  /** Stops listening, drops open connections and pending delays. Never rejects; idempotent. */
  close(): Promise<void>;
}

type JsonObject = Record<string, unknown>;

/** An error that becomes an OpenAI-style error response. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_DELAY_MS = 120_000;
const MAX_CHOICES = 10;
const IMAGE_TOKENS = 85;
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'gpt-3.5-turbo-instruct', 'text-embedding-3-small'];
const SNAPSHOTS: Record<string, string> = {
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-3.5-turbo-instruct': 'gpt-3.5-turbo-instruct-0914',
};
const EMBEDDING_DIMENSIONS: Record<string, number> = { 'text-embedding-3-large': 3072 };
const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

// ---------------------------------------------------------------------------------------------
// Small pure helpers

const isRecord = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** About 4 characters a token, as OpenAI's rule of thumb; empty text is 0 tokens. */
const tokensOf = (text: string): number => Math.ceil(text.length / 4);

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

const responseModel = (model: string): string => SNAPSHOTS[model] ?? model;

const fingerprint = (model: string): string => `fp_${sha256(model).slice(0, 10)}`;

/** Text of a chat `content`: a string, or the text parts of an array; images counted apart. */
function contentText(content: unknown): { text: string; images: number } {
  if (typeof content === 'string') return { text: content, images: 0 };
  if (!Array.isArray(content)) return { text: '', images: 0 };
  let text = '';
  let images = 0;
  for (const part of content) {
    if (!isRecord(part)) continue;
    if (typeof part.text === 'string') text += part.text;
    else if (part.type === 'image_url' || part.type === 'input_image') images += 1;
  }
  return { text, images };
}

function requireModel(body: JsonObject): string {
  if (typeof body.model !== 'string' || body.model === '') {
    throw new HttpError(400, 'you must provide a model parameter', 'model');
  }
  return body.model;
}

function choiceCount(body: JsonObject): number {
  const n = body.n ?? 1;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_CHOICES) {
    throw new HttpError(400, `n must be an integer between 1 and ${MAX_CHOICES}`, 'n');
  }
  return n;
}

/** `max_completion_tokens` (current) or `max_tokens` (legacy, what Kong's ai-proxy sets). */
function maxTokens(body: JsonObject): number | undefined {
  const value = body.max_completion_tokens ?? body.max_tokens;
  return typeof value === 'number' && value > 0 ? Math.floor(value) : undefined;
}

/** Cuts `text` to `limit` tokens; `length` is OpenAI's finish reason for that. */
function limitText(text: string, limit: number | undefined): { text: string; finish: string } {
  if (limit === undefined || tokensOf(text) <= limit) return { text, finish: 'stop' };
  return { text: text.slice(0, limit * 4), finish: 'length' };
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}

function chatReply(model: string, ref: string, userText: string, index: number, n: number): string {
  const said = userText === '' ? '' : ` You said: "${excerpt(userText)}".`;
  const which = n > 1 ? ` (choice ${index + 1} of ${n})` : '';
  return (
    `Mock reply ${ref} from ${model}${which}.${said} ` +
    'This answer is deterministic: the same request always gets the same reply.'
  );
}

/** Splits text into stream deltas: one word (with its trailing space) per frame. */
const words = (text: string): string[] => text.match(/\S+\s*|\s+/g) ?? [];

// ---------------------------------------------------------------------------------------------
// Tool calls

interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

function argumentValue(name: string, schema: unknown): unknown {
  if (!isRecord(schema)) return `mock-${name}`;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  switch (schema.type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return `mock-${name}`;
  }
}

function mockArguments(parameters: unknown): string {
  if (!isRecord(parameters) || !isRecord(parameters.properties)) return '{}';
  const properties = parameters.properties;
  const required = Array.isArray(parameters.required)
    ? parameters.required.filter((key): key is string => typeof key === 'string')
    : Object.keys(properties);
  const args: JsonObject = {};
  for (const key of required) args[key] = argumentValue(key, properties[key]);
  return JSON.stringify(args);
}

/** The deterministic tool-call rule of the header comment; undefined: answer with text. */
function pickToolCall(body: JsonObject, messages: JsonObject[], ref: string): ToolCall | undefined {
  const functions = (Array.isArray(body.tools) ? body.tools : [])
    .map(tool => (isRecord(tool) && isRecord(tool.function) ? tool.function : undefined))
    .filter((fn): fn is JsonObject => fn !== undefined && typeof fn.name === 'string');
  const choice = body.tool_choice;
  if (functions.length === 0 || choice === 'none') return undefined;
  if (messages[messages.length - 1]?.role === 'tool') return undefined;
  let picked: JsonObject | undefined;
  if (isRecord(choice) && isRecord(choice.function)) {
    const wanted = choice.function.name;
    picked = functions.find(fn => fn.name === wanted);
  } else if (choice === 'required') {
    picked = functions[0];
  } else {
    const lastUser = [...messages].reverse().find(m => m.role === 'user');
    const said = contentText(lastUser?.content).text.toLowerCase();
    picked = functions.find(fn => said.includes(String(fn.name).toLowerCase()));
  }
  if (picked === undefined) return undefined;
  return {
    id: `call_${sha256(`${ref}:${String(picked.name)}`).slice(0, 24)}`,
    type: 'function',
    function: { name: String(picked.name), arguments: mockArguments(picked.parameters) },
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP plumbing

interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** Aborted when the client goes away or the server closes: ends pending waits. */
  signal: AbortSignal;
  requestId: string;
}

function sendJson(ex: Exchange, status: number, body: unknown, headers: JsonObject = {}): void {
  if (ex.res.headersSent || ex.res.destroyed) return;
  const text = JSON.stringify(body);
  ex.res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': ex.requestId,
    ...headers,
  } as http.OutgoingHttpHeaders);
  ex.res.end(text);
}

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
function sendError(ex: Exchange, error: HttpError): void {
  const type =
    error.status === 429
      ? 'requests'
      : error.status >= 500
        ? 'server_error'
        : 'invalid_request_error';
  const headers: JsonObject =
    error.status === 429 ? { 'retry-after': '1', 'x-ratelimit-remaining-requests': '0' } : {};
  const body = { error: { message: error.message, type, param: error.param, code: error.code } };
  sendJson(ex, error.status, body, headers);
}

/** The error `x-mock-status` asks for, with the message and code OpenAI uses for that status. */
function injectedError(status: number): HttpError {
  switch (status) {
    case 401:
      return new HttpError(401, 'Incorrect API key provided (mock).', null, 'invalid_api_key');
    case 404:
      return new HttpError(404, 'The model does not exist (mock).', 'model', 'model_not_found');
    case 429:
      return new HttpError(429, 'Rate limit reached (mock).', null, 'rate_limit_exceeded');
    case 503:
      return new HttpError(503, 'The server is overloaded (mock).');
    default:
      return new HttpError(status, `Mock error with status ${status}.`);
  }
}

async function readJson(req: http.IncomingMessage): Promise<JsonObject> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'Request body too large.');
    chunks.push(buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'We could not parse the JSON body of your request.');
  }
  if (!isRecord(body)) throw new HttpError(400, 'The request body must be a JSON object.');
  return body;
}

function headerNumber(req: http.IncomingMessage, name: string): number | undefined {
  const raw = req.headers[name];
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new HttpError(400, `${name} must be an integer.`);
  return value;
}

/** Waits unless the exchange is aborted (client gone, server closing): then resolves false. */
async function wait(ex: Exchange, ms: number): Promise<boolean> {
  if (ms <= 0) return !ex.signal.aborted;
  try {
    await sleep(Math.min(ms, MAX_DELAY_MS), undefined, { signal: ex.signal });
    return true;
  } catch {
    return false;
  }
}

/** Writes SSE frames, pausing `chunkDelayMs` between them; stops early if the client left. */
async function sendStream(ex: Exchange, frames: unknown[], chunkDelayMs: number): Promise<void> {
  ex.res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'x-request-id': ex.requestId,
  });
  for (const [i, frame] of frames.entries()) {
    if (i > 0 && !(await wait(ex, chunkDelayMs))) return;
    if (ex.res.destroyed) return;
    ex.res.write(`data: ${JSON.stringify(frame)}\n\n`);
  }
  if (!ex.res.destroyed) ex.res.end('data: [DONE]\n\n');
}

function includeUsage(body: JsonObject): boolean {
  return isRecord(body.stream_options) && body.stream_options.include_usage === true;
}

// ---------------------------------------------------------------------------------------------
// Endpoints

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

const usageOf = (prompt: number, completion: number): Usage => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
});

interface ChatChoice {
  index: number;
  content: string | null;
  toolCall: ToolCall | undefined;
  finish: string;
}

async function chatCompletions(ex: Exchange, body: JsonObject, chunkDelayMs: number) {
  const model = requireModel(body);
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new HttpError(
      400,
      "Missing required parameter: 'messages'.",
      'messages',
      'missing_required_parameter',
    );
  }
  const messages = body.messages.filter(isRecord);
  const n = choiceCount(body);
  const ref = sha256(JSON.stringify([model, body.messages, body.tools ?? null])).slice(0, 12);
  const lastUser = [...messages].reverse().find(m => m.role === 'user');
  const userText = contentText(lastUser?.content).text;
  const toolCall = pickToolCall(body, messages, ref);
  const limit = maxTokens(body);

  let promptTokens = 3 + (Array.isArray(body.tools) ? tokensOf(JSON.stringify(body.tools)) : 0);
  for (const message of messages) {
    const { text, images } = contentText(message.content);
    promptTokens += 4 + tokensOf(text) + images * IMAGE_TOKENS;
    if (message.tool_calls !== undefined)
      promptTokens += tokensOf(JSON.stringify(message.tool_calls));
  }
  const choices: ChatChoice[] = [];
  let completionTokens = 0;
  for (let index = 0; index < n; index += 1) {
    if (toolCall !== undefined) {
      const { name, arguments: args } = toolCall.function;
      completionTokens += 3 + tokensOf(name) + tokensOf(args);
      choices.push({ index, content: null, toolCall, finish: 'tool_calls' });
    } else {
      const { text, finish } = limitText(chatReply(model, ref, userText, index, n), limit);
      completionTokens += tokensOf(text);
      choices.push({ index, content: text, toolCall: undefined, finish });
    }
  }
  const head = {
    id: `chatcmpl-mock${ref}`,
    object: 'chat.completion',
    created: nowSeconds(),
    model: responseModel(model),
    system_fingerprint: fingerprint(model),
    service_tier: 'default',
  };
  const usage = usageOf(promptTokens, completionTokens);

  if (body.stream !== true) {
    sendJson(ex, 200, {
      ...head,
      choices: choices.map(c => ({
        index: c.index,
        message: {
          role: 'assistant',
          content: c.content,
          refusal: null,
          ...(c.toolCall === undefined ? {} : { tool_calls: [c.toolCall] }),
          annotations: [],
        },
        logprobs: null,
        finish_reason: c.finish,
      })),
      usage,
    });
    return;
  }
  const withUsage = includeUsage(body);
  const chunk = (choice: unknown[], extra: JsonObject = {}) => ({
    ...head,
    object: 'chat.completion.chunk',
    choices: choice,
    ...(withUsage ? { usage: null } : {}),
    ...extra,
  });
  const frames: unknown[] = [];
  for (const c of choices) {
    const delta = (d: JsonObject, finish: string | null = null) =>
      chunk([{ index: c.index, delta: d, logprobs: null, finish_reason: finish }]);
    if (c.toolCall !== undefined) {
      const { id, type, function: fn } = c.toolCall;
      const call = { index: 0, id, type, function: { name: fn.name, arguments: '' } };
      frames.push(delta({ role: 'assistant', content: null, tool_calls: [call] }));
      for (const piece of fn.arguments.match(/.{1,8}/gs) ?? []) {
        frames.push(delta({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
      }
    } else {
      frames.push(delta({ role: 'assistant', content: '', refusal: null }));
      for (const word of words(c.content ?? '')) frames.push(delta({ content: word }));
    }
    frames.push(delta({}, c.finish));
  }
  if (withUsage) frames.push(chunk([], { usage }));
  await sendStream(ex, frames, chunkDelayMs);
}

async function completions(ex: Exchange, body: JsonObject, chunkDelayMs: number) {
  const model = requireModel(body);
  const prompts = Array.isArray(body.prompt) ? body.prompt : [body.prompt];
  if (body.prompt === undefined || prompts.length === 0) {
    throw new HttpError(400, "Missing required parameter: 'prompt'.", 'prompt');
  }
  const texts = prompts.map(p => (typeof p === 'string' ? p : JSON.stringify(p)));
  const n = choiceCount(body);
  const ref = sha256(JSON.stringify([model, body.prompt])).slice(0, 12);
  const limit = maxTokens(body) ?? 16; // the legacy endpoint's own default
  const choices: { index: number; text: string; finish: string }[] = [];
  let completionTokens = 0;
  for (const [p, prompt] of texts.entries()) {
    for (let i = 0; i < n; i += 1) {
      const said = excerpt(prompt);
      const which = n > 1 ? ` (choice ${i + 1} of ${n})` : '';
      const full = ` Mock completion ${ref}${which} of "${said}". Same prompt, same text.`;
      const { text, finish } = limitText(full, limit);
      completionTokens += tokensOf(text);
      choices.push({ index: p * n + i, text, finish });
    }
  }
  const promptTokens = texts.reduce((sum, text) => sum + tokensOf(text), 0);
  const head = {
    id: `cmpl-mock${ref}`,
    object: 'text_completion',
    created: nowSeconds(),
    model: responseModel(model),
    system_fingerprint: fingerprint(model),
  };
  const usage = usageOf(promptTokens, completionTokens);
  if (body.stream !== true) {
    sendJson(ex, 200, {
      ...head,
      choices: choices.map(c => ({
        text: c.text,
        index: c.index,
        logprobs: null,
        finish_reason: c.finish,
      })),
      usage,
    });
    return;
  }
  const withUsage = includeUsage(body);
  const chunk = (choice: unknown[], extra: JsonObject = {}) => ({
    ...head,
    choices: choice,
    ...(withUsage ? { usage: null } : {}),
    ...extra,
  });
  const frames: unknown[] = [];
  for (const c of choices) {
    const piece = (text: string, finish: string | null = null) =>
      chunk([{ text, index: c.index, logprobs: null, finish_reason: finish }]);
    for (const word of words(c.text)) frames.push(piece(word));
    frames.push(piece('', c.finish));
  }
  if (withUsage) frames.push(chunk([], { usage }));
  await sendStream(ex, frames, chunkDelayMs);
}

/** A unit vector derived from the input; shorter `dimensions` give the normalized prefix. */
function embeddingVector(model: string, input: string, dimensions: number): Float32Array {
  const seed = sha256(`${model}\u0000${input}`);
  const raw = new Float64Array(dimensions);
  for (let block = 0; block * 8 < dimensions; block += 1) {
    const bytes = createHash('sha256').update(`${seed}:${block}`).digest();
    for (let j = 0; j < 8 && block * 8 + j < dimensions; j += 1) {
      raw[block * 8 + j] = bytes.readUInt32LE(j * 4) / 0x7fffffff - 1;
    }
  }
  const norm = Math.hypot(...raw) || 1;
  return Float32Array.from(raw, value => value / norm);
}

function embeddings(ex: Exchange, body: JsonObject): void {
  const model = requireModel(body);
  const input = body.input;
  const isTokenArray = Array.isArray(input) && input.every(x => typeof x === 'number');
  const inputs: unknown[] = Array.isArray(input) && !isTokenArray ? input : [input];
  if (input === undefined || input === '' || inputs.length === 0) {
    throw new HttpError(400, "'input' must be a non-empty string or array.", 'input');
  }
  const native = EMBEDDING_DIMENSIONS[model] ?? DEFAULT_EMBEDDING_DIMENSIONS;
  const dimensions = body.dimensions ?? native;
  if (typeof dimensions !== 'number' || !Number.isInteger(dimensions)) {
    throw new HttpError(400, 'dimensions must be an integer.', 'dimensions');
  }
  if (dimensions < 1 || dimensions > native) {
    throw new HttpError(400, `dimensions must be between 1 and ${native}.`, 'dimensions');
  }
  // The openai npm client asks for base64 by default and decodes it itself.
  const base64 = body.encoding_format === 'base64';
  let promptTokens = 0;
  const data = inputs.map((item, index) => {
    const text = typeof item === 'string' ? item : JSON.stringify(item);
    promptTokens += Array.isArray(item) ? item.length : tokensOf(text);
    const vector = embeddingVector(model, text, dimensions);
    const embedding = base64
      ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64')
      : Array.from(vector);
    return { object: 'embedding', index, embedding };
  });
  sendJson(ex, 200, {
    object: 'list',
    data,
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}

function models(ex: Exchange): void {
  const data = MODELS.map(id => ({
    id,
    object: 'model',
    created: 1_700_000_000,
    owned_by: 'mock-llm',
  }));
  sendJson(ex, 200, { object: 'list', data });
}

// ---------------------------------------------------------------------------------------------
// Server

const POST_ROUTES = new Set<string>([
  MOCK_LLM_ROUTES.chat,
  MOCK_LLM_ROUTES.completions,
  MOCK_LLM_ROUTES.embeddings,
]);
const GET_ROUTES = new Set<string>([MOCK_LLM_ROUTES.models, MOCK_LLM_ROUTES.health]);

async function route(ex: Exchange, path: string): Promise<void> {
  const { req } = ex;
  const method = req.method ?? 'GET';
  if (path === MOCK_LLM_ROUTES.health && method === 'GET') {
    sendJson(ex, 200, { status: 'ok' });
    return;
  }
  const known = POST_ROUTES.has(path) || GET_ROUTES.has(path);
  const allowed = POST_ROUTES.has(path) ? method === 'POST' : method === 'GET';
  if (!known || !allowed) {
    throw new HttpError(known ? 405 : 404, `Invalid URL (${method} ${path})`);
  }
  const delayMs = headerNumber(req, 'x-mock-delay-ms') ?? 0;
  const status = headerNumber(req, 'x-mock-status');
  const chunkDelayMs = headerNumber(req, 'x-mock-chunk-delay-ms') ?? 0;
  const body = method === 'POST' ? await readJson(req) : {};
  if (!(await wait(ex, delayMs))) return;
  if (status !== undefined && status !== 200) {
    if (status < 400 || status > 599) throw new HttpError(400, 'x-mock-status must be 400-599.');
    throw injectedError(status);
  }
  if (path === MOCK_LLM_ROUTES.chat) await chatCompletions(ex, body, chunkDelayMs);
  else if (path === MOCK_LLM_ROUTES.completions) await completions(ex, body, chunkDelayMs);
  else if (path === MOCK_LLM_ROUTES.embeddings) embeddings(ex, body);
  else models(ex);
}

/** Starts the mock on `host:port` (default 127.0.0.1 and a free port). */
export async function startMockLlm(options: MockLlmOptions = {}): Promise<MockLlm> {
  const host = options.host ?? '127.0.0.1';
  const closing = new AbortController();
  let sequence = 0;

  const server = http.createServer((req, res) => {
    const started = Date.now();
    const requestAbort = new AbortController();
    res.on('close', () => requestAbort.abort());
    sequence += 1;
    const ex: Exchange = {
      req,
      res,
      signal: AbortSignal.any([closing.signal, requestAbort.signal]),
      requestId: `req_mock${sequence.toString(16).padStart(8, '0')}`,
    };
    const path = new URL(req.url ?? '/', 'http://mock').pathname;
    route(ex, path)
      .catch((error: unknown) => {
        // After the SSE headers only dropping the connection can tell the client it failed.
        if (res.headersSent) res.destroy();
        else sendError(ex, error instanceof HttpError ? error : new HttpError(500, String(error)));
      })
      .finally(() => {
        options.log?.(`${req.method} ${path} ${res.statusCode} ${Date.now() - started}ms`);
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${port}`,
    port,
    close: () => {
      closed ??= new Promise<void>(resolve => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

// CLI: `node dist/mock-llm/server.js` (container) or `node --import tsx mock-llm/server.ts`.
if (require.main === module) {
  const port = Number(process.env.MOCK_LLM_PORT ?? DEFAULT_MOCK_LLM_PORT);
  const host = process.env.MOCK_LLM_HOST ?? '0.0.0.0';
  startMockLlm({ port, host, log: line => console.log(line) }).then(
    mock => {
      console.log(`mock-llm listening on ${host}:${mock.port}`);
      // PID 1 in a container gets no default SIGTERM handling: stop promptly ourselves.
      const stop = () => void mock.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      console.error(`mock-llm failed to start: ${String(error)}`);
      process.exit(1);
    },
  );
}
