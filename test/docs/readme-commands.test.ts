// The README as a newcomer follows it: every link resolves, every command is checked (the ones
// that need Docker only parsed against the compose and Kong files; the others run), the demo's
// sample output is what the demo prints, and the example config file is valid.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import pkg from '../../package.json';
import { configFromDocument } from '../../src/replay/config-file';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';
import { ROOT } from '../helpers/plugin-harness';
import { runBuiltCli } from '../replay/run-cli';

const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
const README = read('README.md');
const DOCS = ['README.md', 'docs/reference.md', 'docs/performance.md'];

interface Block {
  readonly lang: string;
  readonly body: string;
}
const blocks = (text: string): Block[] =>
  [...text.matchAll(/^ *```(\w*)\n([\s\S]*?)^ *```$/gm)].map(m => ({
    lang: m[1] ?? '',
    body: m[2]!.replace(/^ {2}/gm, ''),
  }));
/** The text outside fenced code blocks. */
const prose = (text: string): string => text.replace(/^ *```[\s\S]*?^ *```$/gm, '');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as dashes, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(text).matchAll(/^#{1,6} +(.+)$/gm)) {
    const base = m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

interface Compose {
  services: Record<string, { ports?: string[]; expose?: string[] }>;
}
const compose = parse(read('docker-compose.yml')) as Compose;
const publishedPorts = new Set(
  Object.values(compose.services).flatMap(s => (s.ports ?? []).map(p => p.split(':')[0])),
);
const exposed = (service: string, port: string): boolean => {
  const s = compose.services[service];
  return (
    s !== undefined &&
    [...(s.expose ?? []), ...(s.ports ?? [])].some(p => p.split(':').at(-1) === port)
  );
};
const kong = parse(read('kong.yml')) as { services: { routes: { paths: string[] }[] }[] };
const routePaths = kong.services.flatMap(s => s.routes.flatMap(r => r.paths));

/** A URL a newcomer can open: a port the demo publishes, or a compose service's exposed port. */
function checkUrl(url: string): void {
  const u = new URL(url);
  if (u.hostname === 'localhost') {
    assert.ok(
      publishedPorts.has(u.port),
      `${url}: port ${u.port} is not published by docker-compose.yml`,
    );
    if (u.port === '8000') {
      assert.ok(
        routePaths.some(p => u.pathname === p || u.pathname.startsWith(`${p}/`)),
        `${url}: no kong.yml route`,
      );
    }
  } else {
    assert.ok(exposed(u.hostname, u.port), `${url}: not a compose service port`);
  }
}

describe('README links', () => {
  for (const file of DOCS) {
    const text = read(file);
    const links = [...prose(text).matchAll(/\]\(([^)\s]+)\)/g)].map(m => m[1]!);
    it(`${file}: every relative link names an existing file and heading`, () => {
      assert.ok(links.length > 0 || file !== 'README.md');
      for (const link of links) {
        assert.doesNotMatch(
          link,
          /^https?:/,
          `${link}: external links are named in the text, not linked`,
        );
        const [target = '', anchor] = link.split('#');
        const resolved = target === '' ? file : path.join(path.dirname(file), target);
        assert.ok(existsSync(path.join(ROOT, resolved)), `${file}: ${link}: no such file`);
        if (anchor !== undefined) {
          assert.ok(anchors(read(resolved)).has(anchor), `${file}: ${link}: no such heading`);
        }
      }
    });
  }

  it('README: every URL in the text points at the demo stack', () => {
    const urls = [...prose(README).matchAll(/https?:\/\/[^\s)>`'",]+/g)].map(m =>
      m[0].replace(/[.:]$/, ''),
    );
    assert.ok(urls.length > 0);
    for (const url of urls) checkUrl(url);
  });
});

/** Shell words of one line, with quotes removed; operators (&&, ;, |) as their own words. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (c === '#' && word === undefined) break; // a comment to the end of the line
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      assert.ok(end > i, `unclosed quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === ' ') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === ';' || c === '|' || (c === '&' && line[i + 1] === '&')) {
      if (word !== undefined) words.push(word);
      word = undefined;
      words.push(c === '&' ? '&&' : c);
      if (c === '&') i += 1;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

interface Command {
  readonly env: Record<string, string>;
  readonly argv: string[];
  /** The command whose output is piped into this one. */
  readonly pipedFrom?: Command;
  readonly line: string;
}

/** Every simple command of the README's shell blocks (shell keywords stripped). */
function commands(text: string): Command[] {
  const out: Command[] = [];
  for (const block of blocks(text).filter(b => b.lang === 'sh')) {
    for (const line of block.body.replace(/\\\n\s*/g, '').split('\n')) {
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      let current: string[] = [];
      let previous: Command | undefined;
      let piped = false;
      const flush = () => {
        while (['until', 'while', 'do', 'done', 'then', 'fi'].includes(current[0] ?? ''))
          current.shift();
        const env: Record<string, string> = {};
        while (/^[A-Z_][A-Z0-9_]*=/.test(current[0] ?? '')) {
          const [k, ...v] = current.shift()!.split('=');
          env[k!] = v.join('=');
        }
        const cmd: Command | undefined =
          current.length === 0
            ? undefined
            : { env, argv: current, pipedFrom: piped ? previous : undefined, line };
        if (cmd !== undefined) out.push(cmd);
        previous = cmd;
        current = [];
      };
      for (const w of shellWords(line)) {
        if (w === '&&' || w === ';' || w === '|') {
          flush();
          piped = w === '|';
        } else current.push(w);
      }
      flush();
    }
  }
  return out;
}

describe('README commands', () => {
  const all = commands(README);
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(async () => {
    await receiver?.close();
  });

  it('finds the commands of every shell block', () => {
    const programs = new Set(all.map(c => c.argv[0]));
    for (const p of ['docker-compose', 'curl', 'npm', 'npx']) assert.ok(programs.has(p), p);
  });

  it('uses only npm scripts that exist', () => {
    for (const c of all.filter(c => c.argv[0] === 'npm')) {
      const [, sub, script] = c.argv;
      if (sub === 'run') assert.ok(script! in pkg.scripts, `${c.line}: no npm script ${script}`);
      else assert.ok(['ci', 'test', 'install'].includes(sub!), `${c.line}: npm ${sub}`);
    }
  });

  it('parses the Docker commands against docker-compose.yml and kong.yml (Docker is not run)', () => {
    for (const c of all.filter(c => c.argv[0] === 'docker-compose')) {
      const [, sub, ...rest] = c.argv;
      assert.ok(
        ['up', 'ps', 'logs', 'config', 'down'].includes(sub!),
        `${c.line}: docker-compose ${sub}`,
      );
      for (const name of rest.filter(a => !a.startsWith('-'))) {
        assert.ok(compose.services[name], `${c.line}: no compose service ${name}`);
      }
    }
    const curls = all.filter(c => c.argv[0] === 'curl');
    assert.ok(curls.length > 0);
    for (const c of curls) {
      const url = c.argv.find(a => a.startsWith('localhost:') || a.startsWith('http'));
      assert.ok(url, `${c.line}: no URL`);
      checkUrl(url.startsWith('http') ? url : `http://${url}`);
      const data = c.argv[c.argv.indexOf('-d') + 1];
      assert.ok(data !== undefined && JSON.parse(data) !== null, `${c.line}: body is JSON`);
    }
    for (const c of all) {
      assert.ok(
        ['docker-compose', 'curl', 'npm', 'npx', 'cat', 'grep', 'sleep'].includes(c.argv[0]!),
        `${c.line}: ${c.argv[0]} is not checked by this test`,
      );
    }
  });

  it('runs every genai-otel command: exit 0, and the exports arrive', async () => {
    assert.equal(pkg.bin['genai-otel'], 'dist/bin/genai-otel.js');
    const runs = all.filter(c => c.argv[0] === 'npx' && c.argv[1] === 'genai-otel');
    assert.ok(runs.length >= 3);
    for (const c of runs) {
      // The README's Collector address is replaced by the test receiver's.
      const env = Object.fromEntries(
        Object.entries(c.env).map(([k, v]) => [
          k,
          v.replace('http://localhost:4318', receiver.url),
        ]),
      );
      let stdin: string | undefined;
      if (c.pipedFrom !== undefined) {
        assert.equal(c.pipedFrom.argv[0], 'cat', c.line);
        stdin = c.pipedFrom.argv.slice(1).map(read).join('');
      }
      receiver.reset();
      const run = await runBuiltCli(c.argv.slice(2), { env, stdin });
      assert.equal(run.code, 0, `${c.line}\n${run.stderr}`);
      if (Object.keys(env).length > 0) assert.equal(receiver.spans().length, 7, c.line);
      if (c.argv.includes('--json')) {
        for (const l of run.stdout.trim().split('\n')) assert.ok(JSON.parse(l), c.line);
      }
    }
  });

  it('shows the real output of npm run demo (trace ids and process identity aside)', async () => {
    const demo = /^npm run build && node dist\/bin\/genai-otel\.js (.+)$/.exec(pkg.scripts.demo);
    assert.ok(demo, 'the demo script builds, then runs the command');
    const run = await runBuiltCli(demo[1]!.split(' '));
    assert.equal(run.code, 0, run.stderr);
    const shown =
      /<!-- demo-output:begin[^\n]*\n```text\n([\s\S]*?)```\n<!-- demo-output:end -->/.exec(README);
    assert.ok(shown, 'README has the demo output block');
    const noIds = (text: string) =>
      text
        .replace(/trace=[0-9a-f]{32}/g, 'trace=…')
        .replace(/ (host\.name|service\.instance\.id)="[^"]*"/g, ' $1="…"')
        .trimEnd();
    assert.equal(noIds(shown[1]!), noIds(run.stdout + run.stderr));
  });

  it('shows an example config file that replay accepts', () => {
    const examples = blocks(README).filter(
      b => b.lang === 'yaml' && b.body.startsWith('# genai-otel.yaml'),
    );
    assert.equal(examples.length, 1);
    const result = configFromDocument(parse(examples[0]!.body));
    assert.ok(result.ok, result.ok ? '' : result.message);
  });
});
