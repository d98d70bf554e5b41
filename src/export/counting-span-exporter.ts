// Wraps the OTLP span exporter to count exported spans and failed exports (contract §7), and to
// say so on stderr at WARN (rate-limited) instead of failing silently.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { warnLine } from '../selfobs/logger';
import { selfStats } from '../selfobs/recorder';

export class CountingSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    /** Told which spans left the process (or were lost) when each export settles. */
    private readonly onSettled: (spans: readonly ReadableSpan[]) => void = () => undefined,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, result => {
      if (result.code === ExportResultCode.SUCCESS) {
        selfStats.spansExported += spans.length;
      } else {
        selfStats.spanExportFailures += 1;
        selfStats.spansLostInFailedExports += spans.length;
        warnLine(
          'span-export-failed',
          `WARN span export failed (${spans.length} spans lost, ${selfStats.spanExportFailures} failed exports so far): ${result.error?.message ?? 'unknown error'}`,
        );
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
