// Stopping the process: every exporter pipeline exports what it holds, within one deadline.
import { shutdownLoggerProviders } from './logger-provider';
import { shutdownMeterProviders } from './meter-provider';
import { shutdownTracerProviders } from './tracer-provider';

/** Flushes and shuts down every trace, metric and log pipeline; never rejects, never outlives the deadline. */
export async function shutdownExporters(deadlineMs: number): Promise<void> {
  await Promise.all([
    shutdownTracerProviders(deadlineMs),
    shutdownMeterProviders(deadlineMs),
    shutdownLoggerProviders(deadlineMs),
  ]);
}
