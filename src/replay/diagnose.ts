// Why a log line made no span, or a span that may not be what the user expects: every skipped
// line is counted by reason, and `--verbose` lists them with their line numbers.
import type { LlmCall } from '../genai/types';
import type { LineProblem } from './log-lines';

export type SkipReason = LineProblem | 'no_ai_data' | 'incomplete_ai_data';
/** Lines that did make calls, with something worth knowing about them. */
export type NoteReason = 'no_started_at' | 'no_token_counts' | 'not_sampled';

export interface Finding<R extends string> {
  readonly reason: R;
  readonly detail: string;
}

const isTable = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a log that parsed yielded no LLM call (docs/design.md#kong-log-shapes). */
export function whyNoCalls(log: Record<string, unknown>): Finding<SkipReason> {
  const ai = log.ai;
  if (!isTable(ai)) {
    return {
      reason: 'no_ai_data',
      detail:
        'no `ai` table in the log: not an AI Proxy request, or ai-proxy `logging.log_statistics` is off',
    };
  }
  const children = Object.entries(ai).filter(([, v]) => isTable(v));
  const incomplete = children
    .filter(([key]) => key !== 'payload')
    .map(([key, v]) => {
      const t = v as Record<string, unknown>;
      const missing = ['meta', 'usage'].filter(k => !isTable(t[k]));
      return `ai.${key} has no ${missing.join(' or ')}`;
    });
  return {
    reason: 'incomplete_ai_data',
    detail:
      incomplete.length > 0
        ? `${incomplete.join('; ')} (an LLM call needs both)`
        : '`ai` has no entry with `meta` and `usage`',
  };
}

/** Epoch ms a Kong `started_at` may carry (docs/design.md#timing-rules). */
const usableStartedAt = (v: unknown): boolean => typeof v === 'number' && v >= 1e12 && v <= 1e13;

/** Things about calls that were recorded, but perhaps not as the user expects. */
export function callNotes(
  log: Record<string, unknown>,
  calls: readonly LlmCall[],
): Finding<NoteReason>[] {
  const notes: Finding<NoteReason>[] = [];
  if (!usableStartedAt(log.started_at)) {
    notes.push({
      reason: 'no_started_at',
      detail: `started_at is ${log.started_at === undefined ? 'missing' : `unusable (${JSON.stringify(log.started_at)})`}: the span is timed from now`,
    });
  }
  for (const call of calls) {
    if (call.usage.inputTokens === undefined && call.usage.outputTokens === undefined) {
      notes.push({
        reason: 'no_token_counts',
        detail: `ai.${call.source || '(flat)'}.usage has no numeric token counts: no token attributes or metrics`,
      });
    }
  }
  return notes;
}
