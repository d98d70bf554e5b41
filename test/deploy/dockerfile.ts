// The repository's Dockerfile as data: every stage with its image, ENV (ARGs expanded) and
// instructions, for checks that deployment files agree with the image.
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

export interface Stage {
  name: string;
  image: string;
  vars: Map<string, string>;
  env: Map<string, string>;
  /** Instruction keyword (upper case) and its arguments, continuations joined. */
  lines: { keyword: string; args: string }[];
}

export type RuntimeStage = Stage;

const expand = (text: string, vars: Map<string, string>): string =>
  text.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, a?: string, b?: string) => vars.get(a ?? b ?? '') ?? whole,
  );

/** Enough of Dockerfile syntax for our file: continuations, comments, FROM/ARG/ENV expansion. */
export function parseDockerfile(text: string): { globals: Map<string, string>; stages: Stage[] } {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw)) continue; // Docker drops comment lines, also inside continuations
    const line = raw.trimEnd();
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    if ((current + line).trim() !== '') logical.push((current + line).trim());
    current = '';
  }
  const globals = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, rawKeyword = '', args = ''] = /^(\w+)\s+(.*)$/s.exec(line) ?? [];
    const keyword = rawKeyword.toUpperCase();
    const stage = stages[stages.length - 1];
    if (keyword === 'FROM') {
      const [, image = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({
        name: name ?? String(stages.length),
        image: expand(image, globals),
        vars: new Map(),
        env: new Map(),
        lines: [],
      });
      continue;
    }
    if (keyword === 'ARG') {
      const [key = '', value] = args.split(/=(.*)/s);
      const target = stage?.vars ?? globals;
      target.set(key.trim(), value ?? globals.get(key.trim()) ?? '');
      continue;
    }
    if (!stage) throw new Error(`${keyword} before FROM`);
    if (keyword === 'ENV') {
      for (const m of args.matchAll(/([A-Za-z_]\w*)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
        const raw = m[2]!.startsWith('"') ? m[2]!.slice(1, -1) : m[2]!;
        const value = expand(raw, stage.vars);
        stage.env.set(m[1]!, value);
        stage.vars.set(m[1]!, value);
      }
    }
    stage.lines.push({ keyword, args });
  }
  return { globals, stages };
}

/** The last stage (Kong's). */
export function runtimeStage(file = path.join(ROOT, 'Dockerfile')): RuntimeStage {
  const { stages } = parseDockerfile(fs.readFileSync(file, 'utf8'));
  const last = stages[stages.length - 1];
  if (!last) throw new Error('no FROM in the Dockerfile');
  return last;
}

/** The exec-form JSON array of an instruction (ENTRYPOINT, CMD, HEALTHCHECK ... CMD). */
export function execForm(stage: RuntimeStage, keyword: string): string[] {
  const line = stage.lines.find(l => l.keyword === keyword);
  if (!line) throw new Error(`no ${keyword} in the runtime stage`);
  const json = /(\[.*\])\s*$/s.exec(line.args)?.[1];
  if (!json) throw new Error(`${keyword} is not in exec form`);
  return JSON.parse(json) as string[];
}
