// JSON text -> the value JSON.parse would give, except that long strings inside conversation
// content are replaced by "" without being decoded (docs/design.md#payload-readers). Written by
// hand because no JSON library skips chosen values while still rejecting exactly what JSON.parse
// rejects; the scan is linear, jumps over strings with native indexOf / sticky regexes, and any
// input it cannot vouch for (malformed, too deep) is handed to JSON.parse itself.

/** Top-level keys whose nested (or own) long strings are conversation content, never a fact. */
const CONTENT_KEYS: ReadonlySet<string> = new Set([
  'messages',
  'contents',
  'system',
  'systemInstruction',
  'system_instruction',
  'chat_history',
  'tools',
  'functions',
  'toolConfig',
  'documents',
  'prompt',
  'input',
  'inputs',
  'texts',
  'message',
  'preamble',
  'response',
]);
/** Keys of a top-level `choices[i]` holding the generated content. */
const CHOICE_CONTENT_KEYS: ReadonlySet<string> = new Set(['message', 'delta', 'text']);
/** Strings up to this many raw characters are always decoded (roles, types, ids stay exact). */
const SHORT = 64;

/** A JSON string body up to and including its closing quote, valid escapes only. */
const STRING_BODY =
  // eslint-disable-next-line no-control-regex -- raw control characters are what JSON forbids
  /[^"\\\u0000-\u001f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\u0000-\u001f]*)*"/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Reject extends Error {}

/**
 * Parses `text` like JSON.parse, except that strings longer than 64 characters under the
 * content keys (see CONTENT_KEYS, and `choices[i].message|delta|text`) read as "". Malformed JSON
 * gives undefined; never throws.
 */
export function parseSkeletonJson(text: string): unknown {
  try {
    const p = new SkeletonParser(text);
    const value = p.value(0);
    p.ws();
    if (p.pos !== text.length) throw new Reject();
    return value;
  } catch {
    // Anything we could not vouch for (malformed, nested too deep): JSON.parse decides.
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }
}

/** Where a value sits: 0 = not content, 1 = content (long strings skipped). */
type Ctx = 0 | 1;

class SkeletonParser {
  pos = 0;
  constructor(private readonly text: string) {}

  ws(): void {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = t.charCodeAt(++this.pos);
  }

  /** `depth` 0 is the root; `ctx` says whether long strings here are content. */
  value(depth: number, ctx: Ctx = 0, key?: string): unknown {
    this.ws();
    const t = this.text;
    const c = t.charCodeAt(this.pos);
    if (c === 34) return this.string(ctx);
    if (c === 123) return this.object(depth, ctx, key);
    if (c === 91) return this.array(depth, ctx, key);
    if (c === 116) return this.literal('true', true);
    if (c === 102) return this.literal('false', false);
    if (c === 110) return this.literal('null', null);
    NUMBER.lastIndex = this.pos;
    if (!NUMBER.test(t)) throw new Reject();
    const n = Number(t.slice(this.pos, NUMBER.lastIndex));
    this.pos = NUMBER.lastIndex;
    return n;
  }

  private literal<T>(word: string, v: T): T {
    if (!this.text.startsWith(word, this.pos)) throw new Reject();
    this.pos += word.length;
    return v;
  }

  /** At an opening quote. */
  string(ctx: Ctx): string {
    const t = this.text;
    const start = this.pos + 1;
    STRING_BODY.lastIndex = start;
    if (!STRING_BODY.test(t)) throw new Reject();
    const end = STRING_BODY.lastIndex; // just past the closing quote
    this.pos = end;
    if (ctx === 1 && end - start - 1 > SHORT) return '';
    return JSON.parse(t.slice(start - 1, end)) as string;
  }

  private object(depth: number, ctx: Ctx, parentKey: string | undefined): Record<string, unknown> {
    const t = this.text;
    const out: Record<string, unknown> = {};
    this.pos++;
    this.ws();
    if (t.charCodeAt(this.pos) === 125) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (t.charCodeAt(this.pos) !== 34) throw new Reject();
      const key = this.string(0);
      this.ws();
      if (t.charCodeAt(this.pos) !== 58) throw new Reject();
      this.pos++;
      const v = this.value(depth + 1, this.childCtx(depth, ctx, parentKey, key), key);
      if (key === '__proto__') {
        Object.defineProperty(out, key, {
          value: v,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      } else {
        out[key] = v;
      }
      this.ws();
      const c = t.charCodeAt(this.pos++);
      if (c === 125) return out;
      if (c !== 44) throw new Reject();
    }
  }

  private array(depth: number, ctx: Ctx, key: string | undefined): unknown[] {
    const t = this.text;
    const out: unknown[] = [];
    this.pos++;
    this.ws();
    if (t.charCodeAt(this.pos) === 93) {
      this.pos++;
      return out;
    }
    // Elements of a top-level `choices` array are depth-2 objects whose content keys matter.
    const elementKey = depth === 1 && key === 'choices' ? 'choices[]' : undefined;
    for (;;) {
      out.push(this.value(depth + 1, ctx, elementKey));
      this.ws();
      const c = t.charCodeAt(this.pos++);
      if (c === 93) return out;
      if (c !== 44) throw new Reject();
    }
  }

  /** Context of the value under `key` in an object at `depth` (0 = root object). */
  private childCtx(depth: number, ctx: Ctx, parentKey: string | undefined, key: string): Ctx {
    if (ctx === 1) return 1;
    if (depth === 0) return CONTENT_KEYS.has(key) ? 1 : 0;
    return depth === 2 && parentKey === 'choices[]' && CHOICE_CONTENT_KEYS.has(key) ? 1 : 0;
  }
}
