// The endpoint's own server renders exactly what the exporter's serializer would, one metric at a
// time; it answers only GET/HEAD on its path and serves one rendering per second to every scrape.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { startMetricsServer, type MetricsServer } from '../../src/export/prometheus-server';
import { createMetricInstruments } from '../../src/instrumentation/metric-instruments';
import {
  METRIC_FAMILIES,
  metricPointsFor,
  recordMetricPoints,
} from '../../src/instrumentation/metric-points';
import { llmCall } from '../fixtures/llm-call';

describe('Prometheus metrics server', () => {
  const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const provider = new MeterProvider({ readers: [exporter] });
  const instruments = createMetricInstruments(provider.getMeter('test'));
  let server: MetricsServer | undefined;
  after(async () => {
    await server?.close();
    await provider.shutdown();
  });

  it('serves the serializer text, only for GET and HEAD on its path, cached for a second', async () => {
    const options = {
      mode: 'both' as const,
      families: new Set(METRIC_FAMILIES),
      consumerInMetrics: false,
      cost: 0.5,
      costSource: 'kong' as const,
    };
    // More data points per metric than one rendering turn takes, and label values to escape.
    const models = [
      'b"quote',
      'c\\slash\nnewline',
      ...Array.from({ length: 30 }, (_, i) => `m${i}`),
    ];
    for (const model of models) {
      recordMetricPoints(metricPointsFor(llmCall({ requestModel: model }), options), [instruments]);
    }
    const ready = new Promise<Error | undefined>(resolve => {
      server = startMetricsServer(exporter, '127.0.0.1', 0, '/metrics', resolve);
    });
    assert.equal(await ready, undefined);
    const { port, address } = server!.server.address() as AddressInfo;
    assert.equal(address, '127.0.0.1');
    const url = `http://127.0.0.1:${port}`;
    const expected = new PrometheusSerializer(undefined, false, undefined, false, true).serialize(
      (await exporter.collect()).resourceMetrics,
    );
    const scraped = await (await fetch(`${url}/metrics`)).text();
    assert.ok(scraped.includes('ai_llm_requests_total{'), 'sanity: Kong family present');
    assert.equal(scraped, expected);
    // Recorded after the rendering: the next scrape within the second serves the same text.
    recordMetricPoints(metricPointsFor(llmCall({ requestModel: 'later' }), options), [instruments]);
    assert.equal(await (await fetch(`${url}/metrics?x=1`)).text(), scraped);
    const head = await fetch(`${url}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const r = await fetch(`${url}/metrics`, { method });
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.get('allow'), 'GET, HEAD');
    }
    for (const path of ['/', '/metrics/', '/metricsx', '/admin']) {
      assert.equal((await fetch(`${url}${path}`)).status, 404, path);
    }
  });
});
