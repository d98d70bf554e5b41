// Conformance over Kong's own AI Proxy fixtures (the shared Kong fixture corpus, read in place):
// each OpenAI-format response Kong produces, with the provider-native request Kong sent, logged in
// the 3.9 shape and run through the real plugin server: one span whose response facts match.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as F from '../fixtures/serialized-logs';
import { startHarness, type Harness } from '../helpers/plugin-harness';
import { CORPUS_DIR, corpusSkip, listFixtures } from '../genai/payloads/corpus';

interface OpenAiResponse {
  id?: string;
  model?: string;
  object?: string;
  choices?: { finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

const responses = corpusSkip === false ? listFixtures('unit/expected-responses') : [];

describe(
  'conformance: Kong AI Proxy fixtures (OpenAI-format responses)',
  { skip: corpusSkip },
  () => {
    let h: Harness;
    before(async () => {
      h = await startHarness();
    });
    after(async () => {
      await h?.stop();
    });

    let n = 0;
    for (const file of responses) {
      const rel = file.replace('unit/expected-responses/', '');
      const provider = rel.split('/')[0]!;
      it(`${rel}: one span with the fixture's response facts`, async () => {
        const responseText = readFileSync(path.join(CORPUS_DIR, file), 'utf8');
        const requestFile = path.join(CORPUS_DIR, 'unit/expected-requests', rel);
        const requestText = existsSync(requestFile) ? readFileSync(requestFile, 'utf8') : undefined;
        const body = JSON.parse(responseText) as OpenAiResponse;
        const log = F.log39({
          provider,
          requestModel: 'fixture-model',
          responseText,
          ...(requestText ? { requestText } : {}),
        });
        const id = `conformance-${++n}`;
        (log.request as Record<string, unknown>).id = id;
        const event = await h.runLog(h.entity('c0000000-0000-4000-8000-000000000001'), {
          serialized: log,
        });
        assert.equal(event.pdkCalls, 1);

        const a = (await h.spanFor(id)).attributes;
        assert.equal(a['gen_ai.system'], provider);
        assert.equal(a['llm.request.type'], rel.includes('completions') ? 'completion' : 'chat');
        if (body.id !== undefined && body.id !== '') assert.equal(a['gen_ai.response.id'], body.id);
        if (body.model !== undefined && body.model !== '')
          assert.equal(a['gen_ai.response.model'], body.model);
        const reasons = (body.choices ?? [])
          .map(c => c.finish_reason)
          .filter(r => typeof r === 'string');
        if (reasons.length > 0) assert.deepEqual(a['gen_ai.response.finish_reasons'], reasons);
        if (body.usage?.prompt_tokens !== undefined) {
          assert.equal(a['gen_ai.usage.input_tokens'], body.usage.prompt_tokens);
        }
      });
    }
  },
);
