// Writes samples/kong-ai-logs.jsonl: Kong log lines (as file-log writes them) for `npm run demo`,
// built from the project's own test fixtures. Run with `tsx scripts/make-samples.ts`.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as F from '../test/fixtures/serialized-logs';
import { streamLog39, streamLogEe312 } from '../test/fixtures/stream-logs';

const withId = (log: Record<string, unknown>, id: string, startOffsetMs: number) => {
  (log.request as Record<string, unknown>).id = id;
  log.started_at = F.STARTED_AT + startOffsetMs;
  return JSON.stringify(log);
};

const { ai: _ai, ...healthCheck } = F.log39();
const lines = [
  withId(F.log39({ traceparent: F.TRACEPARENT, cost: 0.0000195 }), 'sample-chat', 0),
  withId(
    F.log38({
      request: F.COMPLETION_REQUEST,
      response: F.COMPLETION_RESPONSE,
      requestModel: 'gpt-3.5-turbo-instruct',
      responseModel: 'gpt-3.5-turbo-instruct',
      promptTokens: 3,
      completionTokens: 2,
      upstreamUri: '/v1/completions',
    }),
    'sample-completion',
    1000,
  ),
  withId(
    F.log39({
      request: F.EMBEDDINGS_REQUEST,
      response: F.EMBEDDINGS_RESPONSE,
      requestModel: 'text-embedding-3-small',
      responseModel: 'text-embedding-3-small',
      promptTokens: 4,
      completionTokens: 0,
      upstreamUri: '/v1/embeddings',
    }),
    'sample-embeddings',
    2000,
  ),
  withId(streamLog39(), 'sample-stream-oss', 3000),
  withId(streamLogEe312(), 'sample-stream-ee', 4000),
  withId(
    F.log39({ status: 429, upstreamStatus: '429', payloads: false }),
    'sample-rate-limited',
    5000,
  ),
  withId(F.log36(), 'sample-kong-3.6', 6000),
  withId(healthCheck, 'sample-no-ai', 7000),
  '{"this line": "is cut off',
];
const path = resolve(__dirname, '../samples/kong-ai-logs.jsonl');
writeFileSync(path, `${lines.join('\n')}\n`);
console.log(`wrote ${path} (${lines.length} lines)`);
