// The plugin servers under test, each a separate process driven by its own Kong emulator:
// (a) the floor: a do-nothing plugin making the same single PDK call, on the stock server;
// (b) genai-otel on the stock kong-js-pluginserver; (c) genai-otel on our entry, as shipped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILT_PLUGINS_DIR, ROOT } from '../test/helpers/plugin-harness';
import {
  dumpAllPlugins,
  startPluginServer,
  type PluginServer,
} from '../test/helpers/plugin-server';
import { KongEmulator, type PluginEntity } from '../test/kong-emulator/emulator';

export const OUR_ENTRY = path.join(ROOT, 'dist/bin/genai-otel-pluginserver.js');

const FLOOR_SOURCE = `'use strict';
// The least a log plugin can do: fetch the serialized log (one PDK call) and drop it.
class Plugin {
  async log(kong) {
    await kong.log.serialize();
  }
}
module.exports = { Name: 'bench-floor', Version: '0.0.1', Priority: 15, Schema: [], Plugin };
`;

export interface Target {
  readonly key: 'floor' | 'stock' | 'shipped';
  readonly label: string;
  readonly server: PluginServer;
  readonly emulator: KongEmulator;
  readonly entity: PluginEntity;
}

interface TargetSpec {
  key: Target['key'];
  label: string;
  pluginsDir: string;
  command?: string;
  config: Record<string, unknown>;
}

async function startTarget(spec: TargetSpec): Promise<Target> {
  const dump = await dumpAllPlugins(spec.pluginsDir, spec.command);
  const server = await startPluginServer({ pluginsDir: spec.pluginsDir, command: spec.command });
  try {
    const emulator = await KongEmulator.connect({
      socketPath: server.socketPath,
      pluginInfo: dump.json[0]!,
      eventTimeoutMs: 60_000,
    });
    const entity = { id: `bench-${spec.key}`, seq: 1, config: spec.config, routeId: null };
    return { key: spec.key, label: spec.label, server, emulator, entity };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

export interface Targets {
  readonly all: Target[];
  stop(): Promise<void>;
}

/** Starts the three targets; our plugin exports to `sinkUrl` with its shipped defaults otherwise. */
export async function startTargets(sinkUrl: string): Promise<Targets> {
  const floorDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-floor-'));
  fs.writeFileSync(path.join(floorDir, 'bench-floor.js'), FLOOR_SOURCE);
  const exportTo = {
    traces_endpoint: `${sinkUrl}/v1/traces`,
    metrics_endpoint: `${sinkUrl}/v1/metrics`,
  };
  const specs: TargetSpec[] = [
    { key: 'floor', label: '(a) floor, stock server', pluginsDir: floorDir, config: {} },
    {
      key: 'stock',
      label: '(b) genai-otel, stock server',
      pluginsDir: BUILT_PLUGINS_DIR,
      config: exportTo,
    },
    {
      key: 'shipped',
      label: '(c) genai-otel, our entry',
      pluginsDir: BUILT_PLUGINS_DIR,
      command: OUR_ENTRY,
      config: exportTo,
    },
  ];
  const started: Target[] = [];
  const stop = async (): Promise<void> => {
    for (const t of started) {
      await t.emulator.close();
      await t.server.stop();
    }
    fs.rmSync(floorDir, { recursive: true, force: true });
  };
  try {
    for (const spec of specs) started.push(await startTarget(spec));
  } catch (error) {
    await stop();
    throw error;
  }
  return { all: started, stop };
}
