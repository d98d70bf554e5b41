// `npm run bench [-- --quick] [-- --corpus lorem|realistic]`: the plugin server's cost per log event, as shipped vs the stock
// server and vs the floor (a plugin doing only the one PDK call), interleaved in rounds on this
// machine. Prints a table and writes bench/results/<time>.json. Never run in CI.
import fs from 'node:fs';
import path from 'node:path';
import { drive, type ChunkResult } from './drive';
import { startHttpSink } from './http-sink';
import { benchLogs, corpusFromArgs } from './logs';
import { cpuMicros, rssBytes } from './proc';
import {
  goalLines,
  goals,
  mb,
  median,
  memoryTable,
  percentile,
  table,
  type MemoryRow,
  type ScenarioRow,
} from './report';
import { OUR_ENTRY, startTargets, type Target } from './targets';

const quick = process.argv.includes('--quick');
const corpus = corpusFromArgs(process.argv);
const logs = benchLogs(corpus);

const PLAN = quick
  ? {
      warmup: 2_000,
      rounds: 3,
      events: { '2KB': 1_500, '64KB': 300, '1MB': 30 } as Record<string, number>,
      memoryEvents: 20_000,
      memorySampleEvery: 500,
      memoryTargets: ['shipped'] as Target['key'][],
    }
  : {
      warmup: 10_000,
      rounds: 5,
      events: { '2KB': 15_000, '64KB': 3_000, '1MB': 300 } as Record<string, number>,
      memoryEvents: 200_000,
      memorySampleEvery: 2_000,
      memoryTargets: ['shipped', 'stock', 'floor'] as Target['key'][],
    };
const CONCURRENCY = [1, 16];
/** Lets the batch span processor (1 s schedule) export what a scenario queued before CPU is read. */
const SETTLE_MS = 1_500;

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));
const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function warmUp(targets: Target[]): Promise<void> {
  const [small, medium, large] = logs;
  for (const t of targets) {
    const started = performance.now();
    await drive(t, small!.text, PLAN.warmup, 16);
    await drive(t, medium!.text, Math.ceil(PLAN.warmup / 20), 16);
    await drive(t, large!.text, Math.ceil(PLAN.warmup / 200), 4);
    log(`warm-up ${t.key}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

async function scenario(
  targets: Target[],
  size: string,
  text: string,
  concurrency: number,
): Promise<ScenarioRow[]> {
  const total = PLAN.events[size]!;
  const perRound = Math.ceil(total / PLAN.rounds);
  const chunks = new Map<Target, ChunkResult[]>(targets.map(t => [t, []]));
  const rssBefore = new Map(targets.map(t => [t, rssBytes(t.server.pid!)]));
  const cpuBefore = new Map(targets.map(t => [t, cpuMicros(t.server.pid!)]));
  for (let round = 0; round < PLAN.rounds; round++) {
    // Rotate the order so no target always runs first (or right after another's GC).
    const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
    for (const t of order) chunks.get(t)!.push(await drive(t, text, perRound, concurrency));
  }
  await sleep(SETTLE_MS);
  const rows = targets.map(t => {
    const list = chunks.get(t)!;
    const events = list.reduce((n, c) => n + c.events, 0);
    const wallMs = list.reduce((n, c) => n + c.wallMs, 0);
    const durations = list.flatMap(c => c.durations);
    const cpu = cpuMicros(t.server.pid!) - cpuBefore.get(t)!;
    return {
      scenario: `${size} c=${concurrency}`,
      size,
      concurrency,
      target: t.key,
      label: t.label,
      events,
      failed: list.reduce((n, c) => n + c.failed, 0),
      eventsPerSec: events / (wallMs / 1000),
      cpuMicrosPerEvent: cpu / events,
      cpuVsFloor: NaN,
      p50Ms: percentile(durations, 50),
      p99Ms: percentile(durations, 99),
      pdkCallsPerEvent: list.reduce((n, c) => n + c.pdkCalls, 0) / events,
      rssBeforeMb: mb(rssBefore.get(t)!),
      rssAfterMb: mb(rssBytes(t.server.pid!)),
    } satisfies ScenarioRow;
  });
  const floor = rows.find(r => r.target === 'floor')!;
  for (const r of rows) r.cpuVsFloor = r.cpuMicrosPerEvent / floor.cpuMicrosPerEvent;
  return rows;
}

async function memoryRun(target: Target, text: string): Promise<MemoryRow> {
  const samples: number[] = [];
  for (let done = 0; done < PLAN.memoryEvents; done += PLAN.memorySampleEvery) {
    await drive(target, text, PLAN.memorySampleEvery, 16);
    samples.push(mb(rssBytes(target.server.pid!)));
  }
  // Early and late: the first and last fifth of the samples, medians (robust to a GC in flight).
  const fifth = Math.max(1, Math.floor(samples.length / 5));
  const early = median(samples.slice(0, fifth));
  const late = median(samples.slice(-fifth));
  return {
    target: target.key,
    label: target.label,
    events: PLAN.memoryEvents,
    samples,
    earlyMedianMb: early,
    lateMedianMb: late,
    growth: late / early - 1,
  };
}

async function main(): Promise<void> {
  if (!fs.existsSync(OUR_ENTRY))
    throw new Error('dist/ is missing: use `npm run bench` (it builds)');
  process.once('SIGINT', () => process.exit(130)); // runs the helpers' exit hook: no stray servers
  const startedAt = new Date();
  const sink = await startHttpSink();
  const targets = await startTargets(sink.url);
  try {
    log(
      `bench ${quick ? '(quick)' : '(full)'}, ${corpus} corpus: ${targets.all.map(t => `${t.key} pid ${t.server.pid}`).join(', ')}`,
    );
    await warmUp(targets.all);
    const rows: ScenarioRow[] = [];
    for (const { name, text } of logs) {
      for (const c of CONCURRENCY) {
        const started = performance.now();
        rows.push(...(await scenario(targets.all, name, text, c)));
        log(`scenario ${name} c=${c}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
    }
    const memory: MemoryRow[] = [];
    const small = logs[0]!.text;
    for (const key of PLAN.memoryTargets) {
      const started = performance.now();
      memory.push(
        await memoryRun(
          targets.all.find(t => t.key === key)!,
          small,
        ),
      );
      log(`memory ${key}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const warnings = targets.all
      .map(t => ({
        t,
        lines: t.server
          .stderr()
          .split('\n')
          .filter(l => /span queue full|handler failed|ERROR/.test(l)),
      }))
      .filter(w => w.lines.length > 0)
      .map(w => `${w.t.key}: ${w.lines.slice(0, 3).join(' | ')}`);
    const goalList = goals(rows, memory);
    const out = [
      '',
      table(rows),
      '',
      memoryTable(memory),
      '',
      goalLines(goalList),
      ...(warnings.length > 0 ? ['', 'server warnings:', ...warnings] : []),
      '',
      `OTLP sink: ${sink.requests} requests, ${(sink.bytes / 1024 / 1024).toFixed(1)} MB`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    const dir = path.join(__dirname, 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(
      dir,
      `bench-${corpus}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`,
    );
    fs.writeFileSync(
      file,
      `${JSON.stringify({ startedAt, quick, corpus, node: process.version, plan: PLAN, rows, memory, goals: goalList, warnings }, null, 2)}\n`,
    );
    log(`results: ${path.relative(process.cwd(), file)}`);
  } finally {
    await targets.stop();
    await sink.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
