// Wraps the OTLP span exporter to count failed exports and the spans in them, say so
// (rate-limited) instead of failing silently, and tell the bounded processor what has settled.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { selfObs } from '../selfobs/recorder';

export class CountingSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    /** Told which spans left the process (or were lost) when each export settles. */
    private readonly onSettled: (spans: readonly ReadableSpan[]) => void = () => undefined,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, result => {
      if (result.code !== ExportResultCode.SUCCESS) {
        selfObs.exportFailed('traces', result.error?.message ?? 'unknown error', spans.length);
      }
      this.onSettled(spans);
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
