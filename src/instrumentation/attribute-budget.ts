// Keeps a span within its attribute count limit by cutting message content, never the core
// attributes. Left to the SDK, attributes past the limit are dropped in insertion order, which
// could take any of them; here the core attributes are all kept, content fills what is left (the
// whole-conversation JSON attributes first, then the indexed per-message ones in order), and a
// marker says when content was cut.
import type { Attributes } from '@opentelemetry/api';

/** `true` when message content was left out to stay within the attribute count limit. */
export const ATTR_CONTENT_TRUNCATED = 'kong.gen_ai.content.truncated';

/** A slot kept free for `kong.trace_id`, which the span recorder may add after content. */
const LATE_SLOTS = 1;

/** Indexed legacy names (`gen_ai.prompt.12.content`): one conversation is many of them. */
const INDEXED = /\.\d+(\.|$)/;

/** Adds `content` to `core` (in place) within `limit` attributes in total; returns `core`. */
export function addContentWithinLimit(
  core: Attributes,
  content: Attributes,
  limit: number,
): Attributes {
  const entries = Object.entries(content).filter(([key]) => !(key in core));
  const free = limit - Object.keys(core).length - LATE_SLOTS;
  if (entries.length <= free) {
    for (const [key, value] of entries) core[key] = value;
    return core;
  }
  let room = free - 1; // the marker's slot
  const ordered = [
    ...entries.filter(([key]) => !INDEXED.test(key)),
    ...entries.filter(([key]) => INDEXED.test(key)),
  ];
  for (const [key, value] of ordered) {
    if (room <= 0) break;
    core[key] = value;
    room -= 1;
  }
  core[ATTR_CONTENT_TRUNCATED] = true;
  return core;
}
