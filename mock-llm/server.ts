// The mock OpenAI-compatible LLM server: `startMockLlm` (a test helper, and what main.ts runs as
// the `mock-llm` service of docker-compose.yml), routing, and the names other code imports.
// Any API key is accepted. What each endpoint does: README.md in this folder.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatCompletions } from './chat';
import { completions } from './completions';
import { embeddings } from './embeddings';
import { faultsOf, injectedError } from './faults';
import { HttpError, readJson, sendError, sendJson, wait, type Exchange } from './http';
import { listModels } from './models';

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
  const { delayMs, status, chunkDelayMs } = faultsOf(req);
  const body = method === 'POST' ? await readJson(req) : {};
  if (!(await wait(ex, delayMs))) return;
  const fault = injectedError(status);
  if (fault !== undefined) throw fault;
  if (path === MOCK_LLM_ROUTES.chat) await chatCompletions(ex, body, chunkDelayMs);
  else if (path === MOCK_LLM_ROUTES.completions) await completions(ex, body, chunkDelayMs);
  else if (path === MOCK_LLM_ROUTES.embeddings) embeddings(ex, body);
  else listModels(ex);
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
