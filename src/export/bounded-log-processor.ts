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
import { HeldBudget } from './held-budget';

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
  private readonly budget: HeldBudget<ReadableLogRecord>;

  constructor(
    private readonly inner: LogRecordProcessor,
    maxRecords: number,
    maxBytes: number = MAX_HELD_SPAN_BYTES,
  ) {
    this.budget = new HeldBudget(maxRecords, maxBytes);
  }

  /** Called by the exporter wrapper when an export has settled, either way. */
  settled(records: readonly ReadableLogRecord[]): void {
    this.budget.settle(records);
  }

  get held(): { readonly records: number; readonly bytes: number } {
    return { records: this.budget.count, bytes: this.budget.bytes };
  }

  onEmit(record: ReadWriteLogRecord, context?: Context): void {
    if (this.budget.admit(record, approximateLogRecordBytes(record))) {
      this.inner.onEmit(record, context);
    } else {
      selfObs.eventDropped(this.held);
    }
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
