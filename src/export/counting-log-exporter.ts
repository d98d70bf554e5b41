// Wraps the OTLP log exporter to count failed exports and the events in them, say so
// (rate-limited), and tell the bounded processor what has settled.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { selfObs } from '../selfobs/recorder';

export class CountingLogExporter implements LogRecordExporter {
  constructor(
    private readonly inner: LogRecordExporter,
    private readonly onSettled: (records: readonly ReadableLogRecord[]) => void = () => undefined,
  ) {}

  export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    this.inner.export(records, result => {
      if (result.code !== ExportResultCode.SUCCESS) {
        selfObs.exportFailed('logs', result.error?.message ?? 'unknown error', records.length);
      }
      this.onSettled(records);
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
}
