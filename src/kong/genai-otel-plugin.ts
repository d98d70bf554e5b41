// The plugin instance Kong's plugin server creates per plugin config: validates the config once,
// then turns each request's serialized log into telemetry. It observes and never acts: it makes
// one PDK call per request and never throws into the plugin server.
import { Pipeline } from '../pipeline/pipeline';
import { loadConfig } from '../pipeline/load-config';
import { noteRecorded } from '../pipeline/shutdown';
import { logger } from '../selfobs/logger';
import { selfObs } from '../selfobs/recorder';
import type { LogPhasePdk } from './log-phase-pdk';

/**
 * kong-js-pluginserver's CloseInstance drops the instance without telling it, so a pipeline is
 * released when its instance is garbage collected (or at once through `close()` where a server
 * calls it). Pipelines hold no reference back to instances.
 */
const releaseOnCollect = new FinalizationRegistry<Pipeline>(pipeline => void pipeline.close());

export class GenAiOtelPlugin {
  private readonly pipeline: Pipeline | undefined;

  constructor(rawConfig: unknown) {
    const loaded = loadConfig(rawConfig);
    if (!loaded.ok) {
      // One clear line per instance; the instance then emits nothing and traffic is unaffected.
      logger.error(`invalid plugin config, telemetry disabled: ${loaded.message}`);
      this.pipeline = undefined;
      return;
    }
    let pipeline: Pipeline;
    try {
      pipeline = new Pipeline(loaded.config);
    } catch (error) {
      // E.g. an unparsable OTLP endpoint in the environment: one line (credentials masked by
      // the logger) for this instance, which then emits nothing; other instances go on.
      logger.error(
        `telemetry disabled for this plugin instance: ${error instanceof Error ? error.message : String(error)}`,
      );
      this.pipeline = undefined;
      return;
    }
    this.pipeline = pipeline;
    releaseOnCollect.register(this, this.pipeline, this);
  }

  /** Kong's log phase: runs in a timer after the client has its response. */
  async log(kong: LogPhasePdk): Promise<void> {
    // The call is made even when disabled: kong-js-pluginserver leaks an event record for every
    // handler that makes no PDK call (docs/design.md#zero-pdk-call-leak).
    const serialized = await kong.log.serialize();
    if (this.pipeline === undefined) {
      selfObs.skipped('invalid_config');
      return;
    }
    try {
      this.pipeline.processLogText(serialized);
      noteRecorded();
    } catch (error) {
      selfObs.skipped('handler_error', error instanceof Error ? error.message : String(error));
    }
  }

  /** Releases the exporters of this instance (for servers that report instance closing). */
  close(): void {
    if (this.pipeline === undefined) return;
    releaseOnCollect.unregister(this);
    void this.pipeline.close();
  }
}
