// `node --import tsx bench/profile.ts [--quick] [--corpus lorem|realistic]`: where the plugin's log handler spends CPU, stage
// by stage, on the bench's 2 KB / 64 KB / 1 MB logs. Each stage adds one step to the previous:
// the differences are the cost of that step. Export goes to a sink in another process.
import { spawn } from 'node:child_process';
import { trace } from '@opentelemetry/api';
import { TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { callsFromLog } from '../src/genai/calls';
import { factsOnlyPayloads } from '../src/genai/payloads/payload-reader';
import { loadConfig } from '../src/pipeline/load-config';
import { Pipeline, type TelemetrySinks } from '../src/pipeline/pipeline';
import { resolveTraceSettings } from '../src/pipeline/settings';
import { acquireTracer, shutdownTracerProviders } from '../src/export/tracer-provider';
import { benchLogs, corpusFromArgs } from './logs';

const quick = process.argv.includes('--quick');
const ITERATIONS: Record<string, number> = quick
  ? { '2KB': 3_000, '64KB': 300, '1MB': 30 }
  : { '2KB': 20_000, '64KB': 2_000, '1MB': 150 };
/** Calls between event-loop turns: lets the batch span processor export as it would in Kong. */
const BATCH = 16;
/** Long enough for the batch span processor (1 s schedule) to export what a stage queued. */
const SETTLE_MS = 1_500;

type Table = Record<string, unknown>;
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

/** A sink in a child process, so its CPU is not counted here. */
async function startSink(): Promise<{ url: string; stop(): void }> {
  const code = `require('http').createServer((q, s) => { q.resume(); q.on('end', () => s.end()); })
    .listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>(resolve =>
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

/**
 * CPU µs per call of `fn` (process CPU, all threads), after as many warm-up calls. Calls run in
 * batches with an event-loop turn between (as log events arrive), and every stage ends with the
 * same wait, so deferred work (span export, concurrent GC) is counted alike in all stages.
 */
async function cpuPerCall(n: number, fn: () => void): Promise<number> {
  const run = async (): Promise<void> => {
    for (let i = 0; i < n; i++) {
      fn();
      if (i % BATCH === BATCH - 1) await new Promise(resolve => setImmediate(resolve));
    }
    await sleep(SETTLE_MS);
  };
  await run();
  const before = process.cpuUsage();
  await run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

function withoutPayload(log: Table): Table {
  const copy = structuredClone(log);
  delete ((copy.ai as Table).proxy as Table).payload;
  return copy;
}

async function main(): Promise<void> {
  const sink = await startSink();
  const loaded = loadConfig({
    traces_endpoint: `${sink.url}/v1/traces`,
    metrics_endpoint: `${sink.url}/v1/metrics`,
  });
  if (!loaded.ok) throw new Error(loaded.message);
  const config = loaded.config;
  const env = {};
  const discard: SpanProcessor = {
    onStart: () => undefined,
    onEnd: () => undefined,
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const sdkTracer = new TracerProvider({ spanProcessors: [discard] }).getTracer('bench');
  const sinks = (tracer: TelemetrySinks['tracer']): TelemetrySinks => ({
    tracer,
    instruments: [],
    release: () => Promise.resolve(),
  });
  const rows: string[] = [];
  try {
    for (const { name, text } of benchLogs(corpusFromArgs(process.argv))) {
      const n = ITERATIONS[name]!;
      const parsed = JSON.parse(text) as Table;
      const payload = ((parsed.ai as Table).proxy as Table).payload as Table | undefined;
      const bare = withoutPayload(parsed);
      const noop = new Pipeline(config, env, sinks(trace.getTracer('noop')));
      const sdk = new Pipeline(config, env, sinks(sdkTracer));
      const lease = acquireTracer(resolveTraceSettings(config, env));
      const exporting = new Pipeline(config, env, sinks(lease.tracer));
      const shipped = new Pipeline(config, env);
      const stages: [string, number][] = [
        ['JSON.parse(serialized log)', await cpuPerCall(n, () => JSON.parse(text))],
        [
          'JSON.parse(payload.request + .response)',
          payload === undefined
            ? 0
            : await cpuPerCall(n, () => {
                JSON.parse(payload.request as string);
                JSON.parse(payload.response as string);
              }),
        ],
        ['callsFromLog(parsed), payloads removed', await cpuPerCall(n, () => callsFromLog(bare))],
        ['callsFromLog(parsed), capture on', await cpuPerCall(n, () => callsFromLog(parsed))],
        [
          'callsFromLog(parsed), capture off',
          await cpuPerCall(n, () => callsFromLog(parsed, factsOnlyPayloads)),
        ],
        [
          'processLogText, no-op tracer, no metrics',
          await cpuPerCall(n, () => noop.processLogText(text)),
        ],
        ['  + SDK span (discarded)', await cpuPerCall(n, () => sdk.processLogText(text))],
        [
          '  + batch processor + OTLP export',
          await cpuPerCall(n, () => exporting.processLogText(text)),
        ],
        ['  + OTLP metrics (as shipped)', await cpuPerCall(n, () => shipped.processLogText(text))],
      ];
      for (const p of [noop, sdk, exporting, shipped]) void p.close();
      void lease.release();
      rows.push(`${name} (${text.length} bytes, ${n} iterations)`);
      for (const [stage, us] of stages)
        rows.push(`  ${stage.padEnd(44)} ${us.toFixed(1).padStart(9)} µs`);
    }
  } finally {
    await shutdownTracerProviders(3000);
    sink.stop();
  }
  process.stdout.write(`${rows.join('\n')}\n`);
  process.exit(0); // the metrics provider's interval would keep the process alive
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
