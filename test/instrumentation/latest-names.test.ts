// `latest` mode emits no invented name (docs/design.md#semconv-modes): every span attribute, span
// event, event attribute, metric and metric attribute of the `gen_ai` family is registered in
// semconv v1.41.0 (semconv-registry-v1.41.ts) or is one of ours (`kong.*`). The `kong` family is
// exempt: its names and labels are Kong's Prometheus names, kept as Kong writes them.
// Runs every log shape this project knows, with content capture on, through the real Pipeline.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ConfigSchema } from '../../schemas/config';
import {
  INSTRUMENT_NAMES,
  type MetricInstruments,
} from '../../src/instrumentation/metric-instruments';
import { Pipeline } from '../../src/pipeline/pipeline';
import { EE_LOGS } from '../fixtures/ee-logs';
import * as F from '../fixtures/serialized-logs';
import { streamLog39, streamLogEe312 } from '../fixtures/stream-logs';
import {
  allowedInLatest,
  REGISTERED_ATTRIBUTES,
  REGISTERED_EVENTS,
  REGISTERED_METRICS,
  SEMCONV_VERSION,
} from './semconv-registry-v1.41';

const EE_CORPUS = path.resolve(__dirname, '../../../shared/fixtures/kong-ai-3.10-plus');

/** Every metric name and attribute key recorded, by instrument. */
const recorded = new Map<string, Set<string>>();
function recordingInstruments(): MetricInstruments {
  const out: Record<string, Histogram & Counter> = {};
  for (const name of INSTRUMENT_NAMES) {
    const note = (_value: number, attributes?: Attributes): void => {
      const keys = recorded.get(name) ?? new Set<string>();
      for (const key of Object.keys(attributes ?? {})) keys.add(key);
      recorded.set(name, keys);
    };
    out[name] = { record: note, add: note };
  }
  return out as unknown as MetricInstruments;
}

describe(`latest mode emits only semconv v${SEMCONV_VERSION} names or kong.*`, () => {
  it('every span, event and gen_ai-family metric name, over every known log shape', () => {
    const spans = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
    });
    const config = ConfigSchema.parse({
      semconv: 'latest',
      capture_message_content: true,
      metric_families: ['gen_ai'],
      pricing: [{ model: '*', input: 1, output: 2, cached_input: 0.5, cache_write: 1.25 }],
    });
    const pipeline = new Pipeline(
      config,
      {},
      {
        tracer: provider.getTracer('latest-names'),
        instruments: [recordingInstruments()],
        release: () => Promise.resolve(),
      },
    );
    const logs: unknown[] = [
      F.log39({ traceparent: F.TRACEPARENT }),
      F.log38(),
      F.log37(),
      F.log36(),
      F.logEe312(),
      F.log39({ request: F.EMBEDDINGS_REQUEST, response: F.EMBEDDINGS_RESPONSE }),
      F.log39({ request: F.COMPLETION_REQUEST, response: F.COMPLETION_RESPONSE }),
      F.log39({ status: 500, upstreamStatus: '500' }),
      streamLog39(),
      streamLogEe312(),
      ...EE_LOGS.map(([, build]) => build()),
    ];
    if (existsSync(EE_CORPUS)) {
      for (const file of readdirSync(EE_CORPUS).filter(f => f.endsWith('.json'))) {
        logs.push(JSON.parse(readFileSync(path.join(EE_CORPUS, file), 'utf8')));
      }
    }
    for (const log of logs) pipeline.processLog(log);

    const bad: string[] = [];
    const finished = spans.getFinishedSpans();
    assert.ok(finished.length >= logs.length, 'every log produced at least one span');
    for (const span of finished) {
      for (const key of Object.keys(span.attributes)) {
        if (!allowedInLatest(key, REGISTERED_ATTRIBUTES)) bad.push(`span attribute ${key}`);
      }
      for (const event of span.events) {
        if (!allowedInLatest(event.name, REGISTERED_EVENTS)) bad.push(`event ${event.name}`);
        for (const key of Object.keys(event.attributes ?? {})) {
          if (!allowedInLatest(key, REGISTERED_ATTRIBUTES)) {
            bad.push(`${event.name} attribute ${key}`);
          }
        }
      }
    }
    assert.ok(recorded.size > 5, 'metrics were recorded');
    for (const [name, keys] of recorded) {
      if (!allowedInLatest(name, REGISTERED_METRICS)) bad.push(`metric ${name}`);
      for (const key of keys) {
        if (!allowedInLatest(key, REGISTERED_ATTRIBUTES)) bad.push(`${name} attribute ${key}`);
      }
    }
    assert.deepEqual([...new Set(bad)].sort(), []);
  });
});
