// Bounds the spans held for export, in count and in bytes, and counts what is dropped
// (docs/design.md#bounded-memory). The SDK's BatchSpanProcessor drops silently when full and
// knows nothing of span size; here every span accepted is held until its export settles, so the
// bounds cover queued and in-flight spans. Bytes matter with content capture on, where one span
// can carry megabytes.
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { selfObs } from '../selfobs/recorder';
import { HeldBudget } from './held-budget';

/** Bytes of all spans held per exporter pipeline: a dead collector costs at most this much. */
export const MAX_HELD_SPAN_BYTES = 64 * 1024 * 1024;

/**
 * Approximate size of a span: its string attribute values dominate (UTF-16: 2 bytes a char);
 * arrays count each element at its real size (a string array is as big as its strings).
 */
export function approximateSpanBytes(span: ReadableSpan): number {
  let bytes = 512 + span.name.length * 2;
  for (const key in span.attributes) {
    bytes += key.length * 2 + 16 + valueBytes(span.attributes[key]);
  }
  return bytes;
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return value.length * 2;
  if (!Array.isArray(value)) return 8;
  let bytes = 16;
  for (const item of value as unknown[])
    bytes += 8 + (typeof item === 'string' ? item.length * 2 : 8);
  return bytes;
}

export class BoundedSpanProcessor implements SpanProcessor {
  private readonly budget: HeldBudget<ReadableSpan>;

  constructor(
    private readonly inner: SpanProcessor,
    maxSpans: number,
    maxBytes: number = MAX_HELD_SPAN_BYTES,
  ) {
    this.budget = new HeldBudget(maxSpans, maxBytes);
  }

  /** Called by the exporter wrapper when an export has settled, either way. */
  settled(spans: readonly ReadableSpan[]): void {
    this.budget.settle(spans);
  }

  /** Spans and bytes accepted and not yet settled. */
  get held(): { readonly spans: number; readonly bytes: number } {
    return { spans: this.budget.count, bytes: this.budget.bytes };
  }

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (this.budget.admit(span, approximateSpanBytes(span))) this.inner.onEnd(span);
    else selfObs.spanDropped(this.held);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
