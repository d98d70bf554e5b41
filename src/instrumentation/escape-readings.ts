// What a reader could decode a value to: JSON / JavaScript string escapes (`\u0040`, `\/`, `\n`,
// `\x40`, applied again for double escaping) and URL percent-encoding. Redaction checks this
// reading too, so a secret spelled with escapes cannot pass the presets as text and come out
// decoded in a JSON attribute or a reader's screen (docs/design.md#content-capture-and-redaction).

const ESCAPE = /\\(?:u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]{1,6})\}|x([0-9a-fA-F]{2})|([\s\S]))/g;
const SIMPLE: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};
const PERCENT_RUN = /(?:%[0-9a-fA-F]{2})+/g;
/** Passes of decoding: each pass that changes the text shortens it; double and triple escaping
 * are common, deeper nesting is decoded no further but its backslashes are dropped. */
const MAX_PASSES = 6;

function codePoint(hex: string): string {
  const cp = parseInt(hex, 16);
  return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
}

function decodeEscapes(text: string): string {
  return text.replace(
    ESCAPE,
    (
      _m,
      u4: string | undefined,
      ubrace: string | undefined,
      x2: string | undefined,
      ch: string | undefined,
    ) => {
      if (u4 !== undefined) return String.fromCharCode(parseInt(u4, 16));
      if (ubrace !== undefined) return codePoint(ubrace);
      if (x2 !== undefined) return String.fromCharCode(parseInt(x2, 16));
      // An escaped quote stays escaped: decoding it would end a quoted value early, and the
      // rest of a quoted secret would read as text after it.
      if (ch === '"') return '\\"';
      return SIMPLE[ch ?? ''] ?? ch ?? '';
    },
  );
}

function decodePercent(text: string): string {
  return text.replace(PERCENT_RUN, run => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) =>
        String.fromCharCode(parseInt(h, 16)),
      );
    }
  });
}

/** True when `text` has something a reader could decode. */
export const hasEncodings = (text: string): boolean =>
  text.includes('\\') || /%[0-9a-fA-F]{2}/.test(text);

/** The fully decoded reading of `text` (the text itself when nothing decodes). */
export function decodedReading(text: string): string {
  let current = text;
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    const next = decodePercent(decodeEscapes(current));
    if (next === current) return current;
    current = next;
  }
  return current.replace(/\\/g, '');
}
