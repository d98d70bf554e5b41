// HTTP plumbing: the per-request exchange, JSON body reading, JSON/SSE/error sending and
// abortable waits. Node `http` only, so the compiled folder runs without node_modules.
import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRecord, type JsonObject } from './json';

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_DELAY_MS = 120_000;

export interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** Aborted when the client goes away or the server closes: ends pending waits. */
  signal: AbortSignal;
  requestId: string;
}

/** An error that becomes an OpenAI-style error response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

export function sendJson(
  ex: Exchange,
  status: number,
  body: unknown,
  headers: JsonObject = {},
): void {
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
export function sendError(ex: Exchange, error: HttpError): void {
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

export async function readJson(req: http.IncomingMessage): Promise<JsonObject> {
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

export function headerNumber(req: http.IncomingMessage, name: string): number | undefined {
  const raw = req.headers[name];
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new HttpError(400, `${name} must be an integer.`);
  return value;
}

/** Waits (at most 120 s) unless the exchange is aborted (client gone, server closing): then false. */
export async function wait(ex: Exchange, ms: number): Promise<boolean> {
  if (ms <= 0) return !ex.signal.aborted;
  try {
    await sleep(Math.min(ms, MAX_DELAY_MS), undefined, { signal: ex.signal });
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `data: {frame}` SSE frames and `data: [DONE]`, pausing `chunkDelayMs` between frames;
 * stops early if the client left.
 */
export async function sendStream(
  ex: Exchange,
  frames: unknown[],
  chunkDelayMs: number,
): Promise<void> {
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
