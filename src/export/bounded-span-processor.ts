// Bounds the spans held for export, in count and in bytes, and counts what is dropped
// (docs/design.md#bounded-memory). The SDK's BatchSpanProcessor drops silently when full and knows nothing of span size; here
// every span accepted is tracked until its export settles, so the bounds cover queued and
// in-flight spans. Bytes matter with content capture on, where one span can carry megabytes.
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { selfObs } from '../selfobs/recorder';

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
  private pendingSpans = 0;
  private pendingBytes = 0;

  constructor(
    private readonly inner: SpanProcessor,
    private readonly maxSpans: number,
    private readonly maxBytes: number = MAX_HELD_SPAN_BYTES,
  ) {}

  /** Called by the exporter wrapper when an export has settled, either way. */
  settled(spans: readonly ReadableSpan[]): void {
    let bytes = 0;
    for (const span of spans) bytes += approximateSpanBytes(span);
    this.pendingSpans = Math.max(0, this.pendingSpans - spans.length);
    this.pendingBytes = Math.max(0, this.pendingBytes - bytes);
  }

  /** Spans and bytes accepted and not yet settled. */
  get held(): { readonly spans: number; readonly bytes: number } {
    return { spans: this.pendingSpans, bytes: this.pendingBytes };
  }

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    const bytes = approximateSpanBytes(span);
    if (this.pendingSpans >= this.maxSpans || this.pendingBytes + bytes > this.maxBytes) {
      selfObs.spanDropped(this.held);
      return;
    }
    this.pendingSpans += 1;
    this.pendingBytes += bytes;
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
