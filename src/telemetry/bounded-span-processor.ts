// Bounds the spans held for export and counts what is dropped (contract §7). The SDK's
// BatchSpanProcessor drops silently when full; here every span accepted is tracked until its
// export settles, so the bound covers queued and in-flight spans, and each drop is counted.
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { warnLine } from './diag-logger';
import { selfStats } from './self-stats';

export class BoundedSpanProcessor implements SpanProcessor {
  private pending = 0;

  constructor(
    private readonly inner: SpanProcessor,
    private readonly limit: number,
  ) {}

  /** Called by the exporter wrapper when an export of `count` spans has settled either way. */
  settled(count: number): void {
    this.pending = Math.max(0, this.pending - count);
  }

  get held(): number {
    return this.pending;
  }

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (this.pending >= this.limit) {
      selfStats.spansDropped += 1;
      warnLine(
        'span-queue-full',
        `WARN span queue full (${this.limit} spans waiting for export): dropping spans, ${selfStats.spansDropped} dropped so far`,
      );
      return;
    }
    this.pending += 1;
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
