// LLM-as-judge scores (docs/design.md#guards-and-judges): EE 3.12's ai-llm-as-judge logs its own
// entry, as `ai["ai-llm-as-judge"]` (how-to example) or `ai.proxy["ai-llm-as-judge"]` (reference
// table); both are read. Its `meta.request_model` is the model being scored, its
// `response_model`/`provider_name` the judge's; `usage.llm_accuracy` is the score (1-100).
import { name, num, obj, type Obj } from './payloads/json';
import type { Evaluation } from './types';

export const JUDGE_KEY = 'ai-llm-as-judge';

export function evaluations(ai: Obj | undefined): Evaluation[] {
  if (ai === undefined) return [];
  const out: Evaluation[] = [];
  for (const table of [obj(ai[JUDGE_KEY]), obj(obj(ai.proxy)?.[JUDGE_KEY])]) {
    if (table === undefined) continue;
    const meta = obj(table.meta);
    const score = num(obj(table.usage)?.llm_accuracy);
    if (score === undefined) continue;
    out.push({
      name: 'llm_accuracy',
      score,
      judgeModel: name(meta?.response_model)?.slice(0, 256),
      judgeProvider: name(meta?.provider_name)?.slice(0, 256),
    });
  }
  return out;
}
