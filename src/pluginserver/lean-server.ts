// kong-pdk's own plugin server (plugin loading, RPC methods, PDK bridge), with its event
// bookkeeping fixed and plugin objects told when Kong closes their instance. Subclassed, not
// forked.
import { firstInstanceId } from './instance-ids';
import { Server, type PdkInstance, type PdkLogger, type StepReply } from './kong-pdk-modules';

/** Methods Kong may call, plus the ones kong-js-pluginserver also answers. */
const RPC_METHODS = [
  'StartInstance',
  'CloseInstance',
  'HandleEvent',
  'Step',
  'StepError',
  'StepMultiMap',
  'StepCredential',
  'StepConsumer',
  'StepRoute',
  'StepService',
  'StepPlugin',
  'StepMemoryStats',
  'GetStatus',
  'GetPluginInfo',
  'InstanceStatus',
  'SetPluginDir',
] as const;

/** pdk.js sends these without waiting: Kong yields the request and never sends another Step. */
const NON_RETURNING = new Set(['kong.response.exit', 'kong.response.error']);

export type RpcMethod = (...args: unknown[]) => unknown;

export interface LeanServerOptions {
  /**
   * An unfinished event with no RPC for this long was abandoned by Kong (a Lua error in the
   * bridge loop, or Kong's 60 s read timeout): its handler can never resume, so it is dropped.
   */
  abandonedEventMs?: number;
  /** Start time (epoch ms) the instance ids derive from; default now. */
  startedAtMs?: number;
}

export interface LeanServerStats {
  events: number;
  instances: number;
  abandonedEventsDropped: number;
  pluginsClosed: number;
}

const isFinished = (data: unknown): boolean =>
  data === 'ret' ||
  (typeof data === 'object' &&
    data !== null &&
    NON_RETURNING.has((data as { Method?: unknown }).Method as string));

export class LeanServer extends Server {
  /** Event id -> last time it had an RPC, for events still waiting on Kong. */
  private readonly lastActive = new Map<number, number>();
  private readonly abandonedEventMs: number;
  private sweeper: NodeJS.Timeout | undefined;
  private abandonedEventsDropped = 0;
  private pluginsClosed = 0;

  constructor(pluginDir: string | undefined, logger: PdkLogger, options: LeanServerOptions = {}) {
    super(pluginDir, logger);
    this.abandonedEventMs = options.abandonedEventMs ?? 10 * 60_000;
    // kong-js-pluginserver's bin clears the instance-expiry timer right after starting, so
    // instances never expire and the ids Kong caches stay valid. Keep exactly that behaviour.
    this.close();
    // Unique across processes: a stale id from a previous process is unknown here, never reused.
    this.instanceID = firstInstanceId(options.startedAtMs ?? Date.now());
  }

  /**
   * server.js deletes a finished event only in step(): an event whose handler made no PDK call
   * ends in HandleEvent's own reply and would stay in `events` forever (~1 KB per request).
   */
  override async HandleEvent(event: unknown): Promise<StepReply> {
    return this.track(await super.HandleEvent(event));
  }

  /** Covers every Step* alias: server.js defines them all as Step, which calls `this.step`. */
  override async step(data: unknown, isError: boolean): Promise<StepReply> {
    return this.track(await super.step(data, isError));
  }

  /** Kong replaced the instance: release what the plugin object holds (exporters, timers). */
  override async CloseInstance(iid: unknown): Promise<unknown> {
    const instance = this.instances.get(iid as number);
    const status = await super.CloseInstance(iid);
    this.closePlugin(instance, iid);
    return status;
  }

  /** The RPC methods by name, bound to this server; anything else on it is not callable by RPC. */
  rpcMethods(): Map<string, RpcMethod> {
    const self = this as unknown as Record<string, RpcMethod>;
    return new Map(RPC_METHODS.map(name => [name, self[name]!.bind(this)]));
  }

  /** Starts dropping abandoned events periodically (never keeps the process alive). */
  startSweeping(): void {
    if (this.sweeper) return;
    const every = Math.max(10, Math.min(this.abandonedEventMs, 60_000));
    this.sweeper = setInterval(() => this.dropAbandonedEvents(), every);
    this.sweeper.unref();
  }

  stopSweeping(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Drops events idle for `abandonedEventMs`; returns how many. */
  dropAbandonedEvents(now = Date.now()): number {
    let dropped = 0;
    for (const [eid, at] of this.lastActive) {
      if (now - at < this.abandonedEventMs) continue;
      this.lastActive.delete(eid);
      this.events.delete(eid);
      dropped += 1;
    }
    if (dropped > 0) {
      this.abandonedEventsDropped += dropped;
      this.logger.warn(
        `dropped ${dropped} event(s) Kong abandoned (no RPC for ${this.abandonedEventMs} ms)`,
      );
    }
    return dropped;
  }

  stats(): LeanServerStats {
    return {
      events: this.events.size,
      instances: this.instances.size,
      abandonedEventsDropped: this.abandonedEventsDropped,
      pluginsClosed: this.pluginsClosed,
    };
  }

  /** A finished event (`ret`, or exit/error that Kong never answers) leaves the map now. */
  private track(reply: StepReply): StepReply {
    const eid = reply.EventId;
    if (isFinished(reply.Data)) {
      this.events.delete(eid);
      this.lastActive.delete(eid);
    } else {
      this.lastActive.set(eid, Date.now());
    }
    return reply;
  }

  private closePlugin(instance: PdkInstance | undefined, iid: unknown): void {
    const plugin = instance?.cls as { close?: unknown } | undefined;
    if (typeof plugin?.close !== 'function') return;
    const fail = (error: unknown): void =>
      this.logger.warn(`close() of instance #${String(iid)} failed: ${String(error)}`);
    try {
      this.pluginsClosed += 1;
      const result: unknown = (plugin.close as () => unknown).call(plugin);
      if (result instanceof Promise) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  }
}
