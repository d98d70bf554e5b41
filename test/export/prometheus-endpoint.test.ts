// The optional Prometheus pull endpoint, scraped by a REAL Prometheus server: Kong's metric names
// and labels must come out exactly as Kong's own Prometheus plugin writes them.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
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

const PROMETHEUS = '/usr/bin/prometheus';
const ROOT = join(__dirname, '..', '..');

/** Installs Prometheus from apt when missing; returns why it is unavailable, or undefined. */
function ensurePrometheus(): string | undefined {
  if (existsSync(PROMETHEUS)) return undefined;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' });
  if (apt.status !== 0) return 'apt-get is not available to install prometheus';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus'], {
      env,
      encoding: 'utf8',
      timeout: 300_000,
    });
  let result = install();
  if (result.status !== 0) {
    spawnSync('apt-get', ['update'], { env, encoding: 'utf8', timeout: 300_000 });
    result = install();
  }
  if (result.status !== 0 || !existsSync(PROMETHEUS)) {
    return `apt-get install prometheus failed: ${(result.stderr ?? '').trim().slice(-400)}`;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return port;
}

/** Polls `probe` until it yields a value; fails with the last error after `deadlineMs`. */
async function until<T>(
  what: string,
  deadlineMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await delay(200);
  }
  throw new Error(`timed out after ${deadlineMs} ms waiting for ${what} (${String(last)})`);
}

const call = (overrides: Partial<LlmCall> = {}): LlmCall =>
  llmCall({
    timing: { startMs: 0, durationMs: 1200, llmLatencyMs: 1200 },
    server: { address: 'api.openai.com' },
    outcome: { isError: false },
    kongCost: 0.002,
    ...overrides,
  });

/** The parts of Prometheus' HTTP API answers this test reads. */
interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}
interface ApiAnswer<T> {
  status: string;
  data: T;
}

const OPTS = {
  mode: 'both',
  families: new Set(['gen_ai', 'kong'] as const),
  consumerInMetrics: false,
} as const;

describe('Prometheus pull endpoint scraped by a real Prometheus', () => {
  let unavailable: string | undefined;
  let sink: Server | undefined;
  let prometheus: ChildProcess | undefined;
  let prometheusLog = '';
  let dataDir: string | undefined;
  let recorder: NodeJS.Timeout | undefined;
  let lease: MeterLease | undefined;
  let metricsPort = 0;
  let webPort = 0;

  before(async () => {
    unavailable = ensurePrometheus();
    if (unavailable !== undefined) return;
    // The OTLP side of the lease needs somewhere harmless to export to on shutdown.
    sink = createServer((_req, res) => res.writeHead(200).end());
    await new Promise<void>(resolve => sink!.listen(0, '127.0.0.1', resolve));
    metricsPort = await freePort();
    webPort = await freePort();
    process.env.KONG_GENAI_OTEL_PROMETHEUS_PORT = String(metricsPort);
    process.env.KONG_GENAI_OTEL_PROMETHEUS_HOST = '127.0.0.1';
  });

  after(async () => {
    if (recorder !== undefined) clearInterval(recorder);
    void lease?.release();
    if (prometheus !== undefined && prometheus.exitCode === null) {
      const exited = new Promise<void>(resolve => prometheus!.once('exit', () => resolve()));
      prometheus.kill('SIGTERM');
      const killed = await Promise.race([exited.then(() => true), delay(5000).then(() => false)]);
      if (!killed) {
        prometheus.kill('SIGKILL');
        await exited;
      }
    }
    await shutdownMeterProviders(5000);
    if (sink !== undefined) await new Promise<void>(resolve => sink!.close(() => resolve()));
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
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

    dataDir = mkdtempSync(join(tmpdir(), 'genai-otel-prometheus-'));
    const configFile = join(dataDir, 'prometheus.yml');
    writeFileSync(
      configFile,
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: kong-genai',
        `    static_configs: [ { targets: ['127.0.0.1:${metricsPort}'] } ]`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dataDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${webPort}`,
        '--log.level=warn',
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr!.on('data', (chunk: Buffer) => {
      prometheusLog = (prometheusLog + chunk.toString()).slice(-4000);
    });
    // Traffic keeps flowing while Prometheus scrapes, so rate() has something to measure.
    recorder = setInterval(() => record(call()), 100);

    const query = async (promql: string): Promise<Sample[] | undefined> => {
      const url = `http://127.0.0.1:${webPort}/api/v1/query?query=${encodeURIComponent(promql)}`;
      const body = (await (await fetch(url)).json()) as ApiAnswer<{ result: Sample[] }>;
      assert.equal(body.status, 'success', JSON.stringify(body));
      return body.data.result.length > 0 ? body.data.result : undefined;
    };
    const fail = (error: unknown): never => {
      throw new Error(`${String(error)}\nprometheus stderr:\n${prometheusLog}`);
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

    const names = (await (
      await fetch(`http://127.0.0.1:${webPort}/api/v1/label/__name__/values`)
    ).json()) as ApiAnswer<string[]>;
    const ours = names.data.filter(n => /^(ai_|gen_ai_|kong_gen_ai_|llm_)/.test(n));
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
