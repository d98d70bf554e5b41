// Options of the SDK's batch processors (spans and log records alike) when our bounded processor
// sits in front of them (docs/design.md#bounded-memory).

export interface BatchSettings {
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMs: number;
  readonly timeoutMs: number;
}

export function batchOptions(settings: BatchSettings) {
  return {
    // Never reached: the bounded processor in front holds at most max_queue_size records.
    maxQueueSize: settings.maxQueueSize + settings.maxExportBatchSize,
    maxExportBatchSize: settings.maxExportBatchSize,
    scheduledDelayMillis: settings.scheduledDelayMs,
    // The exporter's timeout is a socket idle timeout (a collector trickling bytes never trips
    // it); this is the only hard bound per batch.
    exportTimeoutMillis: settings.timeoutMs + 1000,
  };
}
