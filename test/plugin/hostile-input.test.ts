// Hostile serialized logs through the real plugin server (docs/design.md#failure-behaviour): ~1,000
// generated logs of every Kong shape with extreme values and wrong types, plus non-logs, sent by
// the Kong emulator. Every event completes with one PDK call, the server survives, every export
// decodes as valid OTLP, and exactly one span per LLM call arrives.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { callsFromLog } from '../../src/genai/calls';
import * as F from '../fixtures/serialized-logs';
import { hostileLog, junkText } from '../fixtures/hostile-logs';
import { startHarness, type Harness } from '../helpers/plugin-harness';
import type { EventResult, PluginEntity } from '../kong-emulator/emulator';

const CASES = 1000;
const CONCURRENCY = 8;
const seed = Number(process.env.HOSTILE_SEED ?? Date.now() % 2 ** 31);

describe('hostile logs through the real plugin server', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.stop();
  });

  it(`completes ${CASES} hostile log events with one PDK call each (seed ${seed})`, async () => {
    const entities: PluginEntity[] = [
      h.entity('40000000-0000-4000-8000-000000000001'),
      h.entity('40000000-0000-4000-8000-000000000002', {
        capture_message_content: true,
        max_content_length: 64,
      }),
      h.entity('40000000-0000-4000-8000-000000000003', { semconv: 'legacy' }),
      h.entity('40000000-0000-4000-8000-000000000004', { semconv: 'latest', max_queue_size: 4096 }),
    ];
    // Strings go to the plugin as they are; objects are cjson-encoded by the emulator (NaN ->
    // null).
    const inputs = fc.sample(
      fc.oneof(
        { weight: 3, arbitrary: hostileLog.map(log => JSON.stringify(log)) },
        { weight: 1, arbitrary: hostileLog },
        { weight: 1, arbitrary: junkText },
      ),
      { numRuns: CASES, seed },
    );
    // What the plugin should find: one span per LLM call, computed by the same (pure) parser.
    let expectedSpans = 0;
    for (const input of inputs) {
      const text = typeof input === 'string' ? input : JSON.stringify(input);
      try {
        expectedSpans += callsFromLog(JSON.parse(text)).length;
      } catch {
        // not JSON: no span
      }
    }

    const results: EventResult[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < inputs.length) {
        const i = next++;
        results.push(await h.runLog(entities[i % entities.length]!, { serialized: inputs[i] }));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    assert.equal(results.length, CASES);
    const failed = results.filter(
      r => r.timedOut || r.error !== undefined || r.pdkCalls !== 1 || r.abandoned,
    );
    assert.deepEqual(failed.slice(0, 3), [], `${failed.length} events did not complete cleanly`);
    const slowest = Math.max(...results.map(r => r.durationMs));
    assert.ok(slowest < 1000, `slowest event took ${slowest.toFixed(0)} ms`);
    assert.equal(h.server.exitInfo(), undefined, 'the plugin server is alive');

    // Every hostile span arrives, as valid OTLP protobuf, and nothing else.
    await h.receiver.waitFor(r => r.spans().length >= expectedSpans, 15_000);
    const { log, id } = (() => {
      const control = F.log39();
      const requestId = `hostile-control-${seed}`;
      (control.request as Record<string, unknown>).id = requestId;
      return { log: control, id: requestId };
    })();
    const control = await h.runLog(entities[0]!, { serialized: log });
    assert.equal(control.error, undefined);
    await h.spanFor(id, 10_000);
    assert.equal(h.receiver.spans().length, expectedSpans + 1, 'one span per LLM call');
    assert.deepEqual(h.receiver.decodeErrors, [], 'every export decodes as OTLP');

    const stderr = h.server.stderr();
    assert.doesNotMatch(stderr, /unhandled exception/i);
    assert.doesNotMatch(stderr, /log handler failed/);
  });
});
