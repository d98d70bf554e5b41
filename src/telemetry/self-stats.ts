// Self-observability counters of the plugin process (contract §7): what was skipped, dropped or
// failed, so operators can see what was lost. Read by tests, the replay summary and the WARN log.

export type SkipReason = 'no_ai_data' | 'unparsable_log' | 'invalid_config' | 'handler_error';

class SelfStats {
  readonly skipped: Record<SkipReason, number> = {
    no_ai_data: 0,
    unparsable_log: 0,
    invalid_config: 0,
    handler_error: 0,
  };
  spansRecorded = 0;
  spansDropped = 0;
  spansExported = 0;
  spanExportFailures = 0;
  metricExportFailures = 0;
  spansLostInFailedExports = 0;

  skip(reason: SkipReason): void {
    this.skipped[reason] += 1;
  }

  snapshot(): Readonly<Record<string, number>> {
    return {
      ...Object.fromEntries(Object.entries(this.skipped).map(([k, v]) => [`skipped_${k}`, v])),
      spans_recorded: this.spansRecorded,
      spans_dropped: this.spansDropped,
      spans_exported: this.spansExported,
      span_export_failures: this.spanExportFailures,
      metric_export_failures: this.metricExportFailures,
      spans_lost_in_failed_exports: this.spansLostInFailedExports,
    };
  }
}

/** Process-wide, like the exporters: one plugin server process serves every Kong worker. */
export const selfStats = new SelfStats();
