// What the plugin skipped, dropped or failed to export, so operators can see what was lost
// (docs/design.md#failure-behaviour). Every count has a reader: the self-observability metrics;
// every event that loses data also says so on the log, once a minute per kind.
import { logger, type Logger } from './logger';

export type SkipReason = 'no_ai_data' | 'unparsable_log' | 'invalid_config' | 'handler_error';
export type Signal = 'traces' | 'metrics' | 'logs';

export interface SelfCounts {
  readonly skipped: Readonly<Record<SkipReason, number>>;
  /** Spans refused because the export queue was full (in count or bytes). */
  readonly spansDropped: number;
  /** Spans that were in an export request that failed. */
  readonly spansLostInFailedExports: number;
  readonly exportFailures: Readonly<Record<Signal, number>>;
  /** Content events refused because the log export queue was full (in count or bytes). */
  readonly eventsDropped: number;
  /** Content events that were in a log export request that failed. */
  readonly eventsLostInFailedExports: number;
}

export class SelfObservability {
  private readonly skips: Record<SkipReason, number> = {
    no_ai_data: 0,
    unparsable_log: 0,
    invalid_config: 0,
    handler_error: 0,
  };
  private dropped = 0;
  private lost = 0;
  private readonly failures: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };
  private eventsDropped = 0;
  private eventsLost = 0;

  constructor(private readonly log: Logger = logger) {}

  get counts(): SelfCounts {
    return {
      skipped: { ...this.skips },
      spansDropped: this.dropped,
      spansLostInFailedExports: this.lost,
      exportFailures: { ...this.failures },
      eventsDropped: this.eventsDropped,
      eventsLostInFailedExports: this.eventsLost,
    };
  }

  /** A log event that produced no telemetry; `detail` says why when it is worth a log line. */
  skipped(reason: SkipReason, detail?: string): void {
    this.skips[reason] += 1;
    if (reason === 'unparsable_log') {
      this.log.limited(
        'warn',
        'unparsable-log',
        `serialized log is not JSON (${this.skips.unparsable_log} so far); event skipped`,
      );
    } else if (reason === 'handler_error') {
      this.log.limited('warn', 'handler-error', `log handler failed: ${detail ?? 'unknown error'}`);
    }
  }

  /** A finished span the bounded export queue had no room for. */
  spanDropped(held: { readonly spans: number; readonly bytes: number }): void {
    this.dropped += 1;
    this.log.limited(
      'warn',
      'span-queue-full',
      `span queue full (${held.spans} spans, ${Math.round(held.bytes / 1048576)} MiB waiting for export): dropping spans, ${this.dropped} dropped so far`,
    );
  }

  /** A content event the bounded log export queue had no room for. */
  eventDropped(held: { readonly records: number; readonly bytes: number }): void {
    this.eventsDropped += 1;
    this.log.limited(
      'warn',
      'event-queue-full',
      `event queue full (${held.records} events, ${Math.round(held.bytes / 1048576)} MiB waiting for export): dropping content events, ${this.eventsDropped} dropped so far`,
    );
  }

  /** An OTLP export request that failed after the exporter's retries. */
  exportFailed(signal: Signal, reason: string, itemsLost = 0): void {
    this.failures[signal] += 1;
    if (signal === 'logs') this.eventsLost += itemsLost;
    else this.lost += itemsLost;
    const what =
      signal === 'traces'
        ? `span export failed (${itemsLost} spans lost, ${this.failures.traces} failed exports so far)`
        : signal === 'logs'
          ? `event export failed (${itemsLost} events lost, ${this.failures.logs} failed exports so far)`
          : `metric export failed (${this.failures.metrics} failed exports so far)`;
    this.log.limited('warn', `${signal}-export-failed`, `${what}: ${reason}`);
  }
}

/** Process-wide, like the exporters. */
export const selfObs = new SelfObservability();
