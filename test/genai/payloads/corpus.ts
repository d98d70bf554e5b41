// Kong's AI Proxy fixtures, read in place as a conformance corpus (absent in some checkouts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// The fixture corpus is looked up in the `shared/` folder beside the repository clone, four levels
// above this folder, unless KONG_AI_PROXY_FIXTURES names it (e.g. from a separate worktree).
export const CORPUS_DIR =
  process.env.KONG_AI_PROXY_FIXTURES ??
  path.resolve(__dirname, '../../../../shared/fixtures/kong-ai-proxy');

/** `false` when the corpus is there, else the one-line reason the corpus suites are skipped. */
export const corpusSkip: string | false = existsSync(CORPUS_DIR)
  ? false
  : `Kong AI Proxy fixtures not found at ${CORPUS_DIR}; corpus tests skipped`;

export function readFixture(relative: string): unknown {
  return JSON.parse(readFileSync(path.join(CORPUS_DIR, relative), 'utf8')) as unknown;
}

/** Every `.json` file under `relative`, as paths relative to the corpus root, sorted. */
export function listFixtures(relative = ''): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(CORPUS_DIR, dir), { withFileTypes: true })) {
      const child = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.json')) out.push(child);
    }
  };
  walk(relative);
  return out.sort();
}
