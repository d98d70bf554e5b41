// Property-based hostile input (docs/design.md#failure-behaviour): serialized logs of every Kong
// shape with extreme values, wrong types at every field, huge and unicode-broken strings, garbage
// and non-JSON text, through the real Pipeline (in-memory sinks with the production span limits)
// and through the plugin's log handler. Whatever Kong or a hostile client puts in a log, no
// exception escapes, span times are sane, attribute values stay within the limits and every
// recorded number is finite.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import { ConfigSchema, type Config, type ConfigInput } from '../../schemas/config';
import { callsFromLog } from '../../src/genai/calls';
import { GenAiOtelPlugin } from '../../src/kong/genai-otel-plugin';
import { Pipeline, type TelemetrySinks } from '../../src/pipeline/pipeline';
import {
  createMetricInstruments,
  type MetricInstruments,
} from '../../src/instrumentation/metric-instruments';
import { shutdownMeterProviders } from '../../src/export/meter-provider';
import { selfObs } from '../../src/selfobs/recorder';
import { SPAN_LIMITS, shutdownTracerProviders } from '../../src/export/tracer-provider';
import * as F from '../fixtures/serialized-logs';
import {
  hostileEeLog,
  hostileLog,
  junkText,
  paths,
  setPath,
  SHAPES,
  wrongType,
} from '../fixtures/hostile-logs';
import { EE_LOGS } from '../fixtures/ee-logs';
import { requestRecords } from '../../src/genai/request-records';
import { requestSpans } from '../../src/instrumentation/request-spans';
import { streamLog39, streamLogEe312 } from '../fixtures/stream-logs';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Sinks: the production span limits, and instruments that check every measurement on its way in.

/** Numbers that reached an instrument and were not finite (kept for the failure message). */
const badMeasurements: string[] = [];

function checkedInstruments(real: MetricInstruments): MetricInstruments {
  const out: Record<string, Histogram | Counter> = {};
  for (const [name, instrument] of Object.entries(real) as [string, Histogram & Counter][]) {
    const check = (value: number): void => {
      if (!Number.isFinite(value)) badMeasurements.push(`${name} got ${value}`);
    };
    const wrapped: Histogram & Counter = {
      record: (value: number, attributes?: Attributes) => {
        check(value);
        instrument.record(value, attributes);
      },
      add: (value: number, attributes?: Attributes) => {
        check(value);
        instrument.add(value, attributes);
      },
    };
    out[name] = wrapped;
  }
  return out as MetricInstruments;
}

const spans = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({
  spanLimits: SPAN_LIMITS,
  spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
});
const meterProvider = new MeterProvider();
const sinks: TelemetrySinks = {
  tracer: tracerProvider.getTracer('hostile-input'),
  instruments: [checkedInstruments(createMetricInstruments(meterProvider.getMeter('hostile')))],
  release: () => Promise.resolve(),
};

// Configs the properties rotate through: both capture states, every vocabulary, tight lengths,
// and a price table so computed costs are exercised too.
const CONFIGS: Config[] = (
  [
    {},
    { capture_message_content: true },
    { capture_message_content: true, semconv: 'legacy', max_content_length: 16 },
    { capture_message_content: true, semconv: 'latest', max_content_length: 64 },
    {
      capture_message_content: false,
      semconv: 'both',
      consumer_in_metrics: true,
      pricing: [{ model: '*', input: 9_007_199_254_740_991, output: 1e15, cached_input: 0 }],
    },
  ] satisfies ConfigInput[]
).map(c => ConfigSchema.parse(c));
const pipelines = CONFIGS.map(config => ({ config, pipeline: new Pipeline(config, {}, sinks) }));

// ---------------------------------------------------------------------------------------------
// The properties every case must satisfy.

const LEGACY_CLEANED =
  /^(gen_ai\.(prompt|completion)\.\d+\.(content|refusal|tool_calls\.\d+\.arguments)|llm\.request\.functions\.\d+\.(description|parameters))$/;
const LATEST_JSON = new Set([
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.definitions',
]);

const nanos = ([s, ns]: readonly [number, number]): bigint =>
  BigInt(s) * 1_000_000_000n + BigInt(ns);

function checkHrTime(what: string, t: readonly [number, number]): void {
  const [s, ns] = t;
  assert.ok(
    Number.isSafeInteger(s) && s >= 0 && Number.isInteger(ns) && ns >= 0 && ns < 1e9,
    `${what} is not a valid epoch time: [${s}, ${ns}]`,
  );
}

function checkValue(key: string, value: unknown): void {
  const limit = SPAN_LIMITS.attributeValueLengthLimit;
  if (typeof value === 'string') {
    assert.ok(value.length <= limit, `${key}: ${value.length} chars > ${limit}`);
  } else if (typeof value === 'number') {
    assert.ok(Number.isFinite(value), `${key} = ${value} is not finite`);
  } else if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (item != null) checkValue(`${key}[]`, item);
  } else {
    assert.equal(typeof value, 'boolean', `${key} has a ${typeof value} value`);
  }
}

/**
 * Content strings inside the latest-vocabulary JSON attributes (when not cut by the span limit).
 */
function* jsonContentStrings(value: unknown): Generator<string> {
  if (Array.isArray(value)) {
    for (const item of value) yield* jsonContentStrings(item);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && ['content', 'response', 'description', 'arguments'].includes(k))
        yield v;
      else yield* jsonContentStrings(v);
    }
  }
}

function checkSpan(span: ReadableSpan, config: Config): void {
  checkHrTime('start', span.startTime);
  checkHrTime('end', span.endTime);
  assert.ok(nanos(span.endTime) >= nanos(span.startTime), 'span ends before it starts');
  const entries = Object.entries(span.attributes);
  assert.ok(entries.length <= SPAN_LIMITS.attributeCountLimit, `${entries.length} attributes`);
  for (const event of span.events) {
    checkHrTime(`event ${event.name}`, event.time);
    for (const [key, value] of Object.entries(event.attributes ?? {})) checkValue(key, value);
  }
  const max = config.max_content_length;
  for (const [key, value] of entries) {
    checkValue(key, value);
    if (!config.capture_message_content) continue;
    if (LEGACY_CLEANED.test(key)) {
      assert.ok(String(value).length <= max, `${key}: ${String(value).length} chars > ${max}`);
    } else if (LATEST_JSON.has(key)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(value));
      } catch {
        continue; // cut by the span value limit: only the SDK bound applies (checked above)
      }
      for (const text of jsonContentStrings(parsed))
        assert.ok(text.length <= max, `${key} part: ${text.length} chars > ${max}`);
    }
  }
}

/** Spans expected besides the LLM calls' (MCP, A2A, blocked requests), from the pure parsers. */
function otherSpans(input: { text?: string; decoded?: unknown }): number {
  let log: unknown = input.decoded;
  if (input.text !== undefined) {
    try {
      log = JSON.parse(input.text);
    } catch {
      return 0;
    }
  }
  const calls = callsFromLog(log).length;
  const records = requestRecords(log, calls > 0);
  return records === undefined ? 0 : requestSpans(records, undefined).length;
}

/** Runs one input through one pipeline; returns nothing, asserts everything. */
function runCase(input: { text?: string; decoded?: unknown }, configIndex: number): void {
  const entry = pipelines[configIndex % pipelines.length]!;
  spans.reset();
  badMeasurements.length = 0;
  let calls: number;
  try {
    calls = (
      input.text !== undefined
        ? entry.pipeline.processLogText(input.text)
        : entry.pipeline.processLog(input.decoded)
    ).length;
  } catch (error) {
    assert.fail(`exception escaped the pipeline: ${String(error)}`);
  }
  const finished = spans.getFinishedSpans();
  assert.equal(
    finished.length,
    calls + otherSpans(input),
    'one span per LLM call, MCP/A2A entry or blocked request (sample ratio 1)',
  );
  for (const span of finished) checkSpan(span, entry.config);
  assert.deepEqual(badMeasurements, [], 'every metric measurement is finite');
}

// ---------------------------------------------------------------------------------------------

const RUN = { seed: Number(process.env.HOSTILE_SEED ?? Date.now() % 2 ** 31) };
let totalCases = 0;

describe('hostile serialized logs through the Pipeline (production span limits)', () => {
  it('valid Kong shapes with hostile payloads and fields, as JSON text (4,000 runs)', () => {
    fc.assert(
      fc.property(hostileLog, fc.nat(), (log, config) => {
        totalCases += 1;
        runCase({ text: JSON.stringify(log) }, config);
      }),
      { ...RUN, numRuns: 4000 },
    );
  });

  it('already-decoded logs keep NaN, Infinity and -0 (processLog, 2,500 runs)', () => {
    fc.assert(
      fc.property(hostileLog, fc.nat(), (log, config) => {
        totalCases += 1;
        runCase({ decoded: log }, config);
      }),
      { ...RUN, numRuns: 2500 },
    );
  });

  it('non-logs: any JSON value, any text, truncated or deeply nested JSON (2,000 runs)', () => {
    fc.assert(
      fc.property(junkText, fc.nat(), (text, config) => {
        totalCases += 1;
        runCase({ text }, config);
      }),
      { ...RUN, numRuns: 2000 },
    );
  });

  it('EE 3.11+ shapes (tried targets, guards, judge, MCP, A2A) with hostile fields (3,000 runs)', () => {
    fc.assert(
      fc.property(hostileEeLog, fc.nat(), fc.boolean(), (log, config, asText) => {
        totalCases += 1;
        runCase(asText ? { text: JSON.stringify(log) } : { decoded: log }, config);
      }),
      { ...RUN, numRuns: 3000 },
    );
  });

  it('every field of every Kong shape replaced by every wrong type (exhaustive)', () => {
    const wrong: unknown[] = [null, true, -1, NaN, Infinity, 1e308, '', '\uD800', [], {}, [{}]];
    const builders = [...SHAPES, streamLog39, streamLogEe312, ...EE_LOGS.map(([, b]) => b)];
    let configIndex = 0;
    for (const build of builders) {
      const count = paths(build()).length;
      for (let i = 0; i < count; i += 1) {
        for (const value of wrong) {
          const log = structuredClone(build());
          setPath(log, paths(log)[i]!, structuredClone(value));
          totalCases += 2;
          runCase({ decoded: log }, configIndex++);
          runCase({ text: JSON.stringify(log) }, configIndex++);
        }
      }
    }
  });
});

describe('big values through the Pipeline', () => {
  const MB = 1 << 20;
  let linearRedaction = false;
  const big = (label: string, build: () => Json | string): [string, () => Json | string] => [
    label,
    build,
  ];
  const base64 = Buffer.alloc((MB * 3) / 4, 0x5a).toString('base64');
  const cases = [
    big('10,000 messages, 10,000 choices and 10,000 tools', () =>
      F.log39({
        request: {
          model: 'gpt-4o',
          messages: Array.from({ length: 10_000 }, (_, i) => ({
            role: i % 2 ? 'assistant' : 'user',
            content: `message ${i} mail${i}@example.com`,
          })),
          tools: Array.from({ length: 10_000 }, (_, i) => ({
            type: 'function',
            function: { name: `tool${i}`, description: 'd'.repeat(50), parameters: { i } },
          })),
          stop: Array.from({ length: 10_000 }, (_, i) => `stop${i}`),
        },
        response: {
          ...F.CHAT_RESPONSE,
          choices: Array.from({ length: 10_000 }, (_, i) => ({
            index: i,
            finish_reason: 'stop',
            message: { role: 'assistant', content: `answer ${i}` },
          })),
        },
      }),
    ),
    big('1 MB message texts of words, base64 and lone surrogates', () =>
      F.log39({
        request: {
          model: 'gpt-4o',
          messages: [
            { role: 'user', content: 'lorem ipsum '.repeat(MB / 12) },
            { role: 'user', content: base64 },
            { role: 'user', content: '\uD800a'.repeat(MB / 2) },
            { role: 'user', content: 'a@'.repeat(MB / 2) },
            { role: 'user', content: '4111 '.repeat(MB / 5) },
          ],
        },
        response: {
          ...F.CHAT_RESPONSE,
          choices: [{ index: 0, message: { role: 'assistant', content: base64 } }],
        },
      }),
    ),
    big(
      '1 MB identifiers: model, request id, route, traceparent, fingerprint, finish reason',
      () => {
        const huge = 'm'.repeat(MB);
        const log = F.log39({
          requestModel: huge,
          responseModel: huge,
          traceparent: `00-${huge}`,
          response: { ...F.CHAT_RESPONSE, id: huge, system_fingerprint: huge, model: huge },
        });
        (log.request as Json).id = huge;
        (log.route as Json).name = huge;
        return log;
      },
    ),
    big('1 MB of non-JSON text', () => '{"ai": '.repeat(MB / 7)),
    big('payload nested 100,000 levels deep', () =>
      F.log39({ requestText: '['.repeat(100_000) + ']'.repeat(100_000) }),
    ),
    big('huge token counts, latencies and costs', () => {
      const log = F.log39({
        promptTokens: Number.MAX_VALUE,
        completionTokens: Number.MAX_VALUE,
        llmLatency: Number.MAX_VALUE,
        cost: Number.MAX_VALUE,
        response: {
          ...F.CHAT_RESPONSE,
          usage: { prompt_tokens: 1e308, completion_tokens: 1e308, total_tokens: 1e308 },
        },
      });
      log.started_at = Number.MAX_VALUE;
      log.latencies = { kong: 1e308, proxy: 1e308, request: 1e308, receive: 1e308 };
      return log;
    }),
  ];
  it('redaction is linear: 16 KB runs of e-mail characters do not backtrack quadratically', () => {
    const log = F.log39({
      request: {
        model: 'm',
        messages: ['a', '1', 'a.', 'a-'].map(unit => ({
          role: 'user',
          content: unit.repeat(16_384 / unit.length),
        })),
      },
    });
    const started = performance.now();
    runCase({ decoded: log }, 1);
    const ms = performance.now() - started;
    // Linear: a few ms. Quadratic (the e-mail preset without its lookbehind): about 2 s.
    linearRedaction = ms < 150;
    assert.ok(linearRedaction, `redacting 4 x 16 KB (both vocabularies) took ${ms.toFixed(0)} ms`);
  });

  for (const [label, build] of cases) {
    it(`${label}: every config, as text and decoded, each well under a second`, () => {
      const input = build();
      const textForm = typeof input === 'string' ? input : JSON.stringify(input);
      for (let configIndex = 0; configIndex < pipelines.length; configIndex += 1) {
        // A quadratic regex would block here for minutes (failed above): fail fast instead.
        if (!linearRedaction && pipelines[configIndex]!.config.capture_message_content) continue;
        for (const form of [
          { text: textForm },
          ...(typeof input === 'string' ? [] : [{ decoded: input }]),
        ]) {
          const started = performance.now();
          runCase(form, configIndex);
          const ms = performance.now() - started;
          totalCases += 1;
          // Kong's plugin server runs every worker's events on one thread: a slow log blocks all.
          assert.ok(ms < 1500, `${label} took ${ms.toFixed(0)} ms with config ${configIndex}`);
        }
      }
    });
  }
});

describe('hostile serialized logs through GenAiOtelPlugin.log (fake kong)', () => {
  let receiver: OtlpReceiver;
  const plugins: GenAiOtelPlugin[] = [];
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(async () => {
    for (const plugin of plugins) plugin.close();
    await Promise.all([shutdownTracerProviders(2000), shutdownMeterProviders(2000)]);
    await receiver?.close();
  });

  it('never rejects, never reaches the handler-error path, for logs and non-strings (1,600 runs)', async () => {
    const endpoints = {
      traces_endpoint: receiver.tracesUrl,
      metrics_endpoint: receiver.metricsUrl,
      metrics_export_interval_ms: 3_600_000,
      scheduled_delay_ms: 50,
    };
    for (const config of [
      endpoints,
      { ...endpoints, capture_message_content: true, max_content_length: 32 },
      { ...endpoints, semconv: 'legacy', sample_ratio: 0.5 },
      { ...endpoints, redact_patterns: ['(unclosed'] }, // invalid: the disabled instance
    ]) {
      plugins.push(
        new GenAiOtelPlugin({ ...config, __plugin_id: 'x', __seq__: 1, route_id: null }),
      );
    }
    const handlerErrors = selfObs.counts.skipped.handler_error;
    const serialized = fc.oneof(
      { weight: 4, arbitrary: hostileLog.map(log => JSON.stringify(log)) },
      junkText,
      wrongType,
    );
    await fc.assert(
      fc.asyncProperty(serialized, fc.nat(), async (value, which) => {
        totalCases += 1;
        const plugin = plugins[which % plugins.length]!;
        let calls = 0;
        const kong = {
          log: {
            serialize: () => {
              calls += 1;
              return Promise.resolve(value);
            },
          },
        };
        // A rejection fails the property; so does an event that never completes.
        let timer: NodeJS.Timeout | undefined;
        const hung = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('log() did not complete in 2 s')), 2000);
        });
        try {
          await Promise.race([plugin.log(kong), hung]);
        } finally {
          clearTimeout(timer);
        }
        assert.equal(calls, 1, 'exactly one PDK call');
      }),
      { ...RUN, numRuns: 1600 },
    );
    assert.equal(
      selfObs.counts.skipped.handler_error,
      handlerErrors,
      'no exception reached the handler catch-all',
    );
  });
});

describe('volume', () => {
  it('ran at least 10,000 hostile cases in total', () => {
    assert.ok(totalCases >= 10_000, `only ${totalCases} cases ran`);
  });
});
