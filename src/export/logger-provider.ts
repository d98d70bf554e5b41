// Process-wide LoggerProviders keyed by export settings, for the content log events: OTLP/HTTP
// protobuf behind a bounded batch processor, shared and shut down like the tracer providers
// (docs/design.md#shared-export-settings, docs/design.md#bounded-memory).
import { createNoopLogger, type Logger } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info';
import { installDiagLogger } from '../selfobs/diag';
import { logger } from '../selfobs/logger';
import { BoundedLogProcessor } from './bounded-log-processor';
import { CountingLogExporter } from './counting-log-exporter';
import { batchOptions } from './batch-options';
import { LeaseRegistry } from './lease-registry';
import { telemetryResource } from './resource';
import { SPAN_LIMITS } from './tracer-provider';

export interface LogSettings {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMs: number;
  readonly serviceName: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
}

interface LoggerEntry {
  readonly provider: LoggerProvider;
  readonly logger: Logger;
}

const loggers = new LeaseRegistry<LogSettings, LoggerEntry>(
  settings => {
    const provider = createProvider(settings);
    return { provider, logger: provider.getLogger(PACKAGE_NAME, PACKAGE_VERSION) };
  },
  entry => entry.provider.shutdown(), // failures were reported through diag
);

export interface LoggerLease {
  readonly logger: Logger;
  /** Gives the provider back; the last lease shuts it down (flushing), resolving when done. */
  readonly release: () => Promise<void>;
}

export function acquireLogger(settings: LogSettings): LoggerLease {
  installDiagLogger();
  try {
    const lease = loggers.acquire(settings);
    return { logger: lease.value.logger, release: lease.release };
  } catch (error) {
    // E.g. an unparsable endpoint URL: traffic must flow, this instance's events stay off.
    logger.limited(
      'error',
      'logger-provider',
      `content events over OTLP are off: ${String(error)}`,
    );
    return { logger: createNoopLogger(), release: () => Promise.resolve() };
  }
}

/** Number of live providers (self-observability, tests and leak checks). */
export const liveLoggerProviders = (): number => loggers.size;

/** Flushes and shuts down every provider; resolves when done or when the deadline passes. */
export const shutdownLoggerProviders = (deadlineMs: number): Promise<void> =>
  loggers.closeAll(deadlineMs);

function createProvider(settings: LogSettings): LoggerProvider {
  const exporter = new CountingLogExporter(
    new OTLPLogExporter({
      url: settings.url,
      headers: { ...settings.headers },
      timeoutMillis: settings.timeoutMs,
    }),
    // Called only when an export settles, long after `bounded` exists.
    records => bounded.settled(records),
  );
  const bounded = new BoundedLogProcessor(
    new BatchLogRecordProcessor({ exporter, ...batchOptions(settings) }),
    settings.maxQueueSize,
  );
  return new LoggerProvider({
    resource: telemetryResource(settings.serviceName, settings.resourceAttributes),
    logRecordLimits: SPAN_LIMITS,
    processors: [bounded],
  });
}
