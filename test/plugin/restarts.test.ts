// The plugin server killed (SIGKILL) and restarted mid-traffic
// (docs/design.md#errors-never-reach-kong): events in flight end with an error at once (Kong fails
// open), never by running into Kong's timeout; after the restart Kong's "no plugin instance"
// recovery starts a new instance and telemetry resumes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as F from '../fixtures/serialized-logs';
import { sleep, unclean, withRequestId } from '../helpers/fault-tools';
import { startHarness, type Harness } from '../helpers/plugin-harness';
import type { EventResult, PluginEntity } from '../kong-emulator/emulator';

/** The emulator's per-event limit: an event that reaches it was left hanging. */
const EVENT_LIMIT_MS = 2000;

describe('plugin server killed and restarted mid-traffic', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.stop();
  });

  it('fails in-flight events fast, recovers through "no plugin instance", resumes telemetry', async t => {
    const entity: PluginEntity = h.entity('ae000000-0000-4000-8000-000000000001');
    let seq = 0;
    const run = (tag: string): Promise<EventResult & { id: string }> => {
      const id = `restart-${tag}-${++seq}`;
      return h
        .runLog(entity, { serialized: withRequestId(F.log39(), id) })
        .then(result => ({ ...result, id }));
    };

    // Before: the emulator has a cached instance id, as a running Kong worker would.
    const warm = await Promise.all(Array.from({ length: 10 }, () => run('before')));
    assert.deepEqual(unclean(warm), []);
    await h.spanFor(warm[9]!.id);
    const oldPid = h.server.pid;

    // Steady background traffic from 4 concurrent "requests" for the whole test.
    let traffic = true;
    const background: (EventResult & { id: string; at: number })[] = [];
    const loops = Array.from({ length: 4 }, async () => {
      while (traffic) {
        background.push({ ...(await run('loop')), at: Date.now() });
        await sleep(5);
      }
    });

    // A failed assertion must not leave the loops spinning (the file would never exit).
    try {
      // Freeze the server so events are provably in flight, then kill it.
      await sleep(100);
      await h.server.kill('SIGSTOP');
      const inFlight = Array.from({ length: 8 }, () => run('in-flight'));
      await sleep(200);
      const killedAt = Date.now();
      const exit = await h.server.kill('SIGKILL');
      assert.equal(exit?.signal, 'SIGKILL');
      const stranded = await Promise.all(inFlight);
      for (const event of stranded) {
        assert.equal(event.timedOut, false, 'no event waits for the timeout');
        assert.ok(event.error !== undefined, 'the event ends with a transport error');
        assert.ok(event.durationMs < EVENT_LIMIT_MS, `took ${event.durationMs.toFixed(0)} ms`);
      }
      const strandedMs = Math.max(...stranded.map(e => e.durationMs));

      // Kong respawns the server (at most once a second); until it listens, events fail fast.
      await sleep(300);
      await h.server.restart();
      const restartedAt = Date.now();
      assert.notEqual(h.server.pid, oldPid);
      const recovered = await h.receiver.waitFor(
        () => background.find(e => e.at > restartedAt && e.error === undefined),
        5000,
      );
      await sleep(300);
      traffic = false;
      await Promise.all(loops);

      const all = [...warm, ...stranded, ...background];
      assert.equal(h.emulator.stats.timedOut, 0, 'no event timed out');
      assert.ok(all.every(e => e.durationMs < EVENT_LIMIT_MS));
      assert.ok(h.emulator.stats.instanceResets > 0, 'Kong recovered through "no plugin instance"');
      assert.ok(background.some(e => e.instanceResets > 0 && e.error === undefined));
      const down = background.filter(e => e.at > killedAt && e.at < restartedAt);
      assert.ok(
        down.every(e => e.error !== undefined && !e.timedOut),
        'fail fast while down',
      );
      // Once recovered, every later event completes normally.
      const afterRecovery = background.filter(e => e.at > recovered.at);
      assert.ok(afterRecovery.length > 0);
      assert.deepEqual(unclean(afterRecovery), []);

      // Telemetry resumes: spans of events sent after the restart arrive.
      await h.spanFor(recovered.id, 10_000);
      await h.spanFor(afterRecovery[afterRecovery.length - 1]!.id, 10_000);
      assert.equal(h.server.exitInfo(), undefined);
      t.diagnostic(
        `restart | ${background.length} background events, ${down.length} while down ` +
          `(all failed fast), in-flight at kill ended after <= ${strandedMs.toFixed(0)} ms, ` +
          `instance resets ${h.emulator.stats.instanceResets}, first success ` +
          `${recovered.at - restartedAt} ms after the restart`,
      );
    } finally {
      traffic = false;
      await Promise.all(loops);
    }
  });
});
