// Faults a client asks for with request headers (Kong forwards client headers upstream, so they
// work through Kong): `x-mock-status: 429` answers that status (400-599) with an OpenAI-style
// error body; `x-mock-delay-ms: 500` waits before answering (max 120000); `x-mock-chunk-delay-ms:
// 20` waits between stream frames.
import type http from 'node:http';
import { HttpError, headerNumber } from './http';

export interface Faults {
  delayMs: number;
  /** The status to answer with; undefined or 200: answer normally. */
  status: number | undefined;
  chunkDelayMs: number;
}

/** Reads the fault headers; a non-integer value is a 400. */
export function faultsOf(req: http.IncomingMessage): Faults {
  const delayMs = headerNumber(req, 'x-mock-delay-ms') ?? 0;
  const status = headerNumber(req, 'x-mock-status');
  const chunkDelayMs = headerNumber(req, 'x-mock-chunk-delay-ms') ?? 0;
  return { delayMs, status, chunkDelayMs };
}

/** The error `x-mock-status` asks for, with the message and code OpenAI uses for that status. */
export function injectedError(status: number | undefined): HttpError | undefined {
  if (status === undefined || status === 200) return undefined;
  if (status < 400 || status > 599) return new HttpError(400, 'x-mock-status must be 400-599.');
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
