// Checks the OTLP test receiver against the real OpenTelemetry SDK exporters, and its fault modes.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { OtlpReceiver } from './otlp-receiver';
import { startOtlpReceiver } from './otlp-receiver';

type ExporterConfig = NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>;
// The enum lives in a transitive package; its wire value is the string 'gzip'.
const GZIP = 'gzip' as NonNullable<ExporterConfig['compression']>;

const resource = resourceFromAttributes({ 'service.name': 'otlp-receiver-test' });

/** Wraps an exporter so the test sees each export's outcome. */
function recording(inner: SpanExporter, results: ExportResult[]): SpanExporter {
  return {
    export: (spans, done) =>
      inner.export(spans, result => {
        results.push(result);
        done(result);
      }),
    shutdown: () => inner.shutdown(),
  };
}

/** A traced request: a parent server span and a client child with every attribute type. */
async function exportSpans(
  url: string,
  extra: Partial<ExporterConfig> = {},
  results: ExportResult[] = [],
): Promise<{ traceId: string; parentId: string; childId: string }> {
  const exporter = recording(new OTLPTraceExporter({ url, ...extra }), results);
  const provider = new TracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  try {
    const tracer = provider.getTracer('receiver-test', '1.2.3');
    const parent = tracer.startSpan('POST /chat', { kind: SpanKind.SERVER });
    const child = tracer.startSpan(
      'chat gpt-4o',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 123,
          'gen_ai.request.temperature': 0.2,
          'gen_ai.response.streaming': true,
          'gen_ai.response.finish_reasons': ['stop', 'length'],
        },
      },
      trace.setSpan(context.active(), parent),
    );
    child.addEvent('first_token', { 'gen_ai.token.index': 0 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream 500' });
    child.end();
    parent.end();
    // A failed export makes forceFlush reject in some SDK versions; the results array tells.
    await provider.forceFlush().catch(() => undefined);
    return {
      traceId: child.spanContext().traceId,
      parentId: parent.spanContext().spanId,
      childId: child.spanContext().spanId,
    };
  } finally {
    await provider.shutdown().catch(() => undefined);
  }
}

/** A raw POST (empty body = empty ExportTraceServiceRequest) for the fault-mode checks. */
function post(
  url: string,
  timeoutMs = 2000,
): Promise<{ status: number; body: Buffer; ms: number } | { error: string; ms: number }> {
  const started = Date.now();
  return new Promise(resolve => {
    const req = http.request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/x-protobuf' } },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks),
            ms: Date.now() - started,
          }),
        );
        res.on('error', err => resolve({ error: err.message, ms: Date.now() - started }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error('client timeout')));
    req.on('error', err => resolve({ error: err.message, ms: Date.now() - started }));
    req.end();
  });
}

describe('OTLP receiver', () => {
  let receiver: OtlpReceiver | undefined;

  before(async () => {
    receiver = await startOtlpReceiver();
  });

  after(async () => {
    await receiver?.close();
  });

  beforeEach(() => receiver!.reset());

  it('decodes a span exported by the SDK with every attribute type', async () => {
    const r = receiver!;
    assert.match(r.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const ids = await exportSpans(r.tracesUrl);
    await r.waitFor(x => x.spans().length === 2, 3000);
    assert.equal(r.requestCount('/v1/traces'), 1);
    assert.equal(r.requests[0]?.headers['content-type'], 'application/x-protobuf');

    const child = r.spans().find(s => s.name === 'chat gpt-4o');
    assert.ok(child);
    assert.equal(child.kind, 'SPAN_KIND_CLIENT');
    assert.equal(child.traceId, ids.traceId);
    assert.equal(child.spanId, ids.childId);
    assert.equal(child.parentSpanId, ids.parentId);
    assert.deepEqual(child.attributes, {
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 123,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.response.streaming': true,
      'gen_ai.response.finish_reasons': ['stop', 'length'],
    });
    assert.equal(typeof child.startTimeUnixNano, 'bigint');
    assert.ok(child.endTimeUnixNano >= child.startTimeUnixNano);
    assert.ok(child.startTimeUnixNano > 1_600_000_000_000_000_000n, 'nanoseconds since the epoch');
    assert.deepEqual(child.status, { code: 'STATUS_CODE_ERROR', message: 'upstream 500' });
    assert.deepEqual(
      child.events.map(e => [e.name, e.attributes]),
      [['first_token', { 'gen_ai.token.index': 0 }]],
    );
    assert.equal(child.resource['service.name'], 'otlp-receiver-test');
    assert.deepEqual(
      { name: child.scope.name, version: child.scope.version },
      { name: 'receiver-test', version: '1.2.3' },
    );

    const parent = r.spans().find(s => s.name === 'POST /chat');
    assert.equal(parent?.kind, 'SPAN_KIND_SERVER');
    assert.equal(parent?.parentSpanId, undefined);
  });

  it('decodes histogram buckets and a monotonic sum from the metrics exporter', async () => {
    const r = receiver!;
    const provider = new MeterProvider({
      resource,
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({ url: r.metricsUrl }),
          exportIntervalMillis: 60000,
        }),
      ],
    });
    try {
      const meter = provider.getMeter('receiver-test');
      const histogram = meter.createHistogram('gen_ai.client.token.usage', {
        unit: '{token}',
        advice: { explicitBucketBoundaries: [1, 4, 16, 64] },
      });
      const attributes = { 'gen_ai.token.type': 'input', 'gen_ai.request.model': 'gpt-4o' };
      for (const v of [3, 10, 10, 100]) histogram.record(v, attributes);
      meter.createCounter('kong.requests').add(5, { route: 'r1' });
      await provider.forceFlush();
    } finally {
      await provider.shutdown().catch(() => undefined);
    }
    await r.waitFor(x => x.metrics().length >= 2, 3000);
    const metrics = r.metrics();
    const h = metrics.find(m => m.name === 'gen_ai.client.token.usage');
    assert.ok(h);
    assert.equal(h.type, 'histogram');
    assert.equal(h.unit, '{token}');
    assert.equal(h.temporality, 'AGGREGATION_TEMPORALITY_CUMULATIVE');
    assert.equal(h.resource['service.name'], 'otlp-receiver-test');
    assert.equal(h.points.length, 1);
    const p = h.points[0]!;
    assert.deepEqual(p.attributes, {
      'gen_ai.token.type': 'input',
      'gen_ai.request.model': 'gpt-4o',
    });
    assert.deepEqual(p.explicitBounds, [1, 4, 16, 64]);
    assert.deepEqual(p.bucketCounts, [0, 1, 2, 0, 1]);
    assert.equal(p.count, 4);
    assert.equal(p.sum, 123);
    assert.equal(p.min, 3);
    assert.equal(p.max, 100);
    assert.ok(p.timeUnixNano >= p.startTimeUnixNano);

    const c = metrics.find(m => m.name === 'kong.requests');
    assert.equal(c?.type, 'sum');
    assert.equal(c?.isMonotonic, true);
    assert.deepEqual(
      c?.points.map(pt => [pt.value, pt.attributes]),
      [[5, { route: 'r1' }]],
    );
  });

  it('gunzips gzip-compressed exports and keeps the raw bytes', async () => {
    const r = receiver!;
    const ids = await exportSpans(r.tracesUrl, { compression: GZIP });
    await r.waitFor(x => x.spans().length === 2, 3000);
    const req = r.requests[0]!;
    assert.equal(req.headers['content-encoding'], 'gzip');
    assert.deepEqual([...req.raw.subarray(0, 2)], [0x1f, 0x8b], 'raw keeps the gzip stream');
    assert.ok(req.body.includes(Buffer.from('gpt-4o')), 'body is the inflated protobuf');
    assert.equal(r.spans().find(s => s.name === 'chat gpt-4o')?.traceId, ids.traceId);
  });

  it('answers status:500 and the exporter sees a failed, non-retried export', async () => {
    const r = receiver!;
    r.setFault('status:500');
    const results: ExportResult[] = [];
    await exportSpans(r.tracesUrl, {}, results);
    assert.equal(results.length, 1);
    assert.equal(results[0]?.code, ExportResultCode.FAILED);
    assert.equal((results[0]?.error as { code?: number } | undefined)?.code, 500);
    assert.equal(r.requestCount('/v1/traces'), 1, '500 is not retryable');
    assert.equal(r.attempts[0]?.fault, 'status');
    assert.equal(r.spans().length, 0, 'a rejected export is not stored');
  });

  it('implements the other fault modes for reliability tests', async () => {
    const r = receiver!;
    r.setFault('status:429', { retryAfter: 3 });
    const limited = await post(r.tracesUrl);
    assert.ok('status' in limited && limited.status === 429);

    r.setFault('destroy');
    const destroyed = await post(r.tracesUrl);
    assert.ok('error' in destroyed, 'socket closed without a response');

    r.setFault('hang');
    const hung = await post(r.tracesUrl, 150);
    assert.ok('error' in hung && hung.ms >= 140, 'no answer until the client gives up');

    r.setFault('delay:120');
    const delayed = await post(r.tracesUrl);
    assert.ok('status' in delayed && delayed.status === 200 && delayed.ms >= 110);

    r.setFault('drip:10', { dripBytes: 6 });
    const dripped = await post(r.tracesUrl);
    assert.ok('status' in dripped && dripped.status === 200);
    assert.deepEqual([...dripped.body], [0x0a, 0, 0x0a, 0, 0x0a, 0]);
    assert.ok(dripped.ms >= 45, `drip took ${dripped.ms} ms`);

    r.setFault('ok');
    const unknown = await post(`${r.url}/v1/profiles`);
    assert.ok('status' in unknown && unknown.status === 404);

    assert.equal(r.requestCount('/v1/traces'), 5);
    assert.equal(r.requestCount(), 6);
    // delay and drip accepted the (empty) request; the others did not.
    assert.equal(r.requests.length, 2);
  });
});
