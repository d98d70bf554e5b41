// Bench arithmetic and output: percentiles, one row per (scenario, target), ratios to the floor
// measured in the same run, and the issue's goals checked against the numbers.

export interface ScenarioRow {
  scenario: string;
  size: string;
  concurrency: number;
  target: 'floor' | 'stock' | 'shipped';
  label: string;
  events: number;
  failed: number;
  eventsPerSec: number;
  cpuMicrosPerEvent: number;
  /** CPU per event relative to the floor target of the same scenario. */
  cpuVsFloor: number;
  p50Ms: number;
  p99Ms: number;
  pdkCallsPerEvent: number;
  rssBeforeMb: number;
  rssAfterMb: number;
}

export interface MemoryRow {
  target: 'floor' | 'stock' | 'shipped';
  label: string;
  events: number;
  samples: number[];
  earlyMedianMb: number;
  lateMedianMb: number;
  growth: number;
}

export interface Goal {
  goal: string;
  value: string;
  ok: boolean;
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (values: number[]): number => percentile(values, 50);

export const mb = (bytes: number): number => bytes / (1024 * 1024);

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

export function table(rows: ScenarioRow[]): string {
  const head = [
    'scenario',
    'target',
    'ev/s',
    'CPU µs/ev',
    '×floor',
    'p50 ms',
    'p99 ms',
    'PDK/ev',
    'RSS MB before→after',
    'fail',
  ];
  const widths = [10, 30, 8, 10, 7, 8, 8, 7, 20, 5];
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i < 2 ? pad(c, widths[i]!) : lpad(c, widths[i]!))).join('  ');
  const out = [line(head), '-'.repeat(widths.reduce((a, b) => a + b + 2, -2))];
  for (const r of rows) {
    out.push(
      line([
        r.scenario,
        r.label,
        r.eventsPerSec.toFixed(0),
        r.cpuMicrosPerEvent.toFixed(0),
        r.cpuVsFloor.toFixed(2),
        r.p50Ms.toFixed(2),
        r.p99Ms.toFixed(2),
        r.pdkCallsPerEvent.toFixed(2),
        `${r.rssBeforeMb.toFixed(0)}→${r.rssAfterMb.toFixed(0)}`,
        String(r.failed),
      ]),
    );
  }
  return out.join('\n');
}

export function memoryTable(rows: MemoryRow[]): string {
  return rows
    .map(
      r =>
        `${pad(r.label, 30)}  ${r.events} events: RSS early median ${r.earlyMedianMb.toFixed(1)} MB, ` +
        `late median ${r.lateMedianMb.toFixed(1)} MB (${r.growth >= 0 ? '+' : ''}${(r.growth * 100).toFixed(1)}%)`,
    )
    .join('\n');
}

/** The issue's performance goals, for the shipped target. */
export function goals(rows: ScenarioRow[], memory: MemoryRow[]): Goal[] {
  const shipped = rows.filter(r => r.target === 'shipped');
  const out: Goal[] = [];
  const pdk = Math.max(...shipped.map(r => r.pdkCallsPerEvent));
  out.push({ goal: 'PDK calls per event = 1', value: pdk.toFixed(2), ok: pdk === 1 });
  const limit = 1.5;
  for (const row of shipped) {
    out.push({
      goal: `CPU/event as shipped, ${row.size}, ${row.concurrency === 1 ? 'sequential' : `${row.concurrency} concurrent`} ≤ ${limit}× floor`,
      value: `${row.cpuVsFloor.toFixed(2)}×`,
      ok: row.cpuVsFloor <= limit,
    });
  }
  const mem = memory.find(m => m.target === 'shipped');
  if (mem) {
    out.push({
      goal: `RSS after ${mem.events} events within 10% of early RSS`,
      value: `${(mem.growth * 100).toFixed(1)}%`,
      ok: Math.abs(mem.growth) <= 0.1,
    });
  }
  return out;
}

export function goalLines(list: Goal[]): string {
  return list.map(g => `${g.ok ? 'PASS' : 'FAIL'}  ${g.goal}: ${g.value}`).join('\n');
}
