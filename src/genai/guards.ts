// Guard and helper plugins' verdicts (docs/design.md#guards-and-judges): EE 3.10+ AI plugins log
// their own tables next to the LLM call, under `ai.proxy` (guards, RAG injector) or as siblings
// of `proxy` (sanitizer, compressor). Each becomes one GuardVerdict; whether it blocked comes from
// its `*_block_source` (EE 3.14+) or `*_block_reason` (EE 3.13+), which are empty when allowed.
import { count, name, num, obj, str, type Obj } from './payloads/json';
import type { GuardVerdict } from './types';

/** Children of `ai.proxy` written by other AI plugins. */
export const PROXY_GUARD_KEYS = [
  'aws-guardrails',
  'gcp-model-armor',
  'azure-content-safety',
  'lakera-guard',
  'custom-guardrail',
  'rag-inject',
] as const;
/** Siblings of `ai.proxy` written by other AI plugins. */
export const SIBLING_GUARD_KEYS = ['sanitizer', 'compressor'] as const;

/** Fields read into named GuardVerdict fields, or never exported as facts. */
const NAMED_OR_HIDDEN = new Set([
  'mode',
  'input_block_source',
  'output_block_source',
  'input_block_reason',
  'output_block_reason',
  'input_processing_latency',
  'output_processing_latency',
  'guards_triggered_count',
  'input_faulty_prompt',
  'output_faulty_response',
  // Raw content a plugin may log: never a fact (the faulty text goes through content capture).
  'information',
  'original',
  'sanitized',
]);
/** Credentials never leave the plugin, whatever a plugin logs. */
const SECRET_KEY = /secret|password|passwd|api_?key|credential|auth/i;
const MAX_FACTS = 32;
const MAX_FACT_LENGTH = 256;

/** The verdicts of one log's `ai` table (`proxy` is the LLM call's bag). */
export function guardVerdicts(ai: Obj | undefined): GuardVerdict[] {
  if (ai === undefined) return [];
  const proxy = obj(ai.proxy);
  const out: GuardVerdict[] = [];
  for (const key of PROXY_GUARD_KEYS) {
    const table = obj(proxy?.[key]);
    if (table !== undefined) out.push(verdict(key, table));
  }
  for (const key of SIBLING_GUARD_KEYS) {
    const table = obj(ai[key]);
    if (table !== undefined) out.push(verdict(key, table));
  }
  const audit = azureAudit(obj(obj(ai.audit)?.azure_content_safety));
  if (audit !== undefined) out.push(audit);
  return out;
}

/**
 * `ai.audit.azure_content_safety.<Category>`: one key per category over its threshold, valued by
 * the rejection level (a number per Kong's table, a string in its example: both accepted).
 */
function azureAudit(t: Obj | undefined): GuardVerdict | undefined {
  if (t === undefined) return undefined;
  const facts: Record<string, string | number> = {};
  for (const [category, level] of Object.entries(t).slice(0, MAX_FACTS)) {
    const key = category.toLowerCase();
    if (!/^[a-z0-9_]{1,64}$/.test(key)) continue;
    const value = num(level) ?? name(level)?.slice(0, MAX_FACT_LENGTH);
    if (value !== undefined) facts[`category_${key}`] = value;
  }
  const categories = Object.keys(facts);
  if (categories.length === 0) return undefined;
  return {
    name: 'azure-content-safety-audit',
    blocked: true,
    blockReason: categories.map(c => c.slice('category_'.length)).join(','),
    facts,
  };
}

function verdict(key: string, t: Obj): GuardVerdict {
  const inputSource = name(t.input_block_source);
  const outputSource = name(t.output_block_source);
  const inputReason = name(t.input_block_reason);
  const outputReason = name(t.output_block_reason);
  const inputBlocked = inputSource !== undefined || inputReason !== undefined;
  const outputBlocked = outputSource !== undefined || outputReason !== undefined;
  const side = inputBlocked ? 'input' : outputBlocked ? 'output' : undefined;
  return {
    name: key,
    mode: capped(name(t.mode)),
    blocked: side !== undefined,
    blockedSide: side,
    blockSource: capped(side === 'input' ? inputSource : outputSource),
    blockReason: capped(side === 'input' ? inputReason : outputReason),
    inputLatencyMs: latency(t.input_processing_latency),
    outputLatencyMs: latency(t.output_processing_latency),
    triggeredCount: count(t.guards_triggered_count),
    faultyContent:
      side === 'input'
        ? str(t.input_faulty_prompt)
        : side === 'output'
          ? str(t.output_faulty_response)
          : undefined,
    facts: facts(t),
  };
}

function facts(t: Obj): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  let n = 0;
  for (const [key, value] of Object.entries(t)) {
    if (n >= MAX_FACTS) break;
    if (NAMED_OR_HIDDEN.has(key) || SECRET_KEY.test(key) || !/^[a-z0-9_]{1,64}$/.test(key))
      continue;
    if (typeof value === 'boolean' || num(value) !== undefined)
      out[key] = value as number | boolean;
    else if (typeof value === 'string' && value !== '') out[key] = value.slice(0, MAX_FACT_LENGTH);
    else continue;
    n += 1;
  }
  return out;
}

const capped = (v: string | undefined): string | undefined => v?.slice(0, MAX_FACT_LENGTH);

const latency = (v: unknown): number | undefined => {
  const n = num(v);
  return n !== undefined && n >= 0 && n <= 1e9 ? n : undefined;
};
