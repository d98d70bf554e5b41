// Drives log events through one target's Kong emulator at a given concurrency: wall time per
// event and PDK calls per event (the server's CPU is read around whole scenarios, see run.ts).
import type { Target } from './targets';

export interface ChunkResult {
  events: number;
  failed: number;
  pdkCalls: number;
  wallMs: number;
  /** Wall time of each event, ms. */
  durations: number[];
}

/** Runs `events` log events, `concurrency` at a time (one keepalive connection each, as Kong). */
export async function drive(
  target: Target,
  text: string,
  events: number,
  concurrency: number,
): Promise<ChunkResult> {
  const durations: number[] = [];
  let next = 0;
  let failed = 0;
  let pdkCalls = 0;
  const saved = { serialized: text };
  const loop = async (): Promise<void> => {
    while (next < events) {
      next += 1;
      const r = await target.emulator.runLog(target.entity, saved);
      if (r.error !== undefined || r.abandoned || r.timedOut) failed += 1;
      pdkCalls += r.pdkCalls;
      durations.push(r.durationMs);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, events) }, loop));
  const wallMs = performance.now() - started;
  return { events, failed, pdkCalls, wallMs, durations };
}
