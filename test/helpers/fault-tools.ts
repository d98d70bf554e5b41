// Small tools for the fault, restart and secrets tests: a loopback port nobody listens on, the
// plugin server's self-observability metrics as the receiver decoded them, RSS of a process,
// event-time statistics, and a unique request id stamped on a fixture log.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { EventResult } from '../kong-emulator/emulator';
import type { OtlpReceiver } from './otlp-receiver';

/** A loopback port that was free a moment ago and is closed now (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>(resolve => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/**
 * The largest value a receiver saw for a self metric (observable counters are process-wide
 * cumulative totals, so the largest is the latest), over points whose attributes match `where`.
 */
export function selfMetric(
  receiver: OtlpReceiver,
  name: string,
  where: Record<string, string> = {},
): number {
  let max = 0;
  for (const metric of receiver.metrics()) {
    if (metric.name !== name) continue;
    for (const point of metric.points) {
      const matches = Object.entries(where).every(([k, v]) => point.attributes[k] === v);
      if (matches && point.value !== undefined) max = Math.max(max, point.value);
    }
  }
  return max;
}

/** VmRSS of a process in KiB (Linux /proc), or undefined when it is gone. */
export function rssKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface EventTimes {
  readonly count: number;
  readonly maxMs: number;
  readonly p99Ms: number;
}

export function eventTimes(results: readonly EventResult[]): EventTimes {
  const sorted = results.map(r => r.durationMs).sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0;
  return { count: sorted.length, maxMs: sorted[sorted.length - 1] ?? 0, p99Ms: p99 };
}

/** Events that did not complete cleanly (what Kong would log as a plugin-server failure). */
export const unclean = (results: readonly EventResult[]): EventResult[] =>
  results.filter(r => r.timedOut || r.error !== undefined || r.abandoned || r.pdkCalls !== 1);

/** Stamps a unique Kong request id on a fixture log, so a test finds exactly its own span. */
export function withRequestId<T extends Record<string, unknown>>(log: T, id: string): T {
  (log.request as Record<string, unknown>).id = id;
  return log;
}

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));
