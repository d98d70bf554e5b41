// A faithful emulator of Kong's side of the pluginserver protocol: instance lifecycle and the
// bridge loop.
import type { PluginEntity, PluginInfo } from './kong-config';
import { buildKongConfig } from './kong-config';
import type { LogLine, RequestData } from './pdk-answers';
import {
  encodeAnswer,
  EXIT_METHODS,
  logLevelOf,
  LuaError,
  SavedData,
  stepMethodFor,
} from './pdk-answers';
import type { RpcTraceEntry } from './rpc-connection';
import { RpcClient, RpcRemoteError, RpcTimeoutError } from './rpc-connection';

export type { PluginEntity, PluginInfo } from './kong-config';
export type { LogLine, RequestData } from './pdk-answers';

export interface EmulatorOptions {
  socketPath: string;
  /** One entry of `--dump-all-plugins` (Kong 3.9+ uses only the first). */
  pluginInfo: PluginInfo;
  /** Simulated nginx workers, each with its own msgid counter, pool and instance cache. */
  workers?: number;
  /** Per-event deadline; the event is reported as timed out instead of hanging. Default 2000. */
  eventTimeoutMs?: number;
  /** Called for every RPC (worker, msgid, method, duration, error). */
  onRpc?: (entry: RpcTraceEntry) => void;
  /**
   * When the `plugin_server/reset_instances` worker event reaches the other workers: `auto` (next
   * turn of the event loop) or `manual` (only on `deliverWorkerEvents()`), to hold open the window
   * in which another worker still sends instance ids cached from a previous server process.
   */
  workerEvents?: 'auto' | 'manual';
}

export interface RunOptions {
  worker?: number;
  eventTimeoutMs?: number;
}

/** One PDK call the plugin made, as `{Method, Args}` arrived. */
export interface PdkCall {
  method: string;
  args: unknown[];
}

export interface EventResult {
  phase: string;
  worker: number;
  /** The phase is not in the dump's `Phases`: Kong sends nothing. */
  skipped: boolean;
  instanceId: number | undefined;
  eventId: number | undefined;
  /**
   * PDK calls the plugin made (each `{Method, Args}` it sent), including an abandoned or exit call.
   */
  pdkCalls: number;
  /** Step* RPCs sent back (fewer than pdkCalls when Kong abandons or exits). */
  steps: number;
  /** Every RPC of the event: StartInstance, CloseInstance, HandleEvent, Step*. */
  rpcs: number;
  methods: string[];
  calls: PdkCall[];
  durationMs: number;
  timedOut: boolean;
  /** Kong stopped answering: a Lua error (a non-saved call in `log`, fix_raw(nil)). */
  abandoned: boolean;
  abandonReason?: string;
  /** The plugin called kong.response.exit/error; Kong sent no further Step. */
  exited: boolean;
  exit?: PdkCall;
  /** The RPC error that ended the event (Kong logs it and fails open). */
  error?: string;
  /** "no plugin instance" recoveries performed for this event. */
  instanceResets: number;
  logLines: LogLine[];
}

export interface EmulatorStats {
  events: number;
  pdkCalls: number;
  steps: number;
  rpcs: number;
  errors: number;
  abandoned: number;
  timedOut: number;
  exited: number;
  instancesStarted: number;
  instancesClosed: number;
  instanceResets: number;
  /** `serverPid` notifications received, and how many of them dropped a worker's cache. */
  serverPidNotifications: number;
  serverPidResets: number;
}

/** A StartInstance/CloseInstance as it happened, in order, for lifecycle assertions. */
export interface LifecycleEntry {
  worker: number;
  method: 'plugin.StartInstance' | 'plugin.CloseInstance';
  pluginId: string;
  seq: number | undefined;
  instanceId: number | undefined;
  error?: string;
}

/** A cached instance of plugin.lua `running_instances` (an entry without `id` is a claim). */
interface InstanceSlot {
  /** Set once StartInstance answered (Kong's `instance_info.rpc`); a claim has none. */
  id: number | undefined;
  seq: number;
  pluginId: string;
  starting: Promise<void> | undefined;
}

interface Worker {
  index: number;
  rpc: RpcClient;
  instances: Map<string, InstanceSlot>;
  /** plugin.lua `rpc.pluginserver_pid`: the last `serverPid` this worker's Rpc saw. */
  serverPid: number | undefined;
}

/** Kong's handle_event recursion is unbounded; a test must not spin forever. */
const MAX_INSTANCE_RESETS = 5;

class EventTimeout extends Error {}

/** Mutable per-event bookkeeping that becomes the EventResult. */
class EventRun {
  readonly result: EventResult;
  private readonly started = performance.now();
  readonly deadline: number;

  constructor(phase: string, worker: number, timeoutMs: number) {
    this.deadline = this.started + timeoutMs;
    this.result = {
      phase,
      worker,
      skipped: false,
      instanceId: undefined,
      eventId: undefined,
      pdkCalls: 0,
      steps: 0,
      rpcs: 0,
      methods: [],
      calls: [],
      durationMs: 0,
      timedOut: false,
      abandoned: false,
      exited: false,
      instanceResets: 0,
      logLines: [],
    };
  }

  remainingMs(): number {
    const left = this.deadline - performance.now();
    if (left <= 0) throw new EventTimeout('event deadline passed');
    return left;
  }

  finish(): EventResult {
    this.result.durationMs = performance.now() - this.started;
    return this.result;
  }
}

const isStepData = (data: unknown): data is { Method: string; Args?: unknown[] } =>
  typeof data === 'object' &&
  data !== null &&
  typeof (data as { Method?: unknown }).Method === 'string';

export class KongEmulator {
  readonly stats: EmulatorStats = {
    events: 0,
    pdkCalls: 0,
    steps: 0,
    rpcs: 0,
    errors: 0,
    abandoned: 0,
    timedOut: 0,
    exited: 0,
    instancesStarted: 0,
    instancesClosed: 0,
    instanceResets: 0,
    serverPidNotifications: 0,
    serverPidResets: 0,
  };
  readonly lifecycle: LifecycleEntry[] = [];
  /** Events Kong gave up on (abandoned or timed out), kept for assertions. */
  readonly abandonedEvents: EventResult[] = [];
  private readonly workers: Worker[];
  private readonly eventTimeoutMs: number;
  private readonly phases: Set<string>;
  /** Worker events posted but not yet delivered (manual delivery). */
  private readonly pendingWorkerEvents: (() => void)[] = [];

  private constructor(private readonly options: EmulatorOptions) {
    const count = options.workers ?? 1;
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`workers must be >= 1, got ${count}`);
    this.eventTimeoutMs = options.eventTimeoutMs ?? 2000;
    this.phases = new Set(options.pluginInfo.Phases);
    this.workers = Array.from({ length: count }, (_, index) => {
      const worker: Worker = {
        index,
        rpc: new RpcClient(options.socketPath, index, options.onRpc, (label, args) =>
          this.onNotification(worker, label, args),
        ),
        instances: new Map<string, InstanceSlot>(),
        serverPid: undefined,
      };
      return worker;
    });
  }

  /** Delivers the worker events posted so far (with `workerEvents: 'manual'`); returns how many. */
  deliverWorkerEvents(): number {
    const due = this.pendingWorkerEvents.splice(0);
    for (const deliver of due) deliver();
    return due.length;
  }

  /** The last `serverPid` a worker's Rpc saw, if any. */
  serverPidSeen(worker = 0): number | undefined {
    return this.worker(worker).serverPid;
  }

  /** Creates the emulator and checks the socket accepts a connection (kept in worker 0's pool). */
  static async connect(options: EmulatorOptions): Promise<KongEmulator> {
    const emu = new KongEmulator(options);
    const pool = emu.worker(0).rpc.pool;
    pool.release(await pool.acquire());
    return emu;
  }

  get pluginInfo(): PluginInfo {
    return this.options.pluginInfo;
  }

  /** The instance id a worker has cached for a plugin entity, if any. */
  cachedInstanceId(pluginId: string, worker = 0): number | undefined {
    return this.worker(worker).instances.get(pluginId)?.id;
  }

  /** Last msgid used by a worker (monotonic per worker). */
  lastMsgid(worker = 0): number {
    return this.worker(worker).rpc.lastMsgid;
  }

  /** Connections a worker opened and reused: concurrency must open more, never pipeline. */
  connectionStats(worker = 0): { created: number; reused: number; open: number } {
    const pool = this.worker(worker).rpc.pool;
    return { created: pool.created, reused: pool.reused, open: pool.openConnections };
  }

  /** The `log` phase: a separate event answered only from the saved request data. */
  runLog(plugin: PluginEntity, saved: RequestData, opts: RunOptions = {}): Promise<EventResult> {
    return this.runPhase(plugin, 'log', saved, opts);
  }

  /** Runs the plugin's phases of one request in Kong's order; `log` last, sharing ctx.shared. */
  async runRequest(
    plugin: PluginEntity,
    request: RequestData,
    opts: RunOptions = {},
  ): Promise<Record<string, EventResult>> {
    const data: RequestData = { ...request, ctxShared: request.ctxShared ?? {} };
    const results: Record<string, EventResult> = {};
    for (const phase of ['certificate', 'rewrite', 'access', 'response', 'log']) {
      if (!this.phases.has(phase)) continue;
      const result = await this.runPhase(plugin, phase, data, opts);
      results[phase] = result;
      if (result.exited && phase !== 'log') {
        // An exit short-circuits the proxy phases; log still runs on the saved data.
        const log = this.phases.has('log')
          ? await this.runPhase(plugin, 'log', data, opts)
          : undefined;
        if (log) results.log = log;
        break;
      }
    }
    return results;
  }

  /** Runs one phase event through the bridge loop. Never throws for plugin/server failures. */
  async runPhase(
    plugin: PluginEntity,
    phase: string,
    request: RequestData = {},
    opts: RunOptions = {},
  ): Promise<EventResult> {
    const worker = this.worker(opts.worker ?? 0);
    const run = new EventRun(phase, worker.index, opts.eventTimeoutMs ?? this.eventTimeoutMs);
    if (!this.phases.has(phase)) {
      // Kong only builds handlers for the phases in the dump (plugin.lua build_phases).
      run.result.skipped = true;
      return run.finish();
    }
    this.stats.events += 1;
    const saved = new SavedData(request);
    try {
      await this.handleEvent(worker, plugin, phase, saved, run);
    } catch (err) {
      if (err instanceof EventTimeout || err instanceof RpcTimeoutError) {
        run.result.timedOut = true;
        run.result.error = err.message;
      } else {
        run.result.error = err instanceof Error ? err.message : String(err);
      }
    }
    const result = run.finish();
    this.account(result);
    return result;
  }

  async close(): Promise<void> {
    for (const worker of this.workers) worker.rpc.close();
    // Let the sockets' close events run before the caller stops the server.
    await new Promise(resolve => setImmediate(resolve));
  }

  private worker(index: number): Worker {
    const worker = this.workers[index];
    if (!worker) throw new Error(`no simulated worker ${index} (have ${this.workers.length})`);
    return worker;
  }

  private account(result: EventResult): void {
    const s = this.stats;
    s.pdkCalls += result.pdkCalls;
    s.steps += result.steps;
    s.rpcs += result.rpcs;
    s.instanceResets += result.instanceResets;
    if (result.error !== undefined && !result.timedOut) s.errors += 1;
    if (result.timedOut) s.timedOut += 1;
    if (result.abandoned) s.abandoned += 1;
    if (result.exited) s.exited += 1;
    if (result.abandoned || result.timedOut) this.abandonedEvents.push(result);
  }

  private async call(
    worker: Worker,
    run: EventRun,
    method: string,
    params: unknown[],
  ): Promise<unknown> {
    run.result.rpcs += 1;
    return worker.rpc.call(method, params, run.remainingMs());
  }

  /**
   * mp_rpc.lua `Rpc:handle_event`: on "no plugin instance", reset, start a new instance and retry.
   */
  private async handleEvent(
    worker: Worker,
    plugin: PluginEntity,
    phase: string,
    saved: SavedData,
    run: EventRun,
  ): Promise<void> {
    for (;;) {
      try {
        const instanceId = await this.getInstanceId(worker, plugin, run);
        run.result.instanceId = instanceId;
        await this.bridgeLoop(worker, instanceId, phase, saved, run);
        return;
      } catch (err) {
        const noInstance =
          err instanceof RpcRemoteError && err.message.toLowerCase().includes('no plugin instance');
        if (!noInstance || run.result.instanceResets >= MAX_INSTANCE_RESETS) throw err;
        run.result.instanceResets += 1;
        this.resetInstances(worker);
      }
    }
  }

  /**
   * plugin.lua `reset_instance`: drop every cached instance of this plugin in this worker, then
   * post a worker event so the others drop theirs too. Worker events are asynchronous, so the
   * other workers keep their stale ids until it is delivered (the instance-id reuse race after a
   * restart, docs/design.md#instances-and-config-changes).
   */
  private resetInstances(worker: Worker): void {
    worker.instances.clear();
    const deliver = (): void => {
      for (const other of this.workers) if (other !== worker) other.instances.clear();
    };
    if (this.options.workerEvents === 'manual') this.pendingWorkerEvents.push(deliver);
    else setImmediate(deliver);
  }

  /**
   * plugin.lua `rpc_notifications:serverPid`: `tonumber(n)`; a value different from the one this
   * worker's Rpc saw before drops every started instance of that Rpc (no CloseInstance; a claim in
   * progress has no Rpc yet and stays). The first value seen only records it.
   */
  private onNotification(worker: Worker, label: unknown, args: unknown): void {
    if (label !== 'serverPid') return;
    this.stats.serverPidNotifications += 1;
    const n = typeof args === 'number' ? args : typeof args === 'string' ? Number(args) : NaN;
    const pid = Number.isNaN(n) ? undefined : n;
    if (worker.serverPid !== undefined && pid !== worker.serverPid) {
      for (const [key, slot] of worker.instances) {
        if (slot.id !== undefined) worker.instances.delete(key);
      }
      this.stats.serverPidResets += 1;
    }
    worker.serverPid = pid;
  }

  /**
   * plugin.lua `get_instance_id`: reuse the cached id while `__seq__` and `__plugin_id` match;
   * otherwise claim the slot, StartInstance(new), then CloseInstance(old) ignoring errors. Other
   * coroutines wait for a claim in progress (Kong polls every 0.1 s; we await it).
   */
  private async getInstanceId(
    worker: Worker,
    plugin: PluginEntity,
    run: EventRun,
  ): Promise<number> {
    const key = plugin.id;
    let slot = worker.instances.get(key);
    while (slot?.starting) {
      await this.withinDeadline(slot.starting, run);
      slot = worker.instances.get(key);
    }
    if (slot && slot.id !== undefined && slot.seq === plugin.seq && slot.pluginId === key) {
      return slot.id;
    }
    const oldId = slot?.id;
    if (!slot) {
      slot = { id: undefined, seq: plugin.seq, pluginId: key, starting: undefined };
      worker.instances.set(key, slot);
    } else {
      slot.id = undefined;
    }
    const claimed = slot;
    const start = this.startInstance(worker, plugin, run);
    claimed.starting = start.then(
      () => undefined,
      () => undefined,
    );
    let newId: number;
    try {
      newId = await start;
    } catch (err) {
      // Remove the claim so another coroutine can try; Kong raises the error (500 in access).
      if (worker.instances.get(key) === claimed) worker.instances.delete(key);
      claimed.starting = undefined;
      throw err;
    }
    claimed.id = newId;
    claimed.seq = plugin.seq;
    claimed.starting = undefined;
    if (oldId !== undefined) await this.closeInstance(worker, plugin, oldId, run);
    return newId;
  }

  private async startInstance(
    worker: Worker,
    plugin: PluginEntity,
    run: EventRun,
  ): Promise<number> {
    const { json } = buildKongConfig(this.options.pluginInfo, plugin);
    const entry: LifecycleEntry = {
      worker: worker.index,
      method: 'plugin.StartInstance',
      pluginId: plugin.id,
      seq: plugin.seq,
      instanceId: undefined,
    };
    this.lifecycle.push(entry);
    try {
      const status = await this.call(worker, run, 'plugin.StartInstance', [
        { Name: this.options.pluginInfo.Name, Config: json },
      ]);
      const id = (status as { Id?: unknown } | undefined)?.Id;
      if (typeof id !== 'number')
        throw new Error(`StartInstance returned no Id: ${JSON.stringify(status)}`);
      entry.instanceId = id;
      this.stats.instancesStarted += 1;
      return id;
    } catch (err) {
      entry.error = err instanceof Error ? err.message : String(err);
      throw new Error(`starting instance: ${entry.error}`, { cause: err });
    }
  }

  private async closeInstance(
    worker: Worker,
    plugin: PluginEntity,
    id: number,
    run: EventRun,
  ): Promise<void> {
    const entry: LifecycleEntry = {
      worker: worker.index,
      method: 'plugin.CloseInstance',
      pluginId: plugin.id,
      seq: undefined,
      instanceId: id,
    };
    this.lifecycle.push(entry);
    try {
      await this.call(worker, run, 'plugin.CloseInstance', [id]);
      this.stats.instancesClosed += 1;
    } catch (err) {
      // "don't care if there's an error, maybe other thread closed it first" (plugin.lua).
      entry.error = err instanceof Error ? err.message : String(err);
      if (err instanceof EventTimeout || err instanceof RpcTimeoutError) throw err;
    }
  }

  /**
   * mp_rpc.lua `bridge_loop`: HandleEvent, then answer each `{Method, Args}` with the Step variant
   * for that method until `Data == "ret"`. Never StepError: Kong 3.x keeps only the first return.
   */
  private async bridgeLoop(
    worker: Worker,
    instanceId: number,
    phase: string,
    saved: SavedData,
    run: EventRun,
  ): Promise<void> {
    const r = run.result;
    let stepIn = await this.call(worker, run, 'plugin.HandleEvent', [
      { InstanceId: instanceId, EventName: phase },
    ]);
    const eventId = (stepIn as { EventId?: number } | undefined)?.EventId;
    r.eventId = eventId;
    for (;;) {
      const data = (stepIn as { Data?: unknown } | undefined)?.Data;
      if (data === 'ret') return;
      if (!isStepData(data)) throw new Error(`unexpected step data: ${JSON.stringify(data)}`);
      const call: PdkCall = {
        method: data.Method,
        args: Array.isArray(data.Args) ? data.Args : [],
      };
      r.pdkCalls += 1;
      r.methods.push(call.method);
      r.calls.push(call);
      if (EXIT_METHODS.has(call.method)) {
        // Kong yields the plugin coroutine; the JS "ret" is never collected (leaks server-side).
        r.exited = true;
        r.exit = call;
        return;
      }
      let answer: unknown;
      try {
        answer = this.answer(phase, call, saved, r);
      } catch (err) {
        if (!(err instanceof LuaError)) throw err;
        // A Lua error inside the loop: Kong abandons it and the JS handler stays blocked forever.
        r.abandoned = true;
        r.abandonReason = err.message;
        return;
      }
      r.steps += 1;
      stepIn = await this.call(worker, run, stepMethodFor(call.method), [
        answer === undefined ? { EventId: eventId } : { EventId: eventId, Data: answer },
      ]);
    }
  }

  /** Computes the wire answer to one PDK call, or throws LuaError where Kong would raise. */
  private answer(phase: string, call: PdkCall, saved: SavedData, r: EventResult): unknown {
    const level = logLevelOf(call.method);
    if (level !== undefined) {
      r.logLines.push({ level, args: call.args });
      return undefined;
    }
    if (phase === 'log') {
      // The log timer has no request: only plugin.lua's saved-data overrides work
      // (docs/design.md#log-phase-only).
      const fromSaved = saved.answer(call.method, call.args);
      if (fromSaved.kind === 'unsupported') {
        throw new LuaError(`${call.method} is not available in the log timer (no request)`);
      }
      return encodeAnswer(call.method, fromSaved.value);
    }
    const custom = saved.custom(call.method, call.args);
    if (custom.kind === 'value') return encodeAnswer(call.method, custom.value);
    const fromSaved = saved.answer(call.method, call.args);
    // Unknown or unanswered methods: Kong logs "could not find pdk method" and answers nil.
    return encodeAnswer(call.method, fromSaved.kind === 'value' ? fromSaved.value : undefined);
  }

  /**
   * Waits for `promise` but no longer than the event deadline (Kong gives up a claim after 10 s).
   */
  private async withinDeadline(promise: Promise<void>, run: EventRun): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((_, reject) => {
      timer = setTimeout(
        () => reject(new EventTimeout('waiting for instance claim')),
        run.remainingMs(),
      );
    });
    try {
      await Promise.race([promise, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
