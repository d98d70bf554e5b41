// The metric pipeline end to end: registry -> SDK -> OTLP/HTTP protobuf -> the shared test
// receiver, which decodes with the OpenTelemetry project's generated code (never our serializer).
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { after, afterEach, before, describe, it } from 'node:test';
import type { ConfigInput } from '../../schemas/config';
import { ConfigSchema } from '../../schemas/config';
import type { LlmCall } from '../../src/genai/types';
import { DEFAULT_CARDINALITY_LIMIT } from '../../src/export/cardinality';
import {
  acquireMeterInstruments,
  forceFlushMeterProviders,
  liveMeterProviders,
  shutdownMeterProviders,
  type MetricSettings,
} from '../../src/export/meter-provider';
import { resolveMetricSettings } from '../../src/pipeline/settings';
import { INSTRUMENT_NAMES, INSTRUMENT_SPECS } from '../../src/instrumentation/metric-instruments';
import {
  metricPointsFor,
  recordMetricPoints,
  type MetricPoint,
  type MetricPointOptions,
} from '../../src/instrumentation/metric-points';
import { requestRecords } from '../../src/genai/request-records';
import { requestMetricPoints } from '../../src/instrumentation/request-metric-points';
import { eeA2aLog, eeBlockedLog, eeMcpLog } from '../fixtures/ee-logs';
import { llmCall } from '../fixtures/llm-call';
import { startOtlpReceiver } from '../helpers/otlp-receiver';

// The decoded OTLP shapes this test reads (protobufjs toObject with longs as strings).
interface KeyValue {
  key: string;
  value?: { stringValue?: string; boolValue?: boolean; intValue?: string; doubleValue?: number };
}
interface DataPoint {
  attributes?: KeyValue[];
  startTimeUnixNano?: string;
  asDouble?: number;
  count?: string;
  sum?: number;
  bucketCounts?: string[];
  explicitBounds?: number[];
}
interface MetricData {
  dataPoints: DataPoint[];
  aggregationTemporality: string;
  isMonotonic?: boolean;
}
interface Metric {
  name: string;
  unit?: string;
  description?: string;
  sum?: MetricData;
  histogram?: MetricData;
}
interface ExportRequest {
  resourceMetrics?: {
    resource?: { attributes?: KeyValue[] };
    scopeMetrics?: { scope: { name: string }; metrics?: Metric[] }[];
  }[];
}

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: ExportRequest;
}

interface Receiver {
  readonly url: string;
  /** Metric export requests received so far, decoded. */
  readonly requests: readonly Received[];
  reset(): void;
  close(): Promise<void>;
}

/** The shared OTLP receiver, seen through the decoded shapes this test reads. */
async function startReceiver(): Promise<Receiver> {
  const otlp = await startOtlpReceiver();
  return {
    url: otlp.metricsUrl,
    get requests() {
      return otlp.requests
        .filter(r => r.path === '/v1/metrics')
        .map(r => ({ headers: r.headers, body: r.decoded }));
    },
    reset: () => otlp.reset(),
    close: () => otlp.close(),
  };
}

const flatten = (kvs: KeyValue[] | undefined): Record<string, unknown> =>
  Object.fromEntries(
    (kvs ?? []).map(kv => {
      const v = kv.value ?? {};
      const value =
        v.stringValue ??
        v.boolValue ??
        (v.intValue !== undefined ? Number(v.intValue) : undefined) ??
        v.doubleValue;
      return [kv.key, value];
    }),
  );
/** The data of metric `name` in `metrics`, asserting it is there with the given kind. */
function dataOf(metrics: Map<string, Metric>, name: string, kind: 'sum' | 'histogram'): MetricData {
  const data = metrics.get(name)?.[kind];
  assert.ok(data, `${name} is exported as a ${kind}`);
  return data;
}

const resourceOf = (request: Received): Record<string, unknown> =>
  flatten(request.body.resourceMetrics?.[0]?.resource?.attributes);

const seriesKey = (attrs: Record<string, unknown>): string =>
  JSON.stringify(Object.entries(attrs).sort(([a], [b]) => a.localeCompare(b)));

/** All metrics of one export request, by name (our scope only). */
function metricsOf(request: Received): Map<string, Metric> {
  const out = new Map<string, Metric>();
  for (const rm of request.body.resourceMetrics ?? []) {
    for (const sm of rm.scopeMetrics ?? []) {
      assert.equal(sm.scope.name, 'kong-genai-otel');
      for (const m of sm.metrics ?? []) {
        // Self-observability metrics ride along; they have their own test below.
        if (m.name.startsWith('kong.genai_otel.')) continue;
        out.set(m.name, m);
      }
    }
  }
  return out;
}

/** Names of the self-observability metrics in an export. */
function selfMetricNames(request: Received): string[] {
  return (request.body.resourceMetrics ?? [])
    .flatMap(rm => rm.scopeMetrics ?? [])
    .flatMap(sm => sm.metrics ?? [])
    .map(m => m.name)
    .filter(n => n.startsWith('kong.genai_otel.'))
    .sort();
}

/** One call of every kind, together (with requestPoints) touching every instrument. */
const CALLS: readonly LlmCall[] = [
  llmCall({ kongCost: 0.5 }),
  llmCall({
    mode: 'stream',
    usage: { inputTokens: 10, outputTokens: 101, estimated: true },
    timing: {
      startMs: 0,
      durationMs: 2300,
      timeToFirstTokenMs: 300,
      generationMs: 2000,
      llmLatencyMs: 2300,
    },
    response: { choices: [{ index: 0, finishReason: 'length' }] },
  }),
  llmCall({
    operation: 'embedding',
    requestModel: 'text-embedding-3-small',
    responseModel: 'text-embedding-3-small',
    usage: { inputTokens: 8, outputTokens: 0, totalTokens: 8, estimated: false },
    timing: { startMs: 0, durationMs: 120 },
    response: { embeddingDimension: 1536 },
  }),
  llmCall({
    responseModel: undefined,
    usage: { inputTokens: 0, outputTokens: 0, estimated: false },
    timing: { startMs: 0, durationMs: 80, llmLatencyMs: 80 },
    response: {},
    outcome: { httpStatus: 429, isError: true, errorType: '429' },
  }),
  llmCall({
    provider: 'anthropic',
    requestModel: 'claude-sonnet-4',
    responseModel: 'claude-sonnet-4',
    server: { address: 'api.anthropic.com' },
    timing: { startMs: 0, durationMs: 61000 },
    kongCost: 0.01,
    cache: {
      status: 'Hit',
      vectorDb: 'redis',
      embeddingsProvider: 'openai',
      embeddingsModel: 'text-embedding-3-small',
      fetchLatencyMs: 12,
      embeddingsLatencyMs: 400,
    },
  }),
];

const DURATION_S = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const SIZE_BY = [64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216];
const KONG_MS = [
  250, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 10000, 30000, 60000,
];
/** Both metric families' names, units and attributes, written out by hand so a wrong table in the
 * source cannot pass.
 */
const CONTRACT: Record<
  string,
  readonly [kind: 'histogram' | 'sum', unit: string, bounds?: number[]]
> = {
  'gen_ai.client.token.usage': [
    'histogram',
    '{token}',
    [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
  ],
  'gen_ai.client.operation.duration': [
    'histogram',
    's',
    [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
  ],
  'gen_ai.server.time_to_first_token': [
    'histogram',
    's',
    [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0],
  ],
  'gen_ai.server.time_per_output_token': [
    'histogram',
    's',
    [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5],
  ],
  'gen_ai.client.generation.choices': ['sum', '{choice}'],
  'llm.openai.embeddings.vector_size': ['sum', '{element}'],
  'kong.gen_ai.llm.cost': ['sum', '{cost}'],
  ai_llm_requests_total: ['sum', ''],
  ai_llm_cost_total: ['sum', ''],
  ai_llm_tokens_total: ['sum', ''],
  ai_llm_provider_latency_ms: ['histogram', 'ms', KONG_MS],
  ai_cache_fetch_latency: ['histogram', 'ms', KONG_MS],
  ai_cache_embeddings_latency: ['histogram', 'ms', KONG_MS],
  'gen_ai.client.operation.time_to_first_chunk': ['histogram', 's', DURATION_S],
  'gen_ai.client.operation.time_per_output_chunk': ['histogram', 's', DURATION_S],
  'mcp.client.operation.duration': ['histogram', 's', DURATION_S],
  'mcp.server.operation.duration': ['histogram', 's', DURATION_S],
  'kong.gen_ai.guard.blocks': ['sum', '{request}'],
  'kong.gen_ai.mcp.acl.allowed': ['sum', '{request}'],
  'kong.gen_ai.mcp.acl.denied': ['sum', '{request}'],
  'kong.gen_ai.a2a.request.count': ['sum', '{request}'],
  'kong.gen_ai.a2a.request.duration': ['histogram', 's', DURATION_S],
  'kong.gen_ai.a2a.response.size': ['histogram', 'By', SIZE_BY],
  'kong.gen_ai.a2a.ttfb': ['histogram', 's', DURATION_S],
  'kong.gen_ai.a2a.request.error.count': ['sum', '{error}'],
  'kong.gen_ai.a2a.task.state.count': ['sum', '{state}'],
  ai_mcp_latency_ms: [
    'histogram',
    'ms',
    [25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000],
  ],
  ai_mcp_response_body_size_bytes: ['histogram', 'By', SIZE_BY],
  ai_mcp_error_total: ['sum', ''],
  ai_a2a_requests_total: ['sum', ''],
  ai_a2a_error_total: ['sum', ''],
  ai_a2a_latency_ms: ['histogram', 'ms', KONG_MS],
  ai_a2a_ttfb_latency_ms: ['histogram', 'ms', KONG_MS],
  ai_a2a_response_body_size_bytes: ['histogram', 'By', SIZE_BY],
  ai_a2a_task_states_total: ['sum', ''],
};

const OPTS: MetricPointOptions = {
  mode: 'both',
  families: new Set(['gen_ai', 'kong']),
  consumerInMetrics: false,
};

/** MCP (proxied and answered by Kong), A2A (streamed, with an error) and a guard block. */
function requestPoints(): MetricPoint[] {
  const answered = eeMcpLog();
  answered.source = 'exit';
  const a2a = eeA2aLog();
  const rpc = (a2a.ai as Record<string, Record<string, Record<string, unknown>[]>>).a2a!.rpc![0]!;
  Object.assign(rpc, { streaming: true, ttfb_latency: 20 });
  return [eeMcpLog(), answered, a2a, eeBlockedLog()].flatMap(log => {
    const records = requestRecords(log, false)!;
    return requestMetricPoints(records, OPTS.families);
  });
}

const pointsOf = (calls: readonly LlmCall[]): MetricPoint[] => [
  ...calls.flatMap(call => metricPointsFor(call, OPTS)),
  ...requestPoints(),
];

interface Expected {
  readonly attributes: Record<string, unknown>;
  readonly values: number[];
}

/** What the SDK must have aggregated from `points`: per instrument, per attribute set. */
function expectedSeries(points: readonly MetricPoint[]): Map<string, Map<string, Expected>> {
  const out = new Map<string, Map<string, Expected>>();
  for (const p of points) {
    const byAttrs = out.get(p.instrument) ?? new Map<string, Expected>();
    out.set(p.instrument, byAttrs);
    const key = seriesKey(p.attributes);
    const entry = byAttrs.get(key) ?? { attributes: { ...p.attributes }, values: [] };
    entry.values.push(p.value);
    byAttrs.set(key, entry);
  }
  return out;
}

/** OTLP explicit buckets: bucket i holds (bounds[i-1], bounds[i]]; the last one is unbounded. */
function bucketCounts(values: readonly number[], bounds: readonly number[]): number[] {
  const counts: number[] = new Array<number>(bounds.length + 1).fill(0);
  for (const v of values) {
    const i = bounds.findIndex(b => v <= b);
    counts[i === -1 ? bounds.length : i]! += 1;
  }
  return counts;
}

const near = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} != ${expected}`);

/** Asserts one export carries exactly the expected instruments, series and aggregates. */
function assertExport(
  request: Received,
  expected: Map<string, Map<string, Expected>>,
  temporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE' | 'AGGREGATION_TEMPORALITY_DELTA',
): void {
  const metrics = metricsOf(request);
  assert.deepEqual([...metrics.keys()].sort(), [...expected.keys()].sort());
  for (const [name, series] of expected) {
    const spec = INSTRUMENT_SPECS[name as keyof typeof INSTRUMENT_SPECS];
    const m = metrics.get(name);
    assert.equal(m?.unit ?? '', spec.unit, `${name} unit`);
    assert.equal(m?.description, spec.description, `${name} description`);
    const data = dataOf(metrics, name, spec.kind === 'histogram' ? 'histogram' : 'sum');
    assert.equal(data.aggregationTemporality, temporality, `${name} temporality`);
    if (spec.kind === 'counter') assert.equal(data.isMonotonic, true, `${name} monotonic`);
    const received = new Map<string, DataPoint>(
      data.dataPoints.map((dp: DataPoint) => [seriesKey(flatten(dp.attributes)), dp]),
    );
    assert.deepEqual([...received.keys()].sort(), [...series.keys()].sort(), `${name} series`);
    for (const [key, exp] of series) {
      const dp = received.get(key)!;
      const sum = exp.values.reduce((a, b) => a + b, 0);
      if (spec.kind === 'histogram') {
        assert.deepEqual(dp.explicitBounds, [...spec.buckets], `${name} bounds`);
        assert.equal(Number(dp.count), exp.values.length, `${name} count ${key}`);
        near(dp.sum!, sum, `${name} sum ${key}`);
        assert.deepEqual(
          dp.bucketCounts!.map(Number),
          bucketCounts(exp.values, spec.buckets),
          `${name} buckets ${key}`,
        );
      } else {
        near(dp.asDouble!, sum, `${name} value ${key}`);
      }
    }
  }
}

const configOf = (url: string, extra: ConfigInput = {}) =>
  ConfigSchema.parse({ metrics_endpoint: url, metrics_export_interval_ms: 60000, ...extra });

describe('metrics over OTLP/HTTP protobuf', () => {
  let receiver: Receiver;
  before(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await shutdownMeterProviders(5000);
    receiver.reset();
  });
  after(async () => {
    await shutdownMeterProviders(5000);
    await receiver.close();
  });

  it('exports every instrument with exact names, units, types, buckets and aggregates', async () => {
    const settings = resolveMetricSettings(configOf(receiver.url), {});
    const lease = acquireMeterInstruments(settings);
    assert.equal(lease.instruments.length, 1, 'Prometheus endpoint is off');
    const points = pointsOf(CALLS);
    recordMetricPoints(points, lease.instruments);
    await forceFlushMeterProviders();

    assert.equal(receiver.requests.length, 1);
    const request = receiver.requests[0]!;
    assert.equal(request.headers['content-type'], 'application/x-protobuf');
    const expected = expectedSeries(points);
    assert.deepEqual([...expected.keys()].sort(), [...INSTRUMENT_NAMES].sort());
    assertExport(request, expected, 'AGGREGATION_TEMPORALITY_CUMULATIVE');

    // Spot checks against the specified metric tables and hand-computed numbers, independent of the
    // source.
    const metrics = metricsOf(request);
    assert.deepEqual([...metrics.keys()].sort(), Object.keys(CONTRACT).sort());
    for (const [name, [kind, unit, bounds]] of Object.entries(CONTRACT)) {
      const data = dataOf(metrics, name, kind);
      assert.equal(metrics.get(name)?.unit ?? '', unit, `${name} unit`);
      if (kind === 'sum') assert.equal(data.isMonotonic, true, `${name} is a counter`);
      for (const dp of data.dataPoints) {
        if (bounds) assert.deepEqual(dp.explicitBounds, bounds, `${name} bounds`);
      }
    }
    const requestsTotal = dataOf(metrics, 'ai_llm_requests_total', 'sum').dataPoints;
    assert.equal(
      requestsTotal.reduce((a: number, dp: DataPoint) => a + dp.asDouble!, 0),
      5,
    );
    const latency = dataOf(metrics, 'ai_llm_provider_latency_ms', 'histogram').dataPoints;
    const openai = latency.find((dp: DataPoint) => flatten(dp.attributes).ai_model === 'gpt-4o');
    // 1500, 2300 and 80 ms for gpt-4o: buckets <=250, (1000,1500], (2000,2500].
    assert.deepEqual(
      openai?.bucketCounts?.map(Number),
      [1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    const resource = resourceOf(request);
    assert.equal(resource['service.name'], 'kong');
    void lease.release();
  });

  it('exports the self-observability counters next to the GenAI metrics', async () => {
    const lease = acquireMeterInstruments(resolveMetricSettings(configOf(receiver.url), {}));
    recordMetricPoints(pointsOf(CALLS), lease.instruments);
    await forceFlushMeterProviders();
    assert.deepEqual(selfMetricNames(receiver.requests[0]!), [
      'kong.genai_otel.events.dropped',
      'kong.genai_otel.export.failures',
      'kong.genai_otel.exporters.active',
      'kong.genai_otel.requests.skipped',
      'kong.genai_otel.spans.dropped',
    ]);
    void lease.release();
  });

  it('accumulates across intervals with cumulative temporality', async () => {
    const lease = acquireMeterInstruments(resolveMetricSettings(configOf(receiver.url), {}));
    const points = pointsOf(CALLS);
    recordMetricPoints(points, lease.instruments);
    await forceFlushMeterProviders();
    recordMetricPoints(points, lease.instruments);
    await forceFlushMeterProviders();

    assert.equal(receiver.requests.length, 2);
    assertExport(
      receiver.requests[1]!,
      expectedSeries([...points, ...points]),
      'AGGREGATION_TEMPORALITY_CUMULATIVE',
    );
    const start = (r: Received): string =>
      dataOf(metricsOf(r), 'ai_llm_requests_total', 'sum').dataPoints[0]!.startTimeUnixNano!;
    assert.equal(start(receiver.requests[0]!), start(receiver.requests[1]!));
    void lease.release();
  });

  it('resets every interval with delta temporality (metrics_temporality: delta)', async () => {
    const settings = resolveMetricSettings(
      configOf(receiver.url, { metrics_temporality: 'delta' }),
      {},
    );
    assert.equal(settings.temporality, 'delta');
    const lease = acquireMeterInstruments(settings);
    const first = pointsOf(CALLS);
    recordMetricPoints(first, lease.instruments);
    await forceFlushMeterProviders();
    const second = pointsOf(CALLS.slice(0, 2));
    recordMetricPoints(second, lease.instruments);
    await forceFlushMeterProviders();

    assert.equal(receiver.requests.length, 2);
    assertExport(receiver.requests[0]!, expectedSeries(first), 'AGGREGATION_TEMPORALITY_DELTA');
    assertExport(receiver.requests[1]!, expectedSeries(second), 'AGGREGATION_TEMPORALITY_DELTA');
    void lease.release();
  });

  it('leaves an unset field to the SDK: OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE decides', async () => {
    const saved = process.env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE;
    process.env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE = 'LowMemory';
    try {
      const unset = resolveMetricSettings(configOf(receiver.url), {});
      assert.equal(unset.temporality, undefined);
      const lease = acquireMeterInstruments(unset);
      recordMetricPoints(pointsOf(CALLS), lease.instruments);
      await forceFlushMeterProviders();
      await lease.release();
      const field = resolveMetricSettings(
        configOf(receiver.url, { metrics_temporality: 'cumulative' }),
        {},
      );
      const fieldLease = acquireMeterInstruments(field);
      recordMetricPoints(pointsOf(CALLS), fieldLease.instruments);
      await forceFlushMeterProviders();
      await fieldLease.release();
    } finally {
      if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE;
      else process.env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE = saved;
    }
    const temporality = (r: Received): string | undefined =>
      dataOf(metricsOf(r), 'ai_llm_requests_total', 'sum').aggregationTemporality;
    assert.equal(temporality(receiver.requests[0]!), 'AGGREGATION_TEMPORALITY_DELTA');
    assert.equal(temporality(receiver.requests.at(-1)!), 'AGGREGATION_TEMPORALITY_CUMULATIVE');
  });

  it('shares one provider per settings and exports the last interval when the last lease goes', async () => {
    const settings = resolveMetricSettings(configOf(receiver.url), {});
    const a = acquireMeterInstruments(settings);
    const b = acquireMeterInstruments({ ...settings, headers: { ...settings.headers } });
    assert.equal(liveMeterProviders(), 1);
    assert.equal(a.instruments[0], b.instruments[0]);
    recordMetricPoints(pointsOf(CALLS.slice(0, 1)), a.instruments);
    void a.release();
    void a.release(); // idempotent: must not take b's reference
    assert.equal(liveMeterProviders(), 1);
    await forceFlushMeterProviders();
    assert.equal(receiver.requests.length, 1, 'still alive: flush exported');
    recordMetricPoints(pointsOf(CALLS.slice(0, 1)), b.instruments);
    void b.release();
    assert.equal(liveMeterProviders(), 0);
    await shutdownMeterProviders(5000); // awaits the shutdown the last release started
    assert.equal(receiver.requests.length, 2, 'shutdown exported the last interval');
    assertExport(
      receiver.requests[1]!,
      expectedSeries([...pointsOf(CALLS.slice(0, 1)), ...pointsOf(CALLS.slice(0, 1))]),
      'AGGREGATION_TEMPORALITY_CUMULATIVE',
    );
  });

  it('shutdownMeterProviders exports what was recorded since the last interval', async () => {
    const lease = acquireMeterInstruments(
      resolveMetricSettings(configOf(receiver.url, { metrics_temporality: 'delta' }), {}),
    );
    const points = pointsOf(CALLS.slice(1, 3));
    recordMetricPoints(points, lease.instruments);
    await shutdownMeterProviders(5000);
    assert.equal(liveMeterProviders(), 0);
    assert.equal(receiver.requests.length, 1);
    assertExport(receiver.requests[0]!, expectedSeries(points), 'AGGREGATION_TEMPORALITY_DELTA');
    void lease.release(); // after shutdown: harmless
  });

  it('sends headers merged with metrics_headers and the configured resource', async () => {
    const settings = resolveMetricSettings(
      configOf(receiver.url, {
        headers: { Authorization: 'Api-Token shared', 'x-team': 'ai' },
        metrics_headers: { authorization: 'Api-Token metrics' },
        service_name: 'edge-gw',
        resource_attributes: { 'deployment.environment.name': 'test' },
      }),
      {},
    );
    const lease = acquireMeterInstruments(settings);
    recordMetricPoints(pointsOf(CALLS.slice(0, 1)), lease.instruments);
    await forceFlushMeterProviders();
    const request = receiver.requests[0]!;
    assert.equal(request.headers.authorization, 'Api-Token metrics');
    assert.equal(request.headers['x-team'], 'ai');
    const resource = resourceOf(request);
    assert.equal(resource['service.name'], 'edge-gw');
    assert.equal(resource['deployment.environment.name'], 'test');
    void lease.release();
  });

  it('bounds cardinality per instrument (default 50), folding the rest into overflow', async () => {
    const lease = acquireMeterInstruments(resolveMetricSettings(configOf(receiver.url), {}));
    const points = Array.from({ length: DEFAULT_CARDINALITY_LIMIT + 100 }, (_, i) =>
      metricPointsFor(llmCall({ requestModel: `model-${i}` }), {
        ...OPTS,
        families: new Set(['kong']),
      }),
    )
      .flat()
      .filter(p => p.instrument === 'ai_llm_requests_total');
    recordMetricPoints(points, lease.instruments);
    await forceFlushMeterProviders();
    const dps = dataOf(metricsOf(receiver.requests[0]!), 'ai_llm_requests_total', 'sum').dataPoints;
    assert.equal(dps.length, DEFAULT_CARDINALITY_LIMIT);
    const overflow = dps.filter(
      (dp: DataPoint) => flatten(dp.attributes)['otel.metric.overflow'] === true,
    );
    assert.equal(overflow.length, 1);
    assert.equal(
      dps.reduce((a: number, dp: DataPoint) => a + dp.asDouble!, 0),
      DEFAULT_CARDINALITY_LIMIT + 100,
    );
    void lease.release();
  });
});

describe('metric pipeline faults', () => {
  after(async () => {
    await shutdownMeterProviders(1000);
  });

  it('refuses an unparsable env URL with an error naming the variable, credentials masked', () => {
    assert.throws(
      () =>
        resolveMetricSettings(ConfigSchema.parse({}), {
          OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://u:pw-SECRET@[broken',
        }),
      (error: Error) =>
        /^OTEL_EXPORTER_OTLP_METRICS_ENDPOINT is not an http\(s\) URL: http:\/\/u:\*\*\*@\[broken$/.test(
          error.message,
        ),
    );
    assert.equal(liveMeterProviders(), 0);
  });

  it('forceFlushMeterProviders resolves when exports fail (the reader reports, never rejects)', async () => {
    const failing = await startOtlpReceiver();
    failing.setFault('status:400'); // not retryable: the export fails at once
    try {
      const lease = acquireMeterInstruments(
        resolveMetricSettings(configOf(failing.metricsUrl, { timeout_ms: 600 }), {}),
      );
      recordMetricPoints(pointsOf(CALLS.slice(0, 1)), lease.instruments);
      await forceFlushMeterProviders();
      assert.ok(failing.attempts.length >= 1, 'the export was attempted');
      await lease.release();
      await shutdownMeterProviders(1000);
    } finally {
      await failing.close();
    }
  });

  it('shutdownMeterProviders resolves by its deadline when the collector hangs', async () => {
    const hanging = await startOtlpReceiver();
    hanging.setFault('hang'); // accepts, never answers
    try {
      const lease = acquireMeterInstruments(
        resolveMetricSettings(configOf(hanging.metricsUrl, { timeout_ms: 600 }), {}),
      );
      recordMetricPoints(pointsOf(CALLS.slice(0, 1)), lease.instruments);
      const started = Date.now();
      await shutdownMeterProviders(300);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 250 && elapsed < 1500, `took ${elapsed} ms`);
      void lease.release();
    } finally {
      await hanging.close();
    }
  });
});

describe('resolveMetricSettings', () => {
  const parse = (input: ConfigInput = {}) => ConfigSchema.parse(input);

  it('falls back from the config to the metrics env, the base env, then localhost', () => {
    const url = (config: ConfigInput, env: NodeJS.ProcessEnv): string =>
      resolveMetricSettings(parse(config), env).url;
    assert.equal(
      url(
        { metrics_endpoint: 'http://c:4318/v1/metrics' },
        { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://x/m' },
      ),
      'http://c:4318/v1/metrics',
    );
    assert.equal(
      url(
        {},
        {
          OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://x/m',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://y',
        },
      ),
      'http://x/m',
    );
    assert.equal(
      url({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://y:4318/' }),
      'http://y:4318/v1/metrics',
    );
    assert.equal(url({}, { OTEL_EXPORTER_OTLP_ENDPOINT: '' }), 'http://localhost:4318/v1/metrics');
  });

  it('keeps the export timeout within the interval', () => {
    const s: MetricSettings = resolveMetricSettings(
      parse({ timeout_ms: 5000, metrics_export_interval_ms: 1000 }),
      {},
    );
    assert.equal(s.timeoutMs, 1000);
    assert.equal(resolveMetricSettings(parse({ timeout_ms: 2000 }), {}).timeoutMs, 2000);
  });

  it('defaults to the exporter temporality (cumulative), a 60 s interval and service.name kong', () => {
    const s = resolveMetricSettings(parse(), {});
    assert.deepEqual(
      { t: s.temporality, i: s.exportIntervalMs, n: s.serviceName, h: s.headers },
      { t: undefined, i: 60000, n: 'kong', h: {} },
    );
  });
});
