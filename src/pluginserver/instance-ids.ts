// Instance ids that no other plugin-server process on this socket hands out. Kong caches the id it
// got for a plugin config in every worker; after a respawn a worker may still send an id from the
// previous process. If the new process numbered from 0 again, that id could name an instance of a
// different config and the event would run with it. Ids start at (start time in ms) x 1000, so a
// later process starts above every id an earlier one could have reached (that would take 1000
// StartInstance per millisecond of its life); a stale id is then unknown and answered with
// "no plugin instance", which Kong recovers from by starting a new instance.

/** Ids per millisecond of a process's life before it could reach the next process's range. */
const IDS_PER_MS = 1000;

/**
 * First instance id of a process started at `startMs` (epoch ms). Kong stores the id as a Lua
 * number and sends it back as a MessagePack integer: it stays an exact integer below 2^53 (true
 * until the year 2255).
 */
export function firstInstanceId(startMs: number): number {
  const first = Math.floor(startMs) * IDS_PER_MS;
  if (!Number.isSafeInteger(first) || first < 0) {
    throw new RangeError(`no safe instance id range for start time ${startMs}`);
  }
  return first;
}
