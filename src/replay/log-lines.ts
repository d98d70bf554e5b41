// Reads Kong log lines as written by the file-log and http-log plugins (`kong.log.serialize()`
// output, one JSON document per line; http-log batches are JSON arrays). A malformed line is
// reported with its number and skipped; nothing else is lost.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export type LogLine =
  | { readonly line: number; readonly log: unknown }
  | { readonly line: number; readonly error: string };

/** Yields one entry per serialized log (a batch line yields one per element). */
export async function* readLogLines(path: string): AsyncGenerator<LogLine> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n += 1;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { line: n, error: error instanceof Error ? error.message : String(error) };
      continue;
    }
    if (Array.isArray(value)) {
      for (const log of value) yield { line: n, log };
    } else if (typeof value === 'object' && value !== null) {
      yield { line: n, log: value };
    } else {
      yield { line: n, error: `expected a JSON object or array, got ${typeof value}` };
    }
  }
}
