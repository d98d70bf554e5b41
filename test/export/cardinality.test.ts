// Metric series are bounded whatever clients send: under 10,000 distinct 256-character model
// names, one Prometheus scrape stays under 2 MB and one OTLP metric export under 4 MB; the
// endpoint binds the configured host, answers only GET /metrics, and renders once per second
// however many scrapes arrive. A subprocess, so the endpoint's environment is its own.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cardinalityLimit, DEFAULT_CARDINALITY_LIMIT } from '../../src/export/cardinality';

const ROOT = path.resolve(__dirname, '../..');

const SCRIPT = `
const { monitorEventLoopDelay } = require('node:perf_hooks');
const mp = require('./src/export/meter-provider');
const pe = require('./src/export/prometheus-endpoint');
const { metricPointsFor, recordMetricPoints, METRIC_FAMILIES } = require('./src/instrumentation/metric-points');
const { resolveMetricSettings } = require('./src/pipeline/settings');
const { ConfigSchema } = require('./schemas/config');
const { llmCall } = require('./test/fixtures/llm-call');
const { startOtlpReceiver } = require('./test/helpers/otlp-receiver');
(async () => {
  const receiver = await startOtlpReceiver();
  const config = ConfigSchema.parse({ metrics_endpoint: receiver.metricsUrl, metrics_export_interval_ms: 3600000 });
  const lease = mp.acquireMeterInstruments(resolveMetricSettings(config, {}));
  if (!(await pe.prometheusEndpointListening())) throw new Error('not listening');
  const { address, port } = pe.prometheusEndpointAddress();
  const options = { mode: 'both', families: new Set(METRIC_FAMILIES), consumerInMetrics: false, cost: 0.1, costSource: 'kong' };
  for (let i = 0; i < 10000; i += 1) {
    const model = (i + '-').padEnd(256, 'm');
    recordMetricPoints(metricPointsFor(llmCall({ requestModel: model, responseModel: model }), options), lease.instruments);
  }
  const url = 'http://127.0.0.1:' + port;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  const scrapes = await Promise.all(Array.from({ length: 10 }, () => fetch(url + '/metrics').then(r => r.text())));
  const scrapeMs = performance.now() - started;
  delay.disable();
  const post = await fetch(url + '/metrics', { method: 'POST' });
  const other = await fetch(url + '/');
  await mp.forceFlushMeterProviders();
  const out = {
    address,
    scrapeBytes: Buffer.byteLength(scrapes[0]),
    identical: scrapes.every(s => s === scrapes[0]),
    overflow: scrapes[0].includes('otel_metric_overflow="true"'),
    scrapeMs,
    maxLoopDelayMs: delay.max / 1e6,
    post: post.status, allow: post.headers.get('allow'), other: other.status,
    otlpBytes: receiver.requests.filter(r => r.path === '/v1/metrics').map(r => r.body.length),
  };
  process.stdout.write(JSON.stringify(out));
  await mp.shutdownMeterProviders(1000);
  await receiver.close();
})().catch(e => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>(resolve => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

function run(env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', SCRIPT], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', d => (out += String(d)));
    child.stderr.on('data', d => (err += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', code => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`exit ${code}: ${err}`));
      else resolve(JSON.parse(out) as Record<string, unknown>);
    });
  });
}

describe('metric cardinality and the Prometheus endpoint', () => {
  it('10,000 distinct model names: scrape < 2 MB, OTLP export < 4 MB, overflow series', async t => {
    const r = await run({
      KONG_GENAI_OTEL_PROMETHEUS_PORT: String(await freePort()),
      KONG_GENAI_OTEL_PROMETHEUS_HOST: '127.0.0.1',
    });
    t.diagnostic(
      `scrape ${String(r.scrapeBytes)} bytes; OTLP ${JSON.stringify(r.otlpBytes)} bytes; ` +
        `10 concurrent scrapes ${Number(r.scrapeMs).toFixed(0)} ms; ` +
        `longest event-loop stall ${Number(r.maxLoopDelayMs).toFixed(1)} ms`,
    );
    assert.ok(Number(r.scrapeBytes) < 2 * 1024 * 1024, `scrape ${String(r.scrapeBytes)} bytes`);
    const otlp = r.otlpBytes as number[];
    assert.ok(otlp.length >= 1);
    for (const bytes of otlp) assert.ok(bytes < 4 * 1024 * 1024, `OTLP export ${bytes} bytes`);
    assert.equal(r.overflow, true, 'the rest is folded into the overflow series');
    assert.equal(r.identical, true, 'concurrent scrapes share one rendering');
    assert.equal(r.address, '127.0.0.1', 'binds KONG_GENAI_OTEL_PROMETHEUS_HOST');
    assert.equal(r.post, 405);
    assert.equal(r.allow, 'GET, HEAD');
    assert.equal(r.other, 404);
  });

  it('the limit is configurable, with a documented default', () => {
    assert.equal(cardinalityLimit({}), DEFAULT_CARDINALITY_LIMIT);
    assert.equal(cardinalityLimit({ KONG_GENAI_OTEL_METRIC_CARDINALITY_LIMIT: '500' }), 500);
    for (const bad of ['0', '-1', '2001', 'many', '1e3']) {
      assert.equal(
        cardinalityLimit({ KONG_GENAI_OTEL_METRIC_CARDINALITY_LIMIT: bad }),
        DEFAULT_CARDINALITY_LIMIT,
      );
    }
  });
});
