// `npm run bench:soak [-- --minutes 30 --rate 100]`: mixed traffic through the Kong emulator into
// the plugin as shipped (our server entry) for a long run, with the collector going down and
// coming back every minute. Samples the plugin server's RSS and event latency every 10 s, prints a
// table and the RSS trend, writes bench/results/soak-<time>.json. Never run in CI.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as F from '../test/fixtures/serialized-logs';
import { streamLog39 } from '../test/fixtures/stream-logs';
import { BUILT_PLUGINS_DIR } from '../test/helpers/plugin-harness';
import { dumpAllPlugins, startPluginServer } from '../test/helpers/plugin-server';
import { KongEmulator, type PluginEntity } from '../test/kong-emulator/emulator';
import { startFlappingCollector } from './flapping-collector';
import { benchLogs } from './logs';
import { cpuMicros, rssBytes } from './proc';
import { mb, median, percentile } from './report';
import { OUR_ENTRY } from './targets';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    rate: { type: 'string', default: '100' },
    'flap-seconds': { type: 'string', default: '60' },
  },
});
const MINUTES = Number(values.minutes);
const RATE = Number(values.rate);
const FLAP_MS = Number(values['flap-seconds']) * 1000;
const SAMPLE_MS = 10_000;
const CONCURRENCY = 8;

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

/** Mixed traffic: mostly statistics-only logs, some with payloads, streams and upstream errors. */
function trafficMix(): string[] {
  const [small, medium] = benchLogs();
  const rateLimited = JSON.stringify(
    F.log39({ status: 429, upstreamStatus: '429', payloads: false }),
  );
  const stream = JSON.stringify(streamLog39());
  const garbage = '{"not": "a kong log"}';
  return [
    ...Array<string>(14).fill(small!.text),
    medium!.text,
    medium!.text,
    stream,
    stream,
    rateLimited,
    garbage,
  ];
}

interface Sample {
  minute: number;
  collectorUp: boolean;
  events: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  rssMb: number;
  cpuPct: number;
}

async function main(): Promise<void> {
  const collector = await startFlappingCollector();
  const dump = await dumpAllPlugins(BUILT_PLUGINS_DIR, OUR_ENTRY);
  const server = await startPluginServer({ pluginsDir: BUILT_PLUGINS_DIR, command: OUR_ENTRY });
  const emulator = await KongEmulator.connect({
    socketPath: server.socketPath,
    pluginInfo: dump.json[0]!,
    eventTimeoutMs: 5_000,
  });
  const exportTo = {
    traces_endpoint: `${collector.url}/v1/traces`,
    metrics_endpoint: `${collector.url}/v1/metrics`,
    metrics_export_interval_ms: 10_000,
    timeout_ms: 2_000,
  };
  const entities: PluginEntity[] = [
    { id: 'soak-plain', seq: 1, config: exportTo },
    { id: 'soak-capture', seq: 1, config: { ...exportTo, capture_message_content: true } },
  ];
  const mix = trafficMix();
  const pid = server.pid!;
  const samples: Sample[] = [];
  let window: number[] = [];
  let failedInWindow = 0;
  let sent = 0;
  const endAt = Date.now() + MINUTES * 60_000;
  const startedAt = Date.now();

  const flapper = setInterval(() => void collector.toggle(), FLAP_MS);
  let lastCpu = cpuMicros(pid);
  let lastSample = Date.now();
  const sampler = setInterval(() => {
    const now = Date.now();
    const cpu = cpuMicros(pid);
    const sample: Sample = {
      minute: (now - startedAt) / 60_000,
      collectorUp: collector.up,
      events: window.length,
      failed: failedInWindow,
      p50Ms: percentile(window, 50),
      p99Ms: percentile(window, 99),
      maxMs: window.length === 0 ? 0 : Math.max(...window),
      rssMb: mb(rssBytes(pid)),
      cpuPct: ((cpu - lastCpu) / ((now - lastSample) * 1000)) * 100,
    };
    samples.push(sample);
    log(
      `${sample.minute.toFixed(1)} min: ${sample.events} events, ${sample.failed} failed, ` +
        `p99 ${sample.p99Ms.toFixed(2)} ms, RSS ${sample.rssMb.toFixed(1)} MB, collector ${sample.collectorUp ? 'up' : 'down'}`,
    );
    window = [];
    failedInWindow = 0;
    lastCpu = cpu;
    lastSample = now;
  }, SAMPLE_MS);

  // Open-loop pacing: each worker sends at its share of the rate, whatever the latency.
  const worker = async (w: number): Promise<void> => {
    const interval = (1000 * CONCURRENCY) / RATE;
    let due = Date.now() + (w * interval) / CONCURRENCY;
    while (Date.now() < endAt) {
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      due += interval;
      const i = sent++;
      const result = await emulator.runLog(entities[i % 2]!, { serialized: mix[i % mix.length] });
      window.push(result.durationMs);
      if (result.error !== undefined || result.timedOut || result.abandoned) failedInWindow += 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
  } finally {
    clearInterval(flapper);
    clearInterval(sampler);
    await emulator.close();
    await server.stop();
    await collector.close();
  }
  report(samples, sent);
}

function report(samples: Sample[], sent: number): void {
  const rows = samples.map(
    s =>
      `| ${s.minute.toFixed(1)} | ${s.collectorUp ? 'up' : 'down'} | ${s.events} | ${s.failed} | ` +
      `${s.p50Ms.toFixed(2)} | ${s.p99Ms.toFixed(2)} | ${s.maxMs.toFixed(1)} | ${s.rssMb.toFixed(1)} | ${s.cpuPct.toFixed(1)} |`,
  );
  // Trend: medians of the second and the last fifth (the first fifth includes warm-up).
  const fifth = Math.max(1, Math.floor(samples.length / 5));
  const early = median(samples.slice(fifth, 2 * fifth).map(s => s.rssMb));
  const late = median(samples.slice(-fifth).map(s => s.rssMb));
  const lines = [
    `soak: ${MINUTES} min, ${RATE} events/s offered, collector flapping every ${FLAP_MS / 1000} s, ${sent} events`,
    '| minute | collector | events | failed | p50 ms | p99 ms | max ms | RSS MB | server CPU % |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    `RSS median, second fifth of the run: ${early.toFixed(1)} MB; last fifth: ${late.toFixed(1)} MB (${(((late - early) / early) * 100).toFixed(1)}%)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const dir = path.resolve(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({ minutes: MINUTES, rate: RATE, flapMs: FLAP_MS, sent, samples }, null, 2),
  );
  log(`wrote ${file}`);
}

main().catch((error: unknown) => {
  log(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
