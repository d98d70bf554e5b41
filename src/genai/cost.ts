// Cost of a call (docs/design.md#cost-rules): Kong's `usage.cost` when > 0, else the configured
// price table, else unknown. Prices are per 1M tokens; cache reads and cache writes are billed at
// their own prices.
import type { LlmCall } from './types';

export interface PriceEntry {
  readonly model: string;
  readonly input: number;
  readonly output: number;
  readonly cached_input?: number | null;
  readonly cache_write?: number | null;
}

export interface CallCost {
  readonly value: number;
  readonly source: 'kong' | 'pricing';
}

/** A price table compiled once per config: `*` in a model pattern matches any run of characters. */
export class PriceTable {
  private readonly entries: readonly { readonly pattern: RegExp; readonly price: PriceEntry }[];

  constructor(entries: readonly PriceEntry[]) {
    this.entries = entries.map(price => ({ pattern: globToRegExp(price.model), price }));
  }

  /** The first entry whose pattern matches the model. */
  find(model: string): PriceEntry | undefined {
    return this.entries.find(e => e.pattern.test(model))?.price;
  }
}

export function callCost(call: LlmCall, prices: PriceTable): CallCost | undefined {
  if (call.kongCost !== undefined) return { value: call.kongCost, source: 'kong' };
  const model = call.responseModel ?? call.requestModel;
  if (model === undefined) return undefined;
  const price =
    prices.find(model) ?? (call.requestModel ? prices.find(call.requestModel) : undefined);
  const { inputTokens, outputTokens, cachedInputTokens, cacheCreationInputTokens } = call.usage;
  if (price === undefined || (inputTokens === undefined && outputTokens === undefined)) {
    return undefined;
  }
  // Input tokens include cache reads and writes (docs/design.md#token-rules): each part is billed
  // at its own price, and together they never exceed the input count.
  const input = inputTokens ?? 0;
  const cached = Math.min(cachedInputTokens ?? 0, input);
  const written = Math.min(cacheCreationInputTokens ?? 0, input - cached);
  const uncachedInput = input - cached - written;
  const value =
    (uncachedInput * price.input +
      cached * (price.cached_input ?? price.input) +
      written * (price.cache_write ?? price.input) +
      (outputTokens ?? 0) * price.output) /
    1_000_000;
  // Absurd token counts times a price overflow; no cost beats an infinite one.
  if (!Number.isFinite(value)) return undefined;
  return { value, source: 'pricing' };
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}
