// The runtime stage of the repository's Dockerfile as data: its ENV (ARGs expanded), and its
// instructions, for checks that deployment files agree with the image.
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

export interface RuntimeStage {
  env: Map<string, string>;
  /** Instruction keyword (upper case) and its arguments, continuations joined. */
  lines: { keyword: string; args: string }[];
}

/** The last stage (Kong's). Enough Dockerfile syntax for our file; comments are dropped. */
export function runtimeStage(file = path.join(ROOT, 'Dockerfile')): RuntimeStage {
  const logical: string[] = [];
  let current = '';
  for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    const line = raw.trimEnd();
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    if ((current + line).trim() !== '') logical.push((current + line).trim());
    current = '';
  }
  const globals = new Map<string, string>();
  let stage: RuntimeStage | undefined;
  const expand = (text: string, vars: Map<string, string>): string =>
    text.replace(
      /\$\{(\w+)\}|\$(\w+)/g,
      (whole, a?: string, b?: string) => vars.get(a ?? b ?? '') ?? whole,
    );
  let vars = globals;
  for (const line of logical) {
    const [, word = '', args = ''] = /^(\w+)\s+(.*)$/s.exec(line) ?? [];
    const keyword = word.toUpperCase();
    if (keyword === 'FROM') {
      stage = { env: new Map(), lines: [] };
      vars = new Map();
      continue;
    }
    if (keyword === 'ARG') {
      const [key = '', value] = args.split(/=(.*)/s);
      vars.set(key.trim(), value ?? globals.get(key.trim()) ?? '');
      continue;
    }
    if (!stage) continue;
    if (keyword === 'ENV') {
      for (const m of args.matchAll(/([A-Za-z_]\w*)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
        const value = expand(m[2]!.startsWith('"') ? m[2]!.slice(1, -1) : m[2]!, vars);
        stage.env.set(m[1]!, value);
        vars.set(m[1]!, value);
      }
    }
    stage.lines.push({ keyword, args });
  }
  if (!stage) throw new Error('no FROM in the Dockerfile');
  return stage;
}

/** The exec-form JSON array of an instruction (ENTRYPOINT, CMD, HEALTHCHECK ... CMD). */
export function execForm(stage: RuntimeStage, keyword: string): string[] {
  const line = stage.lines.find(l => l.keyword === keyword);
  if (!line) throw new Error(`no ${keyword} in the runtime stage`);
  const json = /(\[.*\])\s*$/s.exec(line.args)?.[1];
  if (!json) throw new Error(`${keyword} is not in exec form`);
  return JSON.parse(json) as string[];
}
