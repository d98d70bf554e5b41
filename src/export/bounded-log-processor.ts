// Bounds the content events held for export, in count and in bytes, and counts what is dropped
// (docs/design.md#bounded-memory), as BoundedSpanProcessor does for spans: the SDK's batch
// processor drops silently when full and knows nothing of record size, while one event can carry
// a whole conversation.
import type { Context } from '@opentelemetry/api';
import type {
  LogRecordProcessor,
  ReadWriteLogRecord,
  ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { selfObs } from '../selfobs/recorder';
import { MAX_HELD_SPAN_BYTES } from './bounded-span-processor';

/** Approximate size of a value: strings at 2 bytes a character, structures walked. */
function valueBytes(value: unknown, depth = 0): number {
  if (typeof value === 'string') return 16 + value.length * 2;
  if (depth > 8 || value === null || typeof value !== 'object') return 16;
  let bytes = 16;
  if (Array.isArray(value)) {
    for (const item of value) bytes += valueBytes(item, depth + 1);
    return bytes;
  }
  for (const [key, item] of Object.entries(value)) {
    bytes += key.length * 2 + valueBytes(item, depth + 1);
  }
  return bytes;
}

export function approximateLogRecordBytes(record: ReadableLogRecord): number {
  return 512 + valueBytes(record.body) + valueBytes(record.attributes);
}

export class BoundedLogProcessor implements LogRecordProcessor {
  private pendingRecords = 0;
  private pendingBytes = 0;
  /** Sizes measured at emit, so settling does not walk the records again. */
  private readonly sizes = new WeakMap<ReadableLogRecord, number>();

  constructor(
    private readonly inner: LogRecordProcessor,
    private readonly maxRecords: number,
    private readonly maxBytes: number = MAX_HELD_SPAN_BYTES,
  ) {}

  /** Called by the exporter wrapper when an export has settled, either way. */
  settled(records: readonly ReadableLogRecord[]): void {
    let bytes = 0;
    for (const record of records) bytes += this.sizes.get(record) ?? 0;
    this.pendingRecords = Math.max(0, this.pendingRecords - records.length);
    this.pendingBytes = Math.max(0, this.pendingBytes - bytes);
  }

  get held(): { readonly records: number; readonly bytes: number } {
    return { records: this.pendingRecords, bytes: this.pendingBytes };
  }

  onEmit(record: ReadWriteLogRecord, context?: Context): void {
    const bytes = approximateLogRecordBytes(record);
    if (this.pendingRecords >= this.maxRecords || this.pendingBytes + bytes > this.maxBytes) {
      selfObs.eventDropped(this.held);
      return;
    }
    this.sizes.set(record, bytes);
    this.pendingRecords += 1;
    this.pendingBytes += bytes;
    this.inner.onEmit(record, context);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
