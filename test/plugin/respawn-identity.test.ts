// Instance identity across a plugin-server respawn. Each Kong worker caches the instance id it got
// for a plugin config; after the server is killed and respawned, a worker that has not yet heard
// of the restart still sends its old ids. Those ids must never name an instance of another config
// in the new process: the event must be refused ("no plugin instance", which Kong recovers from),
// never run with the other route's config. The server also announces its pid (`serverPid`), which
// makes Kong drop the ids it cached from an earlier process.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as F from '../fixtures/serialized-logs';
import { withRequestId } from '../helpers/fault-tools';
import { ROOT, startHarness, type Harness } from '../helpers/plugin-harness';
import { RawRpcClient } from '../helpers/raw-rpc-client';
import { KongEmulator, type PluginEntity, type PluginInfo } from '../kong-emulator/emulator';

const OUR_ENTRY = path.join(ROOT, 'dist/bin/genai-otel-pluginserver.js');

describe('instance ids across a plugin-server respawn', () => {
  let h: Harness;
  let emu: KongEmulator;
  before(async () => {
    h = await startHarness({ command: OUR_ENTRY });
    const info = (JSON.parse(h.dumpStdout) as PluginInfo[])[0]!;
    emu = await KongEmulator.connect({
      socketPath: h.server.socketPath,
      pluginInfo: info,
      workers: 2,
      workerEvents: 'manual',
    });
  });
  after(async () => {
    await emu?.close();
    await h?.stop();
  });

  it('never runs an event with the other route’s config after kill + respawn', async () => {
    // Two routes, two configs told apart by the resource they export with.
    const routeA: PluginEntity = {
      ...h.entity('aa000000-0000-4000-8000-00000000000a', { service_name: 'route-a' }),
      routeId: 'ra000000-0000-4000-8000-00000000000a',
    };
    const routeB: PluginEntity = {
      ...h.entity('bb000000-0000-4000-8000-00000000000b', { service_name: 'route-b' }),
      routeId: 'rb000000-0000-4000-8000-00000000000b',
    };
    const sent = new Map<string, string>();
    let n = 0;
    const send = async (entity: PluginEntity, worker: number): Promise<void> => {
      const id = `respawn-${++n}`;
      sent.set(id, entity === routeA ? 'route-a' : 'route-b');
      const result = await emu.runLog(
        entity,
        { serialized: withRequestId(F.log39(), id) },
        { worker },
      );
      assert.equal(result.error, undefined, `event ${id} on worker ${worker}: ${result.error}`);
    };

    // Process 1: worker 1 starts route A first, worker 0 route B, then each the other.
    await send(routeA, 1);
    await send(routeB, 0);
    await send(routeA, 0);
    await send(routeB, 1);
    const checked = new Set<string>();
    const checkSpans = async (): Promise<void> => {
      for (const [requestId, route] of sent) {
        if (checked.has(requestId)) continue;
        const span = await h.spanFor(requestId, 10_000);
        assert.equal(span.resource['service.name'], route, `request ${requestId} ran as ${route}`);
        checked.add(requestId);
      }
    };
    await checkSpans(); // exported before the kill (SIGKILL loses what is not)
    const firstPid = h.server.pid;
    assert.equal(emu.serverPidSeen(0), firstPid, 'worker 0 learnt the server pid');
    assert.equal(emu.serverPidSeen(1), firstPid, 'worker 1 learnt the server pid');
    const oldA = emu.cachedInstanceId(routeA.id, 1);

    // Kong respawns the server. Worker 0 recovers first and starts route B in the new process;
    // worker 1 has not processed the reset worker event and still holds route A's old id.
    await h.server.kill('SIGKILL');
    await h.server.restart();
    await send(routeB, 0);
    const newB = emu.cachedInstanceId(routeB.id, 0);
    assert.notEqual(newB, oldA, 'the new process never hands out an id the old one used');
    await send(routeA, 1);
    assert.ok(emu.stats.instanceResets >= 2, 'both workers recovered via "no plugin instance"');
    assert.ok(emu.stats.serverPidResets >= 1, 'a changed serverPid dropped cached ids');
    assert.equal(emu.serverPidSeen(1), h.server.pid);

    // Then both routes on both workers, before and after the worker event is delivered.
    for (const worker of [0, 1]) for (const route of [routeA, routeB]) await send(route, worker);
    emu.deliverWorkerEvents();
    for (const worker of [0, 1]) for (const route of [routeA, routeB]) await send(route, worker);

    await checkSpans();
    assert.equal(checked.size, 14);
  });

  it('announces its pid once per connection, before the first reply', async () => {
    const client = await RawRpcClient.connect(h.server.socketPath);
    try {
      for (const msgid of [1, 2]) {
        await assert.rejects(
          client.call(msgid, 'plugin.HandleEvent', [{ InstanceId: 7, EventName: 'log' }]),
          /no plugin instance #7/,
        );
      }
      assert.deepEqual(client.notifications, [[2, 'serverPid', h.server.pid]]);
    } finally {
      client.close();
    }
  });
});
