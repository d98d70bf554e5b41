// What one exporter pipeline holds (queued and in flight), in count and in bytes, for the bounded
// span and log-record processors (docs/design.md#bounded-memory): a record is admitted only while
// both bounds hold, and given back when its export settles, either way.
export class HeldBudget<T extends object> {
  private heldCount = 0;
  private heldBytes = 0;
  /** Sizes measured at admission, so settling does not walk the records again. */
  private readonly sizes = new WeakMap<T, number>();

  constructor(
    private readonly maxCount: number,
    private readonly maxBytes: number,
  ) {}

  get count(): number {
    return this.heldCount;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  /** Holds `item` of `size` bytes; false (nothing held) when either bound would be passed. */
  admit(item: T, size: number): boolean {
    if (this.heldCount >= this.maxCount || this.heldBytes + size > this.maxBytes) return false;
    this.sizes.set(item, size);
    this.heldCount += 1;
    this.heldBytes += size;
    return true;
  }

  /** Gives back what an export carried. */
  settle(items: readonly T[]): void {
    let bytes = 0;
    for (const item of items) bytes += this.sizes.get(item) ?? 0;
    this.heldCount = Math.max(0, this.heldCount - items.length);
    this.heldBytes = Math.max(0, this.heldBytes - bytes);
  }
}
