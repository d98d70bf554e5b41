// Operation from the provider path AI Proxy called (`upstream_uri`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { operationFromPath } from '../../../src/genai/payloads/operation';
import type { Operation } from '../../../src/genai/types';

const CASES: ReadonlyArray<readonly [string | undefined, Operation | undefined]> = [
  ['/v1/chat/completions', 'chat'],
  ['/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21', 'chat'],
  ['/v1/completions', 'completion'],
  ['/openai/deployments/instruct/completions?api-version=2024-10-21', 'completion'],
  ['/v1/embeddings', 'embedding'],
  ['/v1/messages', 'chat'],
  ['/v1/complete', 'completion'],
  ['/v1beta/models/gemini-1.5-pro:generateContent', 'chat'],
  ['/v1beta/models/gemini-1.5-pro:streamGenerateContent?alt=sse', 'chat'],
  [
    '/v1/projects/p/locations/us-central1/publishers/google/models/gemini-pro:generateContent',
    'chat',
  ],
  ['/v1beta/models/text-embedding-004:embedContent', 'embedding'],
  ['/v1beta/models/text-embedding-004:batchEmbedContents', 'embedding'],
  ['/v1/projects/p/locations/l/publishers/anthropic/models/claude:rawPredict', 'chat'],
  ['/model/anthropic.claude-3-sonnet-20240229-v1:0/converse', 'chat'],
  ['/model/anthropic.claude-3-sonnet-20240229-v1:0/converse-stream', 'chat'],
  ['/model/amazon.titan-embed-text-v1/invoke', undefined],
  ['/v1/chat', 'chat'],
  ['/v2/chat', 'chat'],
  ['/v1/generate', 'completion'],
  ['/v1/embed', 'embedding'],
  ['/api/chat', 'chat'],
  ['/api/generate', 'completion'],
  ['/api/embed', 'embedding'],
  ['/api/embeddings', 'embedding'],
  ['/v1/responses', 'chat'],
  ['/V1/Chat/Completions/', 'chat'],
  ['/models/mistralai/Mistral-7B-Instruct-v0.2', undefined],
  ['/v1beta/models/gemini-pro:countTokens', undefined],
  ['/constructor', undefined],
  ['/', undefined],
  ['', undefined],
  ['?x=/chat/completions', undefined],
  [undefined, undefined],
];

describe('operationFromPath', () => {
  for (const [path, operation] of CASES) {
    it(`maps ${JSON.stringify(path)} to ${operation ?? 'nothing'}`, () => {
      assert.equal(operationFromPath(path), operation);
    });
  }

  it('tolerates a non-string from an untyped caller', () => {
    assert.equal(operationFromPath(42 as unknown as string), undefined);
  });
});
