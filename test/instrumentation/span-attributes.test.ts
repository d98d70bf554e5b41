// Span name and attributes per vocabulary mode (docs/design.md#semconv-modes), from logs in the 3.9
// shape.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callsFromLog } from '../../src/genai/calls';
import { spanAttributes, spanName } from '../../src/instrumentation/span-attributes';
import { resolveSemconvMode } from '../../src/pipeline/settings';
import * as F from '../fixtures/serialized-logs';

const chat = () => callsFromLog(F.log39())[0]!;

describe('span name', () => {
  it('is "{operation} {model}" in latest and both modes, "{system}.{type}" in legacy', () => {
    assert.equal(spanName(chat(), 'latest'), 'chat gpt-4o-mini');
    assert.equal(spanName(chat(), 'both'), 'chat gpt-4o-mini');
    assert.equal(spanName(chat(), 'legacy'), 'openai.chat');
  });
});

describe('span attributes', () => {
  it('emits only legacy names in legacy mode', () => {
    const a = spanAttributes(chat(), 'legacy', undefined);
    assert.equal(a['gen_ai.system'], 'openai');
    assert.equal(a['llm.request.type'], 'chat');
    assert.equal(a['gen_ai.usage.prompt_tokens'], 25);
    assert.equal(a['gen_ai.usage.completion_tokens'], 12);
    assert.equal(a['llm.usage.total_tokens'], 37);
    assert.equal(a['gen_ai.openai.api_base'], 'https://api.openai.com');
    assert.equal(a['gen_ai.completion.0.finish_reason'], 'stop');
    assert.equal(a['gen_ai.openai.system_fingerprint'], 'fp_44709d6fcb');
    assert.equal(a['llm.is_streaming'], false);
    for (const latest of [
      'gen_ai.provider.name',
      'gen_ai.operation.name',
      'gen_ai.usage.input_tokens',
    ]) {
      assert.equal(a[latest], undefined, latest);
    }
  });

  it('emits only latest names in latest mode', () => {
    const a = spanAttributes(chat(), 'latest', undefined);
    assert.equal(a['gen_ai.provider.name'], 'openai');
    assert.equal(a['gen_ai.operation.name'], 'chat');
    assert.equal(a['gen_ai.usage.input_tokens'], 25);
    assert.equal(a['gen_ai.usage.output_tokens'], 12);
    assert.deepEqual(a['gen_ai.response.finish_reasons'], ['stop']);
    assert.equal(a['openai.response.system_fingerprint'], 'fp_44709d6fcb');
    assert.equal(a['gen_ai.request.stream'], undefined, 'only when streaming');
    for (const legacy of ['gen_ai.system', 'llm.request.type', 'gen_ai.usage.prompt_tokens']) {
      assert.equal(a[legacy], undefined, legacy);
    }
  });

  it('keeps temperature 0 and top_p 0 (no truthiness checks)', () => {
    const a = spanAttributes(chat(), 'both', undefined);
    assert.equal(a['gen_ai.request.temperature'], 0);
    assert.equal(a['gen_ai.request.top_p'], 0);
    assert.equal(a['gen_ai.request.max_tokens'], 256);
  });

  it('carries the common attributes and Kong context in every mode', () => {
    for (const mode of ['legacy', 'latest', 'both'] as const) {
      const a = spanAttributes(chat(), mode, { value: 0.5, source: 'kong' });
      assert.equal(a['gen_ai.request.model'], 'gpt-4o-mini');
      assert.equal(a['gen_ai.response.model'], 'gpt-4o-mini-2024-07-18');
      assert.equal(a['gen_ai.response.id'], 'chatcmpl-abc123');
      assert.equal(a['server.address'], 'api.openai.com');
      assert.equal(a['server.port'], 443);
      assert.equal(a['kong.route.name'], 'openai-chat');
      assert.equal(a['kong.consumer.username'], 'team-a');
      assert.equal(a['kong.gen_ai.request.mode'], 'oneshot');
      // No invented gen_ai.* name in latest: the cost is kong.gen_ai.usage.cost there; legacy and
      // both keep the de-facto gen_ai.usage.cost.
      assert.equal(a['gen_ai.usage.cost'], mode === 'latest' ? undefined : 0.5);
      assert.equal(a['kong.gen_ai.usage.cost'], mode === 'legacy' ? undefined : 0.5);
      assert.equal(a['kong.gen_ai.cost.source'], 'kong');
    }
  });

  it('maps provider and operation names to semconv values', () => {
    const azure = callsFromLog(
      F.log39({ request: F.EMBEDDINGS_REQUEST, response: F.EMBEDDINGS_RESPONSE }),
    )[0]!;
    const a = spanAttributes({ ...azure, provider: 'mistral' }, 'both', undefined);
    assert.equal(a['gen_ai.operation.name'], 'embeddings');
    assert.equal(a['llm.request.type'], 'embedding');
    assert.equal(a['gen_ai.provider.name'], 'mistral_ai');
    assert.equal(a['gen_ai.system'], 'mistral');
    assert.equal(a['gen_ai.embeddings.dimension.count'], 4);
  });
});

describe('resolveSemconvMode', () => {
  it('prefers the config, then OTEL_SEMCONV_STABILITY_OPT_IN, then both', () => {
    assert.equal(
      resolveSemconvMode('legacy', { OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental' }),
      'legacy',
    );
    assert.equal(
      resolveSemconvMode(null, {
        OTEL_SEMCONV_STABILITY_OPT_IN: 'http, gen_ai_latest_experimental',
      }),
      'latest',
    );
    assert.equal(resolveSemconvMode(undefined, {}), 'both');
  });
});
