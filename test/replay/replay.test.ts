// One pipeline, two doors: `genai-otel replay` over the sample log lines exports the same spans as
// the plugin does for the same lines through the real plugin server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { ConfigSchema } from '../../schemas/config';
import { replay } from '../../src/replay/replay';
import { ROOT, startHarness, type Harness } from '../helpers/plugin-harness';
import { startOtlpReceiver, type FlatSpan, type OtlpReceiver } from '../helpers/otlp-receiver';

const SAMPLES = path.join(ROOT, 'samples/kong-ai-logs.jsonl');
const sampleLines = readFileSync(SAMPLES, 'utf8')
  .split('\n')
  .filter(l => l.trim() !== '');
const validLogs = sampleLines.flatMap(l => {
  try {
    return [JSON.parse(l) as Record<string, unknown>];
  } catch {
    return [];
  }
});

/** What must agree between the two doors (span/trace ids are random unless a traceparent is given). */
const comparable = (s: FlatSpan) => ({
  name: s.name,
  kind: s.kind,
  start: s.startTimeUnixNano,
  end: s.endTimeUnixNano,
  status: s.status.code,
  attributes: s.attributes,
  parent: s.parentSpanId,
  trace: s.parentSpanId === undefined ? undefined : s.traceId,
});
const byRequestId = (spans: FlatSpan[]) =>
  new Map(spans.map(s => [String(s.attributes['kong.request.id']), comparable(s)]));

describe('replay', () => {
  let h: Harness;
  let replayReceiver: OtlpReceiver;
  before(async () => {
    h = await startHarness();
    replayReceiver = await startOtlpReceiver();
  });
  after(async () => {
    await h?.stop();
    await replayReceiver?.close();
  });

  it('exports the same spans as the plugin for the same log lines', async () => {
    const entity = h.entity('aa000000-0000-4000-8000-000000000001');
    for (const log of validLogs) await h.runLog(entity, { serialized: log });
    const expectedCalls = 7; // the sample without AI data makes none
    const pluginSpans = await h.receiver.waitFor(
      r => r.spans().length >= expectedCalls && r.spans(),
    );

    const errors: string[] = [];
    const result = await replay({
      file: SAMPLES,
      config: ConfigSchema.parse({
        traces_endpoint: replayReceiver.tracesUrl,
        metrics_endpoint: replayReceiver.metricsUrl,
        scheduled_delay_ms: 20,
      }),
      export: true,
      env: {},
      out: () => undefined,
      err: line => errors.push(line),
    });
    assert.deepEqual(result, { logs: validLogs.length, calls: expectedCalls, malformed: 1 });
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^line 9: skipped/);
    const replaySpans = await replayReceiver.waitFor(
      r => r.spans().length >= expectedCalls && r.spans(),
    );
    assert.equal(pluginSpans.length, expectedCalls);
    assert.equal(replaySpans.length, expectedCalls);
    assert.deepEqual(byRequestId(replaySpans), byRequestId(pluginSpans));
    assert.ok(
      replayReceiver.metrics().some(m => m.name === 'ai_llm_requests_total'),
      'metrics flushed at the end',
    );
  });

  it('prints a summary of each span and the metric totals when no endpoint is configured', async () => {
    const run = promisify(execFile);
    const { stdout, stderr } = await run(
      process.execPath,
      [path.join(ROOT, 'dist/bin/genai-otel.js'), 'replay', SAMPLES],
      {
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    const spans = stdout.split('\n').filter(l => l.startsWith('span '));
    assert.equal(spans.length, 7);
    assert.ok(
      spans.some(
        l =>
          l.includes('"chat gpt-4o-mini"') && l.includes('trace=4bf92f3577b34da6a3ce929d0e0e4736'),
      ),
    );
    assert.ok(spans.some(l => l.includes('ERROR') && l.includes('error.type="429"')));
    assert.match(stdout, /metric ai_llm_requests_total: total=7 /);
    assert.match(stdout, /metric gen_ai\.client\.token\.usage: count=\d+/);
    assert.match(stdout, /replayed 8 log entries: 7 LLM calls, 1 malformed lines skipped/);
    assert.match(stderr, /line 9: skipped, not a Kong log entry/);
  });

  it('exits 2 with usage on bad arguments and 1 on an invalid config', async () => {
    const bin = path.join(ROOT, 'dist/bin/genai-otel.js');
    const run = (args: string[]) =>
      new Promise<number | null>(resolve => {
        execFile(process.execPath, [bin, ...args], error =>
          resolve(error === null ? 0 : (error.code as number)),
        );
      });
    assert.equal(await run(['nope']), 2);
    const bad = path.join(mkdtempSync(path.join(tmpdir(), 'replay-')), 'bad.json');
    writeFileSync(bad, JSON.stringify({ sample_ratio: 5 }));
    assert.equal(await run(['replay', SAMPLES, '--config', bad]), 1);
    assert.equal(
      await run(['replay', SAMPLES, '--config', path.join(ROOT, 'no-such-file.json')]),
      1,
    );
  });
});
