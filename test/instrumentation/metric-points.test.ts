// metricPointsFor: which points of which instrument, with which attributes, for each kind of call.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Attributes } from '@opentelemetry/api';
import type { LlmCall } from '../../src/genai/types';
import type {
  InstrumentName,
  MetricInstruments,
} from '../../src/instrumentation/metric-instruments';
import {
  metricPointsFor,
  recordMetricPoints,
  type MetricFamily,
  type MetricPoint,
  type MetricPointOptions,
} from '../../src/instrumentation/metric-points';
import { llmCall } from '../fixtures/llm-call';

const BOTH: ReadonlySet<MetricFamily> = new Set(['gen_ai', 'kong']);

const chatCall = (overrides: Partial<LlmCall> = {}): LlmCall =>
  llmCall({
    request: { model: 'gpt-4o' },
    response: { model: 'gpt-4o-2024-08-06', choices: [{ index: 0, finishReason: 'stop' }] },
    kong: { workspaceName: 'default', consumerUsername: 'alice' },
    ...overrides,
  });

const opts = (o: Partial<MetricPointOptions> = {}): MetricPointOptions => ({
  mode: 'both',
  families: BOTH,
  consumerInMetrics: false,
  ...o,
});

const of = (points: readonly MetricPoint[], name: InstrumentName): MetricPoint[] =>
  points.filter(p => p.instrument === name);
const one = (points: readonly MetricPoint[], name: InstrumentName): MetricPoint => {
  const found = of(points, name);
  assert.equal(found.length, 1, `exactly one ${name} point`);
  return found[0]!;
};

const GEN_AI_OP: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.system': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.response.model': 'gpt-4o-2024-08-06',
};
const GEN_AI_SERVER: Attributes = {
  ...GEN_AI_OP,
  'server.address': 'api.openai.com',
  'server.port': 443,
};
const KONG_LABELS: Attributes = {
  ai_provider: 'openai',
  ai_model: 'gpt-4o',
  cache_status: '',
  vector_db: '',
  embeddings_provider: '',
  embeddings_model: '',
  workspace: 'default',
};

describe('metricPointsFor', () => {
  it('maps a buffered chat call to exactly the points of both families', () => {
    const points = metricPointsFor(chatCall(), opts({ cost: 0.0042, costSource: 'pricing' }));
    const { 'gen_ai.operation.name': _op, ...models } = GEN_AI_OP;
    assert.deepEqual(points, [
      {
        instrument: 'gen_ai.client.token.usage',
        value: 25,
        attributes: { ...GEN_AI_SERVER, 'gen_ai.token.type': 'input' },
      },
      {
        instrument: 'gen_ai.client.token.usage',
        value: 12,
        attributes: { ...GEN_AI_SERVER, 'gen_ai.token.type': 'output' },
      },
      { instrument: 'gen_ai.client.operation.duration', value: 1.5, attributes: GEN_AI_SERVER },
      {
        instrument: 'gen_ai.client.generation.choices',
        value: 1,
        attributes: { ...GEN_AI_OP, 'llm.response.finish_reason': 'stop' },
      },
      {
        instrument: 'kong.gen_ai.llm.cost',
        value: 0.0042,
        attributes: { ...models, 'kong.gen_ai.cost.source': 'pricing' },
      },
      { instrument: 'ai_llm_requests_total', value: 1, attributes: KONG_LABELS },
      { instrument: 'ai_llm_cost_total', value: 0.0042, attributes: KONG_LABELS },
      {
        instrument: 'ai_llm_tokens_total',
        value: 25,
        attributes: { ...KONG_LABELS, token_type: 'prompt_tokens' },
      },
      {
        instrument: 'ai_llm_tokens_total',
        value: 12,
        attributes: { ...KONG_LABELS, token_type: 'completion_tokens' },
      },
      {
        instrument: 'ai_llm_tokens_total',
        value: 37,
        attributes: { ...KONG_LABELS, token_type: 'total_tokens' },
      },
      { instrument: 'ai_llm_provider_latency_ms', value: 1500, attributes: KONG_LABELS },
    ]);
  });

  it('records TTFT and time per output token for a stream, in seconds', () => {
    const call = chatCall({
      mode: 'stream',
      usage: { inputTokens: 10, outputTokens: 101, estimated: true },
      timing: {
        startMs: 0,
        durationMs: 2300,
        timeToFirstTokenMs: 300,
        generationMs: 2000,
        llmLatencyMs: 2250,
      },
    });
    const points = metricPointsFor(call, opts());
    assert.deepEqual(one(points, 'gen_ai.server.time_to_first_token'), {
      instrument: 'gen_ai.server.time_to_first_token',
      value: 0.3,
      attributes: GEN_AI_OP,
    });
    assert.deepEqual(one(points, 'gen_ai.server.time_per_output_token'), {
      instrument: 'gen_ai.server.time_per_output_token',
      value: 2000 / 100 / 1000,
      attributes: GEN_AI_OP,
    });
    assert.equal(one(points, 'gen_ai.client.operation.duration').value, 2.3);
    // The conventions' client chunk metrics carry server.* like the duration.
    assert.deepEqual(one(points, 'gen_ai.client.operation.time_to_first_chunk'), {
      instrument: 'gen_ai.client.operation.time_to_first_chunk',
      value: 0.3,
      attributes: GEN_AI_SERVER,
    });
    assert.equal(one(points, 'gen_ai.client.operation.time_per_output_chunk').value, 0.02);
    // Kong's provider latency is meta.llm_latency as logged, not our derived stream duration.
    assert.equal(one(points, 'ai_llm_provider_latency_ms').value, 2250);
    // Kong recomputes total = prompt + completion when the provider gave none.
    const total = of(points, 'ai_llm_tokens_total').find(
      p => p.attributes.token_type === 'total_tokens',
    );
    assert.equal(total?.value, 111);
  });

  it('skips time per output token for a single output token, and both timings for buffered calls', () => {
    const stream = chatCall({
      mode: 'stream',
      usage: { inputTokens: 10, outputTokens: 1, estimated: false },
      timing: { startMs: 0, durationMs: 500, timeToFirstTokenMs: 400, generationMs: 100 },
    });
    const sp = metricPointsFor(stream, opts());
    assert.equal(of(sp, 'gen_ai.server.time_per_output_token').length, 0);
    assert.equal(of(sp, 'gen_ai.server.time_to_first_token').length, 1);
    const buffered = metricPointsFor(
      chatCall({ timing: { startMs: 0, durationMs: 500, timeToFirstTokenMs: 400 } }),
      opts(),
    );
    assert.equal(of(buffered, 'gen_ai.server.time_to_first_token').length, 0);
    assert.equal(of(buffered, 'gen_ai.server.time_per_output_token').length, 0);
  });

  it('adds one choice per choice with its finish reason, never a separate total', () => {
    const call = chatCall({
      response: {
        choices: [
          { index: 0, finishReason: 'stop' },
          { index: 1, finishReason: 'length' },
          { index: 2, finishReason: 'stop' },
          { index: 3 },
        ],
      },
    });
    const choices = of(metricPointsFor(call, opts()), 'gen_ai.client.generation.choices');
    assert.deepEqual(
      choices.map(p => [p.value, p.attributes['llm.response.finish_reason']]),
      [
        [1, 'stop'],
        [1, 'length'],
        [1, 'stop'],
        [1, undefined],
      ],
    );
    assert.ok(!('llm.response.finish_reason' in choices[3]!.attributes));
  });

  it('maps an embeddings call: vector size, input tokens only, no choices', () => {
    const call = chatCall({
      operation: 'embedding',
      requestModel: 'text-embedding-3-small',
      responseModel: 'text-embedding-3-small',
      usage: { inputTokens: 8, outputTokens: 0, totalTokens: 8, estimated: false },
      timing: { startMs: 0, durationMs: 120 },
      response: { embeddingDimension: 1536 },
    });
    const points = metricPointsFor(call, opts());
    assert.deepEqual(one(points, 'llm.openai.embeddings.vector_size'), {
      instrument: 'llm.openai.embeddings.vector_size',
      value: 1536,
      attributes: {
        'gen_ai.provider.name': 'openai',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'text-embedding-3-small',
        'gen_ai.response.model': 'text-embedding-3-small',
      },
    });
    const tokens = of(points, 'gen_ai.client.token.usage');
    assert.deepEqual(
      tokens.map(p => [p.attributes['gen_ai.token.type'], p.attributes['gen_ai.operation.name']]),
      [['input', 'embeddings']],
    );
    assert.equal(of(points, 'gen_ai.client.generation.choices').length, 0);
    assert.deepEqual(
      of(points, 'ai_llm_tokens_total').map(p => [p.attributes.token_type, p.value]),
      [
        ['prompt_tokens', 8],
        ['total_tokens', 8],
      ],
    );
  });

  it('puts error.type on the duration of a failed call and records no zero-token usage', () => {
    const call = chatCall({
      mode: 'stream',
      responseModel: undefined,
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, estimated: false },
      timing: {
        startMs: 0,
        durationMs: 80,
        timeToFirstTokenMs: 80,
        generationMs: 0,
        llmLatencyMs: 80,
      },
      response: {},
      outcome: { httpStatus: 429, upstreamStatus: 429, isError: true, errorType: '429' },
    });
    const points = metricPointsFor(call, opts());
    const { 'gen_ai.response.model': _rm, ...attrs } = GEN_AI_SERVER;
    assert.deepEqual(one(points, 'gen_ai.client.operation.duration'), {
      instrument: 'gen_ai.client.operation.duration',
      value: 0.08,
      attributes: { ...attrs, 'error.type': '429' },
    });
    assert.equal(of(points, 'gen_ai.client.token.usage').length, 0);
    assert.equal(of(points, 'gen_ai.server.time_to_first_token').length, 0);
    assert.equal(of(points, 'ai_llm_tokens_total').length, 0);
    assert.equal(one(points, 'ai_llm_requests_total').value, 1);
    assert.equal(one(points, 'ai_llm_provider_latency_ms').value, 80);
  });

  it('falls back to _OTHER when a failed call has no error class', () => {
    const call = chatCall({ outcome: { isError: true } });
    const duration = one(metricPointsFor(call, opts()), 'gen_ai.client.operation.duration');
    assert.equal(duration.attributes['error.type'], '_OTHER');
  });

  it('adds the consumer to both families only with consumer_in_metrics', () => {
    const without = metricPointsFor(chatCall(), opts());
    assert.ok(without.every(p => !('kong.auth.consumer.name' in p.attributes)));
    assert.ok(without.every(p => !('consumer' in p.attributes)));

    const withConsumer = metricPointsFor(chatCall(), opts({ consumerInMetrics: true }));
    for (const p of withConsumer) {
      if (p.instrument.startsWith('ai_'))
        assert.equal(p.attributes.consumer, 'alice', p.instrument);
      else assert.equal(p.attributes['kong.auth.consumer.name'], 'alice', p.instrument);
    }
    const anonymous = metricPointsFor(chatCall({ kong: {} }), opts({ consumerInMetrics: true }));
    assert.equal(one(anonymous, 'ai_llm_requests_total').attributes.consumer, '');
    assert.ok(
      !('kong.auth.consumer.name' in one(anonymous, 'gen_ai.client.operation.duration').attributes),
    );
  });

  it('emits only the families switched on', () => {
    const genAi = metricPointsFor(chatCall(), opts({ families: new Set(['gen_ai']), cost: 1 }));
    assert.ok(genAi.length > 0 && genAi.every(p => !p.instrument.startsWith('ai_')));
    const kong = metricPointsFor(chatCall(), opts({ families: new Set(['kong']), cost: 1 }));
    assert.ok(kong.length > 0 && kong.every(p => p.instrument.startsWith('ai_')));
    assert.deepEqual(metricPointsFor(chatCall(), opts({ families: new Set() })), []);
  });

  it('carries gen_ai.system in legacy and both modes, gen_ai.provider.name only in latest', () => {
    const azure = chatCall({ provider: 'azure', server: { address: 'x.openai.azure.com' } });
    const attrs = (mode: MetricPointOptions['mode']): Attributes =>
      one(metricPointsFor(azure, opts({ mode })), 'gen_ai.client.operation.duration').attributes;
    assert.equal(attrs('latest')['gen_ai.provider.name'], 'azure.ai.openai');
    assert.ok(!('gen_ai.system' in attrs('latest')));
    for (const mode of ['legacy', 'both'] as const) {
      assert.equal(attrs(mode)['gen_ai.system'], 'azure', mode);
      assert.equal(attrs(mode)['gen_ai.provider.name'], 'azure.ai.openai', mode);
      assert.equal(attrs(mode)['gen_ai.operation.name'], 'chat', mode);
    }
    // Kong's label is the Kong provider name whatever the vocabulary.
    const kong = one(metricPointsFor(azure, opts({ mode: 'latest' })), 'ai_llm_requests_total');
    assert.equal(kong.attributes.ai_provider, 'azure');
  });

  it('records no cost points for a zero or unknown cost, and uses Kong cost by default', () => {
    const costNames: InstrumentName[] = ['kong.gen_ai.llm.cost', 'ai_llm_cost_total'];
    for (const points of [
      metricPointsFor(chatCall(), opts()),
      metricPointsFor(chatCall(), opts({ cost: 0 })),
      metricPointsFor(chatCall({ kongCost: 0.5 }), opts({ cost: 0 })),
    ]) {
      assert.equal(points.filter(p => costNames.includes(p.instrument)).length, 0);
    }
    const kongCost = metricPointsFor(
      chatCall({ kongCost: 0.25, cache: { status: 'Hit' } }),
      opts(),
    );
    assert.deepEqual(one(kongCost, 'kong.gen_ai.llm.cost').attributes, {
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'kong.gen_ai.cache.status': 'Hit',
      'kong.gen_ai.cost.source': 'kong',
    });
    assert.equal(one(kongCost, 'ai_llm_cost_total').value, 0.25);
  });

  it("fills Kong's labels from the cache data and writes '' for what is unknown", () => {
    const cached = chatCall({
      requestModel: undefined,
      kong: {},
      cache: {
        status: 'Hit',
        vectorDb: 'redis',
        embeddingsProvider: 'openai',
        embeddingsModel: 'text-embedding-3-small',
        fetchLatencyMs: 12,
        embeddingsLatencyMs: 40,
      },
    });
    const points = metricPointsFor(cached, opts());
    const labels = {
      ai_provider: 'openai',
      ai_model: '',
      cache_status: 'Hit',
      vector_db: 'redis',
      embeddings_provider: 'openai',
      embeddings_model: 'text-embedding-3-small',
      workspace: '',
    };
    assert.deepEqual(one(points, 'ai_llm_requests_total').attributes, labels);
    assert.deepEqual(one(points, 'ai_cache_fetch_latency'), {
      instrument: 'ai_cache_fetch_latency',
      value: 12,
      attributes: labels,
    });
    assert.equal(one(points, 'ai_cache_embeddings_latency').value, 40);
    assert.equal(of(metricPointsFor(chatCall(), opts()), 'ai_cache_fetch_latency').length, 0);
  });

  it('keeps cached attribute sets apart for calls whose dimensions differ, and frozen', () => {
    const duration = (call: LlmCall, o: Partial<MetricPointOptions> = {}): Attributes =>
      one(metricPointsFor(call, opts(o)), 'gen_ai.client.operation.duration').attributes;
    const a = chatCall({ requestModel: 'a', responseModel: 'bc' });
    const b = chatCall({ requestModel: 'ab', responseModel: 'c' });
    const c = chatCall({ requestModel: '', responseModel: undefined });
    const d = chatCall({ requestModel: undefined, responseModel: '' });
    for (let round = 0; round < 2; round++) {
      assert.equal(duration(a)['gen_ai.request.model'], 'a');
      assert.equal(duration(b)['gen_ai.request.model'], 'ab');
      assert.deepEqual(
        [duration(c)['gen_ai.request.model'], 'gen_ai.response.model' in duration(c)],
        ['', false],
      );
      assert.deepEqual(
        ['gen_ai.request.model' in duration(d), duration(d)['gen_ai.response.model']],
        [false, ''],
      );
      const failed = (errorType: string): LlmCall =>
        chatCall({ outcome: { isError: true, errorType } });
      assert.equal(duration(failed('429'))['error.type'], '429');
      assert.equal(duration(failed('500'))['error.type'], '500');
      assert.ok(!('error.type' in duration(chatCall())));
      assert.ok(!('gen_ai.system' in duration(chatCall(), { mode: 'latest' })));
    }
    assert.ok(Object.isFrozen(duration(chatCall())));
  });

  it('never emits non-finite or negative values', () => {
    const call = chatCall({
      usage: { inputTokens: Number.NaN, outputTokens: -3, estimated: false },
      timing: { startMs: 0, durationMs: Number.POSITIVE_INFINITY },
    });
    const points = metricPointsFor(call, opts({ cost: Number.NaN }));
    assert.ok(points.every(p => Number.isFinite(p.value) && p.value >= 0));
  });
});

describe('recordMetricPoints', () => {
  it('adds counters and records histograms on every instrument set', () => {
    const calls: string[] = [];
    const fakeSet = (tag: string): MetricInstruments =>
      new Proxy({} as MetricInstruments, {
        get: (_t, name: string) => ({
          add: (v: number) => calls.push(`${tag} add ${name} ${v}`),
          record: (v: number) => calls.push(`${tag} record ${name} ${v}`),
        }),
      });
    const points: MetricPoint[] = [
      { instrument: 'ai_llm_requests_total', value: 1, attributes: {} },
      { instrument: 'gen_ai.client.operation.duration', value: 0.5, attributes: {} },
    ];
    recordMetricPoints(points, [fakeSet('a'), fakeSet('b')]);
    recordMetricPoints(points.slice(0, 1), [fakeSet('c')]);
    assert.deepEqual(calls, [
      'a add ai_llm_requests_total 1',
      'a record gen_ai.client.operation.duration 0.5',
      'b add ai_llm_requests_total 1',
      'b record gen_ai.client.operation.duration 0.5',
      'c add ai_llm_requests_total 1',
    ]);
  });
});
