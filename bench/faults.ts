// `npm run bench:faults`: event time through the plugin as shipped while the collector misbehaves
// (refused, 500, 429 with and without Retry-After, 503, hang, byte drip, closed socket). Events
// must never wait on exports: the p99 per mode should match the healthy one. Never run in CI.
import { startOtlpReceiver } from '../test/helpers/otlp-receiver';
import { closedPort, selfMetric } from '../test/helpers/fault-tools';
import { BUILT_PLUGINS_DIR } from '../test/helpers/plugin-harness';
import { dumpAllPlugins, startPluginServer } from '../test/helpers/plugin-server';
import { KongEmulator } from '../test/kong-emulator/emulator';
import { benchLogs } from './logs';
import { percentile } from './report';
import { OUR_ENTRY } from './targets';

const EVENTS = 3_000;
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));
const CONCURRENCY = 4;
const MODES: { name: string; fault?: string; retryAfter?: number }[] = [
  { name: 'healthy', fault: 'ok' },
  { name: 'refused (closed port)' },
  { name: 'HTTP 500', fault: 'status:500' },
  { name: 'HTTP 429', fault: 'status:429' },
  { name: 'HTTP 429 + Retry-After: 1', fault: 'status:429', retryAfter: 1 },
  { name: 'HTTP 503', fault: 'status:503' },
  { name: 'hang', fault: 'hang' },
  { name: 'byte drip', fault: 'drip:100' },
  { name: 'closed socket', fault: 'destroy' },
];

async function main(): Promise<void> {
  const [small] = benchLogs();
  const dump = await dumpAllPlugins(BUILT_PLUGINS_DIR, OUR_ENTRY);
  const rows: string[] = [];
  for (const mode of MODES) {
    const receiver = await startOtlpReceiver();
    const server = await startPluginServer({ pluginsDir: BUILT_PLUGINS_DIR, command: OUR_ENTRY });
    const emulator = await KongEmulator.connect({
      socketPath: server.socketPath,
      pluginInfo: dump.json[0]!,
    });
    try {
      const base =
        mode.fault === undefined ? `http://127.0.0.1:${await closedPort()}` : receiver.url;
      if (mode.fault !== undefined) receiver.setFault(mode.fault, { retryAfter: mode.retryAfter });
      const entity = {
        id: 'bench-faults',
        seq: 1,
        config: {
          traces_endpoint: `${base}/v1/traces`,
          metrics_endpoint: `${receiver.url}/v1/metrics`,
          timeout_ms: 2000,
          metrics_export_interval_ms: 1000,
        },
      };
      const times: number[] = [];
      let failed = 0;
      let next = 0;
      const loop = async (): Promise<void> => {
        while (next++ < EVENTS) {
          const r = await emulator.runLog(entity, { serialized: small!.text });
          times.push(r.durationMs);
          if (r.error !== undefined || r.timedOut || r.abandoned) failed += 1;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, loop));
      // Let the exports of the outage settle (retries end within timeout_ms), then go healthy
      // so the self-observability counters get exported, and read their latest values.
      await sleep(3000);
      receiver.setFault('ok');
      const exportsBefore = receiver.requestCount('/v1/metrics');
      await receiver
        .waitFor(r => r.requestCount('/v1/metrics') >= exportsBefore + 2, 10_000)
        .catch(() => undefined);
      const self = {
        failures: selfMetric(receiver, 'kong.genai_otel.export.failures', { signal: 'traces' }),
        dropped: selfMetric(receiver, 'kong.genai_otel.spans.dropped', { reason: 'queue_full' }),
        lost: selfMetric(receiver, 'kong.genai_otel.spans.dropped', { reason: 'export_failed' }),
      };
      rows.push(
        `| ${mode.name} | ${times.length} | ${failed} | ${percentile(times, 50).toFixed(2)} | ${percentile(times, 99).toFixed(2)} | ${Math.max(...times).toFixed(1)} | ` +
          `${self.failures} | ${self.dropped} | ${self.lost} |`,
      );
      process.stderr.write(`${rows[rows.length - 1]!}\n`);
    } finally {
      await emulator.close();
      await server.stop();
      await receiver.close();
    }
  }
  process.stdout.write(
    [
      `faults: ${EVENTS} events of ~2 KB per mode, concurrency ${CONCURRENCY}, timeout_ms 2000`,
      '| collector | events | failed events | p50 ms | p99 ms | max ms | trace export failures | spans dropped (queue full) | spans lost in failed exports |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n') + '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:faults failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
