// Process-wide exporter pipelines shared by every plugin instance with the same export settings
// (docs/design.md#shared-exporters). Kong starts one instance per plugin entity per worker and
// re-creates it on every config change, so instances only borrow a pipeline; the last one to let
// go closes it, and whoever waits on that release (replay, a config change in tests) sees the
// real close, not its start.
import { callWithTimeout } from '@opentelemetry/core';

export interface Lease<T> {
  readonly value: T;
  /** Gives the value back (idempotent); resolves once it is closed, when this was the last user. */
  readonly release: () => Promise<void>;
}

interface Entry<T> {
  readonly value: T;
  users: number;
}

/** Stable identity of settings: object key order does not matter. */
export function settingsKey(settings: object): string {
  return JSON.stringify(settings, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
}

export class LeaseRegistry<S extends object, T> {
  private readonly entries = new Map<string, Entry<T>>();
  /** Closes started by a last release and not finished yet, awaited by closeAll. */
  private readonly closing = new Set<Promise<void>>();

  /**
   * @param open creates the value for new settings; what it throws reaches `acquire`'s caller.
   * @param close closes a value (flushing what it holds); its failures are the caller's to report.
   */
  constructor(
    private readonly open: (settings: S) => T,
    private readonly close: (value: T) => Promise<void>,
  ) {}

  acquire(settings: S): Lease<T> {
    const key = settingsKey(settings);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { value: this.open(settings), users: 0 };
      this.entries.set(key, entry);
    }
    entry.users += 1;
    const held = entry;
    let released: Promise<void> | undefined;
    return {
      value: held.value,
      release: () => (released ??= this.releaseOne(key, held)),
    };
  }

  /** Live values (one per distinct settings). */
  get size(): number {
    return this.entries.size;
  }

  values(): T[] {
    return [...this.entries.values()].map(e => e.value);
  }

  /**
   * Closes every value, and waits for closes already under way, until `deadlineMs` passes.
   * Never rejects.
   */
  async closeAll(deadlineMs: number): Promise<void> {
    const all = this.values();
    this.entries.clear();
    const work = Promise.all([...all.map(v => this.closeQuietly(v)), ...this.closing]);
    await callWithTimeout(work, deadlineMs).catch(() => undefined);
  }

  private releaseOne(key: string, held: Entry<T>): Promise<void> {
    held.users -= 1;
    if (held.users > 0 || this.entries.get(key) !== held) return Promise.resolve();
    this.entries.delete(key);
    const done = this.closeQuietly(held.value);
    this.closing.add(done);
    void done.then(() => this.closing.delete(done));
    return done;
  }

  private closeQuietly(value: T): Promise<void> {
    try {
      return this.close(value).catch(() => undefined);
    } catch {
      return Promise.resolve();
    }
  }
}
