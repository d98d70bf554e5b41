// Response facts and derived values (docs/design.md#provider-knowledge, #timing-rules,
// #token-rules): Azure content filters, tool calls, reasoning and cached tokens, cost from Kong and
// from the price table, Azure server facts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callsFromLog } from '../../src/genai/calls';
import { callCost, PriceTable } from '../../src/genai/cost';
import { spanAttributes } from '../../src/instrumentation/span-attributes';
import * as F from '../fixtures/serialized-logs';

const azureFiltered = {
  id: 'chatcmpl-azure',
  object: 'chat.completion',
  model: 'gpt-4o',
  prompt_filter_results: [
    { prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: 'safe' } } },
  ],
  choices: [
    {
      index: 0,
      finish_reason: 'content_filter',
      message: { role: 'assistant', content: null },
      content_filter_results: { violence: { filtered: true, severity: 'medium' } },
    },
  ],
  usage: { prompt_tokens: 10, completion_tokens: 0, total_tokens: 10 },
};

describe('provider response facts', () => {
  it('emits Azure prompt and per-choice content filter verdicts in every mode', () => {
    const log = F.log39({ provider: 'azure', response: azureFiltered });
    const proxy = (log.ai as Record<string, Record<string, Record<string, unknown>>>).proxy!;
    Object.assign(proxy.meta!, {
      azure_instance_id: 'my-inst',
      azure_deployment_id: 'gpt4o-prod',
      azure_api_version: '2024-06-01',
    });
    const call = callsFromLog(log)[0]!;
    for (const mode of ['legacy', 'latest', 'both'] as const) {
      const a = spanAttributes(call, mode, undefined);
      // `latest` invents nothing in gen_ai.*: the verdicts go under kong.gen_ai.* there.
      const [prompt, choice] =
        mode === 'latest'
          ? ['kong.gen_ai.prompt_filter_results', 'kong.gen_ai.choice.0.content_filter_results']
          : ['gen_ai.prompt.prompt_filter_results', 'gen_ai.completion.0.content_filter_results'];
      assert.deepEqual(JSON.parse(String(a[prompt])), azureFiltered.prompt_filter_results);
      assert.deepEqual(
        JSON.parse(String(a[choice])),
        azureFiltered.choices[0]!.content_filter_results,
      );
    }
    const a = spanAttributes(call, 'both', undefined);
    assert.equal(a['server.address'], 'my-inst.openai.azure.com');
    assert.equal(
      a['gen_ai.openai.api_base'],
      'https://my-inst.openai.azure.com/openai/deployments/gpt4o-prod',
    );
    assert.equal(a['gen_ai.openai.api_version'], '2024-06-01');
    assert.equal(a['gen_ai.provider.name'], 'azure.ai.openai');
    assert.equal(a['gen_ai.system'], 'azure');
    assert.deepEqual(a['gen_ai.response.finish_reasons'], ['content_filter']);
  });

  it('reads tool calls from the response', () => {
    const call = callsFromLog(
      F.log39({
        response: {
          ...F.CHAT_RESPONSE,
          choices: [
            {
              index: 0,
              finish_reason: 'tool_calls',
              message: {
                role: 'assistant',
                content: null,
                tool_calls: [
                  {
                    id: 'call_9',
                    type: 'function',
                    function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
                  },
                ],
              },
            },
          ],
        },
      }),
    )[0]!;
    assert.deepEqual(call.response.choices?.[0]?.message?.toolCalls, [
      { id: 'call_9', name: 'get_weather', arguments: '{"city":"Oslo"}' },
    ]);
    assert.deepEqual(spanAttributes(call, 'latest', undefined)['gen_ai.response.finish_reasons'], [
      'tool_calls',
    ]);
  });

  it("prefers the provider's total and details: reasoning and cached tokens", () => {
    const call = callsFromLog(
      F.log39({
        promptTokens: 100,
        completionTokens: 50,
        response: {
          ...F.CHAT_RESPONSE,
          usage: {
            prompt_tokens: 100,
            completion_tokens: 50,
            total_tokens: 180,
            prompt_tokens_details: { cached_tokens: 64 },
            completion_tokens_details: { reasoning_tokens: 30 },
          },
        },
      }),
    )[0]!;
    const a = spanAttributes(call, 'both', undefined);
    assert.equal(a['llm.usage.total_tokens'], 180, "provider total, not Kong's 150");
    assert.equal(a['gen_ai.usage.cache_read.input_tokens'], 64);
    assert.equal(a['gen_ai.usage.reasoning.output_tokens'], 30);
  });

  it('reads EE 3.11+ details from Kong usage when the payload is not logged', () => {
    const call = callsFromLog(F.logEe312({ payloads: false }))[0]!;
    assert.equal(call.usage.cachedInputTokens, 0);
    assert.equal(call.usage.reasoningOutputTokens, 0);
    assert.deepEqual(call.cache?.status, 'Miss');
  });
});

describe('cost', () => {
  const prices = new PriceTable([
    { model: 'gpt-4o-mini*', input: 0.15, output: 0.6, cached_input: 0.075 },
    { model: '*', input: 1, output: 2 },
  ]);

  it("uses Kong's usage.cost when > 0", () => {
    const call = callsFromLog(F.log39({ cost: 0.0002 }))[0]!;
    assert.deepEqual(callCost(call, prices), { value: 0.0002, source: 'kong' });
  });

  it('falls back to the first matching price table entry, billing cached tokens at their price', () => {
    const call = callsFromLog(
      F.log39({
        cost: 0,
        promptTokens: 1000,
        completionTokens: 100,
        response: {
          ...F.CHAT_RESPONSE,
          usage: {
            prompt_tokens: 1000,
            completion_tokens: 100,
            total_tokens: 1100,
            prompt_tokens_details: { cached_tokens: 400 },
          },
        },
      }),
    )[0]!;
    const cost = callCost(call, prices)!;
    assert.equal(cost.source, 'pricing');
    assert.ok(Math.abs(cost.value - (600 * 0.15 + 400 * 0.075 + 100 * 0.6) / 1e6) < 1e-15);
  });

  it('is unknown without Kong cost and without a matching price', () => {
    const call = callsFromLog(F.log39({ cost: 0 }))[0]!;
    assert.equal(
      callCost(call, new PriceTable([{ model: 'claude-*', input: 3, output: 15 }])),
      undefined,
    );
    assert.equal(callCost(call, new PriceTable([])), undefined);
  });
});

describe('refusals', () => {
  it('reads an OpenAI refusal and exports it only as captured content', async () => {
    const { ContentSanitizer } = await import('../../src/instrumentation/redaction');
    const { contentAttributes } = await import('../../src/instrumentation/content-attributes');
    const call = callsFromLog(
      F.log39({
        response: {
          ...F.CHAT_RESPONSE,
          choices: [
            {
              index: 0,
              finish_reason: 'stop',
              message: { role: 'assistant', content: null, refusal: "I can't help with that." },
            },
          ],
        },
      }),
    )[0]!;
    assert.equal(call.response.choices?.[0]?.message?.refusal, "I can't help with that.");
    assert.equal(spanAttributes(call, 'both', undefined)['gen_ai.completion.0.refusal'], undefined);
    const sanitizer = new ContentSanitizer({ presets: [], patterns: [], maxLength: 100 });
    const a = contentAttributes(call, 'both', sanitizer);
    assert.equal(a['gen_ai.completion.0.refusal'], "I can't help with that.");
    assert.match(String(a['gen_ai.output.messages']), /I can't help with that/);
  });
});
