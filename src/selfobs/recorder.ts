// Self-observability counters of the plugin process (contract §7): what was skipped, dropped or
// failed, so operators can see what was lost. Read by the self-observability metrics and WARN lines.

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
}

/** Process-wide, like the exporters: one plugin server process serves every Kong worker. */
export const selfStats = new SelfStats();
