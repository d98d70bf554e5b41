// The optional Prometheus pull endpoint, scraped by a REAL Prometheus server: Kong's metric names
// and labels must come out exactly as Kong's own Prometheus plugin writes them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigSchema } from '../../schemas/config';
import type { LlmCall } from '../../src/genai/types';
import {
  acquireMeterInstruments,
  shutdownMeterProviders,
  type MeterLease,
} from '../../src/export/meter-provider';
import { resolveMetricSettings } from '../../src/pipeline/settings';
import { metricPointsFor, recordMetricPoints } from '../../src/instrumentation/metric-points';
import {
  prometheusEndpointListening,
  resolvePrometheusEndpoint,
} from '../../src/export/prometheus-endpoint';
import { llmCall } from '../fixtures/llm-call';
import {
  ensurePrometheus,
  freePort,
  startPrometheus,
  until,
  type PrometheusServer,
} from '../helpers/prometheus';

const ROOT = join(__dirname, '..', '..');

const call = (overrides: Partial<LlmCall> = {}): LlmCall =>
  llmCall({
    timing: { startMs: 0, durationMs: 1200, llmLatencyMs: 1200 },
    server: { address: 'api.openai.com' },
    outcome: { isError: false },
    kongCost: 0.002,
    ...overrides,
  });

const OPTS = {
  mode: 'both',
  families: new Set(['gen_ai', 'kong'] as const),
  consumerInMetrics: false,
} as const;

describe('Prometheus pull endpoint scraped by a real Prometheus', () => {
  let unavailable: string | undefined;
  let sink: Server | undefined;
  let prometheus: PrometheusServer | undefined;
  let recorder: NodeJS.Timeout | undefined;
  let lease: MeterLease | undefined;
  let metricsPort = 0;

  before(async () => {
    unavailable = ensurePrometheus();
    if (unavailable !== undefined) return;
    // The OTLP side of the lease needs somewhere harmless to export to on shutdown.
    sink = createServer((_req, res) => res.writeHead(200).end());
    await new Promise<void>(resolve => sink!.listen(0, '127.0.0.1', resolve));
    metricsPort = await freePort();
    process.env.KONG_GENAI_OTEL_PROMETHEUS_PORT = String(metricsPort);
    process.env.KONG_GENAI_OTEL_PROMETHEUS_HOST = '127.0.0.1';
  });

  after(async () => {
    if (recorder !== undefined) clearInterval(recorder);
    void lease?.release();
    await prometheus?.stop();
    await shutdownMeterProviders(5000);
    if (sink !== undefined) await new Promise<void>(resolve => sink!.close(() => resolve()));
  });

  it("serves Kong's names and labels, which Prometheus scrapes and queries", async t => {
    if (unavailable !== undefined) {
      t.diagnostic(`SKIP: ${unavailable}`);
      t.skip(unavailable);
      return;
    }
    const { port } = sink!.address() as AddressInfo;
    const config = ConfigSchema.parse({ metrics_endpoint: `http://127.0.0.1:${port}/v1/metrics` });
    lease = acquireMeterInstruments(resolveMetricSettings(config, {}));
    assert.equal(lease.instruments.length, 2, 'OTLP + Prometheus instrument sets');
    assert.equal(await prometheusEndpointListening(), true);
    const leased = lease;
    const record = (c: LlmCall): void =>
      recordMetricPoints(metricPointsFor(c, OPTS), leased.instruments);
    record(call({ timing: { startMs: 0, durationMs: 300, llmLatencyMs: 300 } }));
    record(call({ provider: 'anthropic', requestModel: 'claude-sonnet-4', kongCost: undefined }));

    // Our own endpoint first: the exact text Prometheus will parse.
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    assert.match(text, /^# TYPE ai_llm_requests_total counter$/m);
    assert.match(text, /^# TYPE ai_llm_tokens_total counter$/m);
    assert.match(text, /^# TYPE ai_llm_provider_latency_ms histogram$/m);
    assert.doesNotMatch(text, /_total_total/);
    assert.match(
      text,
      /^ai_llm_tokens_total\{ai_provider="openai",ai_model="gpt-4o",cache_status="",vector_db="",embeddings_provider="",embeddings_model="",workspace="default",token_type="prompt_tokens"\} 25$/m,
    );
    assert.match(text, /^ai_llm_provider_latency_ms_bucket\{.*ai_model="gpt-4o".*le="250"\} 0$/m);
    assert.match(text, /^ai_llm_provider_latency_ms_bucket\{.*ai_model="gpt-4o".*le="500"\} 1$/m);

    prometheus = await startPrometheus({
      jobs: { 'kong-genai': `127.0.0.1:${metricsPort}` },
      cwd: ROOT,
    });
    const server = prometheus;
    // Traffic keeps flowing while Prometheus scrapes, so rate() has something to measure.
    recorder = setInterval(() => record(call()), 100);

    const query = (promql: string) => server.query(promql);
    const fail = (error: unknown): never => {
      throw new Error(`${String(error)}\nprometheus stderr:\n${server.log()}`);
    };

    const tokens = await until('ai_llm_tokens_total in Prometheus', 20_000, () =>
      query('ai_llm_tokens_total{token_type="prompt_tokens",ai_provider="anthropic"}'),
    ).catch(fail);
    assert.equal(tokens.length, 1);
    assert.deepEqual(tokens[0]!.metric, {
      __name__: 'ai_llm_tokens_total',
      ai_provider: 'anthropic',
      ai_model: 'claude-sonnet-4',
      token_type: 'prompt_tokens',
      workspace: 'default',
      instance: `127.0.0.1:${metricsPort}`,
      job: 'kong-genai',
    });
    assert.equal(tokens[0]!.value[1], '25');

    const requests = await until('ai_llm_requests_total', 5_000, () =>
      query('ai_llm_requests_total{ai_provider="anthropic"}'),
    ).catch(fail);
    // Prometheus drops empty labels: cache_status="" etc. are present in the text, absent here.
    assert.deepEqual(Object.keys(requests[0]!.metric).sort(), [
      '__name__',
      'ai_model',
      'ai_provider',
      'instance',
      'job',
      'workspace',
    ]);

    // Every recorded call since the first scrape is 1200 ms: bucket (1000, 1500], so p90 = 1450.
    const p90 = await until(
      'a finite p90 from ai_llm_provider_latency_ms_bucket',
      20_000,
      async () => {
        const result = await query(
          'histogram_quantile(0.9, sum by (le) (rate(ai_llm_provider_latency_ms_bucket{ai_model="gpt-4o"}[1m])))',
        );
        const value = Number(result?.[0]?.value[1]);
        return Number.isFinite(value) ? value : undefined;
      },
    ).catch(fail);
    assert.ok(p90 > 1000 && p90 <= 1500, `p90 ${p90}`);

    const ours = (await server.names()).filter(n => /^(ai_|gen_ai_|kong_gen_ai_|llm_)/.test(n));
    for (const name of [
      'ai_llm_requests_total',
      'ai_llm_cost_total',
      'ai_llm_tokens_total',
      'ai_llm_provider_latency_ms_bucket',
      'ai_llm_provider_latency_ms_count',
      'ai_llm_provider_latency_ms_sum',
      'gen_ai_client_token_usage_bucket',
      'gen_ai_client_operation_duration_bucket',
      'gen_ai_client_generation_choices_total',
      'kong_gen_ai_llm_cost_total',
    ]) {
      assert.ok(ours.includes(name), `${name} in ${ours.join(', ')}`);
    }
    assert.ok(!ours.some(n => n.endsWith('_total_total')), ours.join(', '));
  });
});

describe('Prometheus endpoint settings', () => {
  it('is off unless KONG_GENAI_OTEL_PROMETHEUS_PORT is set, and listens on every interface by default', () => {
    assert.equal(resolvePrometheusEndpoint({}), undefined);
    assert.equal(resolvePrometheusEndpoint({ KONG_GENAI_OTEL_PROMETHEUS_PORT: ' ' }), undefined);
    assert.deepEqual(resolvePrometheusEndpoint({ KONG_GENAI_OTEL_PROMETHEUS_PORT: '9464' }), {
      host: undefined,
      port: 9464,
    });
    assert.deepEqual(
      resolvePrometheusEndpoint({
        KONG_GENAI_OTEL_PROMETHEUS_PORT: '9464',
        KONG_GENAI_OTEL_PROMETHEUS_HOST: '127.0.0.1',
      }),
      { host: '127.0.0.1', port: 9464 },
    );
  });

  it("refuses Kong's ports and non-ports", () => {
    for (const port of [
      '8000',
      '8001',
      '8007',
      '8100',
      '8443',
      '8444',
      '0',
      '65536',
      'abc',
      '94.6',
    ]) {
      const result = resolvePrometheusEndpoint({ KONG_GENAI_OTEL_PROMETHEUS_PORT: port });
      assert.ok(result !== undefined && 'error' in result, port);
    }
  });

  it('writes one clear stderr error for a Kong port, binds nothing and prints nothing to stdout', () => {
    const script = [
      "const { ConfigSchema } = require('./schemas/config');",
      "const r = require('./src/export/meter-provider');",
      "const s = require('./src/pipeline/settings');",
      "const p = require('./src/export/prometheus-endpoint');",
      'const lease = r.acquireMeterInstruments(s.resolveMetricSettings(ConfigSchema.parse({}), {}));',
      'if (lease.instruments.length !== 1) process.exit(3);',
      'p.prometheusEndpointListening().then(on => process.exit(on ? 4 : 0));',
    ].join('\n');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, KONG_GENAI_OTEL_PROMETHEUS_PORT: '8001' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, '');
    assert.match(child.stderr, /KONG_GENAI_OTEL_PROMETHEUS_PORT=8001 is one of Kong's own ports/);
  });
});
