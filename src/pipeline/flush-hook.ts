// The one process-wide handle between the plugin (which owns the exporters) and the plugin
// server's `plugin.GenAiOtelFlush` RPC, which kong-pdk's plugin loader gives no other way to reach.

/** `globalThis[FLUSH_HOOK]`, set once the plugin module is loaded. */
export const FLUSH_HOOK = Symbol.for('kong-genai-otel.flush');

export interface FlushRequest {
  deadlineMs: number;
  /** The node is stopping: also export each later record promptly. */
  stopping: boolean;
}

export interface FlushResult {
  /** Every provider finished within the deadline. */
  flushed: boolean;
  /** Trace and metric providers flushed. */
  providers: number;
}

export type FlushHook = (request: FlushRequest) => Promise<FlushResult>;

/** The hook of the plugin loaded in this process, if any. */
export function flushHook(): FlushHook | undefined {
  const hook = (globalThis as Record<symbol, unknown>)[FLUSH_HOOK];
  return typeof hook === 'function' ? (hook as FlushHook) : undefined;
}
