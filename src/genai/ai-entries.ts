// Finds the LLM calls in the serialized log's `ai` table, whatever Kong version wrote it
// (docs/design.md#kong-log-shapes): any child with `meta` and `usage` (`proxy`, `ai-proxy`,
// `ai-proxy-advanced`, other AI plugins), or the flat 3.6 layout (`ai.meta`/`ai.usage`).
import { obj } from './payloads/json';

type Table = Record<string, unknown>;

/** The raw parts of one AI call as Kong logged them. */
export interface AiEntry {
  /** Child key (`proxy`, `ai-proxy`, ...), `''` for the flat 3.6 layout. */
  readonly source: string;
  readonly meta: Table;
  readonly usage: Table;
  readonly payload?: Table;
  readonly cache?: Table;
  /** The whole child table (`tried_targets` and other plugins' children live next to `meta`). */
  readonly table?: Table;
}

export function findAiEntries(ai: unknown): AiEntry[] {
  const table = obj(ai);
  if (table === undefined) return [];
  // Kong's docs example puts the payload at `ai.payload` next to `ai.proxy`; the code nests it.
  // Accept both: a child without its own payload borrows the top-level one.
  const sharedPayload = obj(table.payload);
  const entries: AiEntry[] = [];
  for (const [key, value] of Object.entries(table)) {
    const child = obj(value);
    // The judge's entry scores another call (docs/design.md#guards-and-judges): not a call itself.
    if (child === undefined || key === 'ai-llm-as-judge') continue;
    const meta = obj(child.meta);
    const usage = obj(child.usage);
    if (meta === undefined || usage === undefined) continue;
    entries.push({
      source: key,
      meta,
      usage,
      payload: obj(child.payload) ?? sharedPayload,
      cache: obj(child.cache),
      table: child,
    });
  }
  if (entries.length === 0) {
    const meta = obj(table.meta);
    const usage = obj(table.usage);
    if (meta !== undefined && usage !== undefined) {
      entries.push({
        source: '',
        meta,
        usage,
        payload: sharedPayload,
        cache: obj(table.cache),
        table,
      });
    }
  }
  return entries;
}
