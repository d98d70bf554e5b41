// The whole chain under test, started once per test file: the built plugin in the real
// kong-js-pluginserver, the Kong emulator in front of it, an OTLP receiver behind it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  KongEmulator,
  type EventResult,
  type PluginEntity,
  type RequestData,
} from '../kong-emulator/emulator';
import { startOtlpReceiver, type FlatSpan, type OtlpReceiver } from './otlp-receiver';
import { dumpAllPlugins, startPluginServer, type PluginServer } from './plugin-server';

export const ROOT = path.resolve(__dirname, '../..');
export const BUILT_PLUGINS_DIR = path.join(ROOT, 'dist/plugins');

export interface Harness {
  readonly server: PluginServer;
  readonly emulator: KongEmulator;
  readonly receiver: OtlpReceiver;
  readonly dumpStdout: string;
  /** A plugin entity whose config exports to the receiver quickly (defaults filled by the emulator). */
  entity(id: string, config?: Record<string, unknown>, seq?: number): PluginEntity;
  runLog(entity: PluginEntity, saved: RequestData): Promise<EventResult>;
  /** Waits for the span of a Kong request id (unique per test log). */
  spanFor(requestId: string, timeoutMs?: number): Promise<FlatSpan>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly command?: string;
  readonly nodeArgs?: string[];
  /** Plugin-server flags after ours, e.g. `['-v']`. */
  readonly extraArgs?: string[];
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  if (!existsSync(path.join(BUILT_PLUGINS_DIR, 'genai-otel.js'))) {
    throw new Error(
      'dist/plugins/genai-otel.js is missing: run `npm run build` first (npm test does)',
    );
  }
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const receiver = await startOtlpReceiver();
    stops.push(() => receiver.close());
    const dump = await dumpAllPlugins(BUILT_PLUGINS_DIR, options.command);
    const server = await startPluginServer({
      pluginsDir: BUILT_PLUGINS_DIR,
      env: options.env,
      command: options.command,
      nodeArgs: options.nodeArgs,
      extraArgs: options.extraArgs,
    });
    stops.push(() => server.stop());
    const emulator = await KongEmulator.connect({
      socketPath: server.socketPath,
      pluginInfo: dump.json[0]!,
    });
    stops.push(() => emulator.close());
    return {
      server,
      emulator,
      receiver,
      dumpStdout: dump.stdout,
      entity: (id, config = {}, seq = 1) => ({
        id,
        seq,
        config: {
          traces_endpoint: receiver.tracesUrl,
          metrics_endpoint: receiver.metricsUrl,
          logs_endpoint: receiver.logsUrl,
          scheduled_delay_ms: 20,
          metrics_export_interval_ms: 3_600_000,
          ...config,
        },
        routeId: 'r0000000-0000-4000-8000-000000000001',
      }),
      runLog: (entity, saved) => emulator.runLog(entity, saved),
      spanFor: async (requestId, timeoutMs = 5000) => {
        const span = await receiver.waitFor(
          r => r.spans().find(s => s.attributes['kong.request.id'] === requestId),
          timeoutMs,
        );
        return span;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
