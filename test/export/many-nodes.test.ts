// Many Kong nodes, one backend: two plugin-server processes with the same plugin config export to
// one OTLP receiver. Their resources must differ (service.instance.id per process, host.name), or a
// backend merges their cumulative series into one and the counts collide.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as F from '../fixtures/serialized-logs';
import { withRequestId } from '../helpers/fault-tools';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';
import { BUILT_PLUGINS_DIR, ROOT } from '../helpers/plugin-harness';
import { dumpAllPlugins, startPluginServer, type PluginServer } from '../helpers/plugin-server';
import { KongEmulator, type PluginEntity } from '../kong-emulator/emulator';

const OUR_ENTRY = path.join(ROOT, 'dist/bin/genai-otel-pluginserver.js');

/** The stop helper as an operator runs it: here, to export the metric interval now. */
function flush(server: PluginServer): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        OUR_ENTRY,
        '--flush-and-wait',
        '--kong-prefix',
        server.prefixDir,
        '--sock-name',
        path.basename(server.socketPath),
      ],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeout: 20_000 },
      error => (error ? reject(new Error(error.message)) : resolve()),
    );
  });
}

describe('two plugin-server processes, one OTLP receiver', () => {
  let receiver: OtlpReceiver;
  const servers: PluginServer[] = [];
  const emulators: KongEmulator[] = [];
  before(async () => {
    receiver = await startOtlpReceiver();
    const dump = await dumpAllPlugins(BUILT_PLUGINS_DIR, OUR_ENTRY);
    for (let i = 0; i < 2; i += 1) {
      const server = await startPluginServer({ pluginsDir: BUILT_PLUGINS_DIR, command: OUR_ENTRY });
      servers.push(server);
      emulators.push(
        await KongEmulator.connect({ socketPath: server.socketPath, pluginInfo: dump.json[0]! }),
      );
    }
  });
  after(async () => {
    for (const emu of emulators) await emu.close();
    for (const server of servers) await server.stop();
    await receiver?.close();
  });

  it('keeps their series apart through the resource', async () => {
    // The same plugin entity and config on both nodes, as one declarative config gives.
    const entity: PluginEntity = {
      id: '4d000000-0000-4000-8000-000000000001',
      seq: 1,
      config: {
        traces_endpoint: receiver.tracesUrl,
        metrics_endpoint: receiver.metricsUrl,
        scheduled_delay_ms: 20,
        metrics_export_interval_ms: 3_600_000,
      },
      routeId: 'r4d00000-0000-4000-8000-000000000001',
    };
    const counts = [3, 2];
    for (const [node, count] of counts.entries()) {
      for (let i = 0; i < count; i += 1) {
        const r = await emulators[node]!.runLog(entity, {
          serialized: withRequestId(F.log39(), `node${node}-${i}`),
        });
        assert.equal(r.error, undefined);
      }
    }
    for (const server of servers) await flush(server);

    const requests = receiver.metrics().filter(m => m.name === 'ai_llm_requests_total');
    const byInstance = new Map<unknown, number>();
    for (const metric of requests) {
      const id = metric.resource['service.instance.id'];
      const total = metric.points.reduce((sum, p) => sum + (p.value ?? 0), 0);
      byInstance.set(id, (byInstance.get(id) ?? 0) + total);
    }
    assert.equal(byInstance.size, 2, 'one series per process');
    assert.deepEqual([...byInstance.values()].sort(), [2, 3]);
    for (const id of byInstance.keys()) assert.match(String(id), /^[0-9a-f-]{36}$/);
    for (const metric of requests) assert.equal(typeof metric.resource['host.name'], 'string');

    // Spans carry the same identity: each node's spans name its own process.
    const spanIds = new Map<string, unknown>();
    for (const span of receiver.spans()) {
      spanIds.set(String(span.attributes['kong.request.id']), span.resource['service.instance.id']);
    }
    const node0 = new Set([0, 1, 2].map(i => spanIds.get(`node0-${i}`)));
    const node1 = new Set([0, 1].map(i => spanIds.get(`node1-${i}`)));
    assert.equal(node0.size, 1);
    assert.equal(node1.size, 1);
    assert.notDeepEqual([...node0], [...node1]);
    assert.ok(byInstance.has([...node0][0]) && byInstance.has([...node1][0]));
  });
});
