// Reads Kong log lines as written by the file-log and http-log plugins (`kong.log.serialize()`
// output, one JSON document per line; http-log batches are JSON arrays). A line that is not a
// log is reported with its number and reason; nothing else is lost.
import { createInterface } from 'node:readline';
import { describe } from './config-file';

export type LineProblem = 'malformed_json' | 'not_an_object';

export type LogLine =
  | { readonly line: number; readonly log: Record<string, unknown> }
  | { readonly line: number; readonly problem: LineProblem; readonly detail: string };

/** Yields one entry per serialized log (a batch line yields one per element). */
export async function* readLogLines(input: NodeJS.ReadableStream): AsyncGenerator<LogLine> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n += 1;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      yield { line: n, problem: 'malformed_json', detail };
      continue;
    }
    for (const log of Array.isArray(value) ? value : [value]) {
      if (typeof log === 'object' && log !== null && !Array.isArray(log)) {
        yield { line: n, log: log as Record<string, unknown> };
      } else {
        const detail = `expected a JSON object${Array.isArray(value) ? ' in the batch' : ' or array'}, got ${describe(log)}`;
        yield { line: n, problem: 'not_an_object', detail };
      }
    }
  }
}
