// Replay never loses data: the built command, run as users run it (OTEL_EXPORTER_OTLP_ENDPOINT,
// default batch delay of several seconds), has exported every span and the metrics by the time
// it exits. Counted right after each exit, with no waiting: run 20 times.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';
import { runBuiltCli, SAMPLES } from './run-cli';

const RUNS = 20;
const SPANS_PER_RUN = 7; // the sample's 7 LLM calls (one line has no AI data, one is malformed)

describe('replay export (built CLI, child process)', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(async () => {
    await receiver?.close();
  });

  it(`delivers every span and the metrics before exiting, ${RUNS} runs out of ${RUNS}`, async () => {
    const perRun: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      receiver.reset();
      const run = await runBuiltCli(['replay', SAMPLES], {
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      });
      assert.equal(run.code, 0, run.stderr);
      perRun.push(receiver.spans().length);
      assert.ok(
        receiver.metrics().some(m => m.name === 'ai_llm_requests_total'),
        `run ${i}: metrics exported`,
      );
      assert.match(run.stderr, new RegExp(`7 spans exported to ${receiver.tracesUrl}`));
    }
    console.log(`# spans received per run: ${perRun.join(',')}`);
    assert.deepEqual(perRun, new Array<number>(RUNS).fill(SPANS_PER_RUN));
  });
});
