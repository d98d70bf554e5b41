// The built `genai-otel` command as a user meets it: every exit code, the summary line, the
// messages for each mistake, stdin, --version, --verbose, a closed pipe.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';
import pkg from '../../package.json';
import { BIN, runBuiltCli, SAMPLES } from './run-cli';

const dir = mkdtempSync(path.join(tmpdir(), 'genai-otel-cli-'));
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const sample = readFileSync(SAMPLES, 'utf8');
const firstLog = sample.split('\n')[0]!;

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return port;
}

describe('genai-otel command line', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(async () => {
    await receiver?.close();
  });

  describe('exit 0', () => {
    it('prints spans, metric totals and a summary with plurals right when no endpoint is set', async () => {
      const run = await runBuiltCli(['replay', SAMPLES]);
      assert.equal(run.code, 0, run.stderr);
      const spans = run.stdout.split('\n').filter(l => l.startsWith('span '));
      assert.equal(spans.length, 7);
      assert.match(run.stdout, /^resource service\.name="kong"/);
      assert.ok(spans.some(l => l.includes('trace=4bf92f3577b34da6a3ce929d0e0e4736')));
      assert.ok(spans.some(l => l.includes('ERROR') && l.includes('error.type="429"')));
      assert.match(run.stdout, /metric ai_llm_requests_total: total=7 /);
      assert.equal(
        run.stderr.trim(),
        `replayed 8 log entries from ${SAMPLES}: 7 LLM calls; 7 spans and the metric totals printed; 2 entries skipped (1 no_ai_data, 1 malformed_json); --verbose lists them by line`,
      );
      const one = await runBuiltCli(['replay', '-'], { stdin: `${firstLog}\n` });
      assert.match(one.stderr, /^replayed 1 log entry from stdin: 1 LLM call; 1 span and /);
    });

    it('reads stdin with -', async () => {
      const run = await runBuiltCli(['replay', '-', '--print'], { stdin: sample });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /^replayed 8 log entries from stdin: 7 LLM calls/);
    });

    it('prints the version and the help', async () => {
      const v = await runBuiltCli(['--version']);
      assert.deepEqual([v.code, v.stdout], [0, `kong-genai-otel ${pkg.version}\n`]);
      const h = await runBuiltCli(['--help']);
      assert.equal(h.code, 0);
      assert.match(h.stdout, /^usage: genai-otel replay/);
      assert.match(h.stdout, /exit status: 0 /);
    });

    it('--verbose lists every skipped entry and note with its line number, null reported as null', async () => {
      const input = [
        firstLog,
        '{"ai":{"proxy":{}}}',
        'null',
        '[1]',
        '{"broken"',
        JSON.stringify({ ...JSON.parse(firstLog), started_at: undefined }),
        '{"route":{"name":"x"}}',
      ].join('\n');
      const run = await runBuiltCli(['replay', '-', '-v'], { stdin: input });
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stderr.split('\n');
      assert.ok(
        lines.includes(
          'line 2: incomplete_ai_data: ai.proxy has no meta or usage (an LLM call needs both)',
        ),
        run.stderr,
      );
      assert.ok(lines.includes('line 3: not_an_object: expected a JSON object or array, got null'));
      assert.ok(
        lines.includes('line 4: not_an_object: expected a JSON object in the batch, got a number'),
      );
      assert.ok(lines.some(l => l.startsWith('line 5: malformed_json: ')));
      assert.ok(
        lines.includes('line 6: no_started_at: started_at is missing: the span is timed from now'),
      );
      assert.ok(lines.some(l => l.startsWith('line 7: no_ai_data: no `ai` table')));
      assert.match(
        run.stderr,
        /replayed 4 log entries from stdin: 2 LLM calls; 2 spans .*; 5 entries skipped \(1 incomplete_ai_data, 2 not_an_object, 1 malformed_json, 1 no_ai_data\); notes: 1 no_started_at$/m,
      );
    });

    it('applies the config in print mode: sample_ratio 0 prints the caller-sampled span and the error', async () => {
      const config = file('ratio0.yaml', 'sample_ratio: 0\n');
      const run = await runBuiltCli(['replay', SAMPLES, '--config', config]);
      assert.equal(run.code, 0, run.stderr);
      // As in the plugin: the first sample's traceparent is sampled, and errors are always kept.
      const spans = run.stdout.split('\n').filter(l => l.startsWith('span '));
      assert.equal(spans.length, 2);
      assert.match(spans[0]!, /trace=4bf92f3577b34da6a3ce929d0e0e4736/);
      assert.match(spans[1]!, / ERROR /);
      assert.match(run.stdout, /metric ai_llm_requests_total: total=7 /);
      assert.match(run.stderr, /2 spans and the metric totals printed; 5 spans not sampled/);
      const strict = file(
        'ratio0-no-errors.yaml',
        'sample_ratio: 0\nsampling:\n  keep_errors: false\n',
      );
      const noErrors = await runBuiltCli(['replay', SAMPLES, '--config', strict]);
      assert.equal(noErrors.stdout.split('\n').filter(l => l.startsWith('span ')).length, 1);
    });

    it('--json prints the OTLP/JSON requests: resource from OTEL_SERVICE_NAME, every attribute, content redacted', async () => {
      const config = file(
        'capture.json',
        JSON.stringify({
          capture_message_content: true,
          redact_patterns: ['terse'],
          resource_attributes: { team: 'a' },
        }),
      );
      const run = await runBuiltCli(['replay', SAMPLES, '--json', '-c', config], {
        env: { OTEL_SERVICE_NAME: 'edge-gateway' },
      });
      assert.equal(run.code, 0, run.stderr);
      const [traces, metrics] = run.stdout
        .trim()
        .split('\n')
        .map(l => JSON.parse(l) as Otlp);
      const rs = traces!.resourceSpans![0]!;
      const resource = Object.fromEntries(rs.resource.attributes.map(a => [a.key, a.value]));
      assert.deepEqual(resource['service.name'], { stringValue: 'edge-gateway' });
      assert.deepEqual(resource.team, { stringValue: 'a' });
      const spans = rs.scopeSpans.flatMap(s => s.spans!);
      assert.equal(spans.length, 7);
      const keys = new Set(spans.flatMap(s => s.attributes.map(a => a.key)));
      for (const k of [
        'server.address',
        'gen_ai.input.messages',
        'gen_ai.prompt.0.content',
        'kong.request.id',
      ]) {
        assert.ok(keys.has(k), k);
      }
      assert.ok(metrics!.resourceMetrics![0]!.scopeMetrics.length > 0);
      assert.match(run.stdout, /You are \[REDACTED\]\./);
      assert.doesNotMatch(run.stdout, /terse/);
    });

    it('stops writing quietly when the reader closes the pipe (| head -1)', async () => {
      const child = spawn(process.execPath, [BIN, 'replay', SAMPLES, '--print'], {
        env: { PATH: process.env.PATH ?? '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>(resolve => child.on('close', resolve));
      assert.equal(code, 0, stderr);
      assert.doesNotMatch(stderr, /EPIPE|Error/);
    });

    it('exports and says where, with the credentials of the URL masked', async () => {
      receiver.reset();
      const url = receiver.url.replace('//', '//user:s3cret@');
      const run = await runBuiltCli(['replay', SAMPLES], {
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: url },
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(receiver.spans().length, 7);
      assert.doesNotMatch(run.stderr, /s3cret/);
      assert.match(
        run.stderr,
        new RegExp(
          `7 spans exported to http://\\*\\*\\*@127\\.0\\.0\\.1:\\d+/v1/traces; metrics exported to`,
        ),
      );
    });
  });

  describe('exit 1: an export failed', () => {
    it('names the URL and hints at the missing /v1/traces path (404)', async () => {
      receiver.reset();
      const run = await runBuiltCli(['replay', SAMPLES], {
        env: {
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: receiver.metricsUrl,
        },
      });
      assert.equal(run.code, 1, run.stderr);
      const summary = run.stderr.trim().split('\n').at(-1)!;
      assert.match(
        summary,
        /^replay FAILED 8 log entries .*: 7 LLM calls; span export to http:\/\/127\.0\.0\.1:\d+\/ FAILED \(1 failed request, 7 spans lost; 0 exported\); metrics exported to /,
      );
      assert.match(summary, /hint: the URL has no \/v1\/traces path/);
    });

    it('says nothing is listening when the port is closed', async () => {
      const port = await closedPort();
      const config = file('closed.json', JSON.stringify({ timeout_ms: 500 }));
      const run = await runBuiltCli(['replay', SAMPLES, '-c', config], {
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
      });
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /span export to .* FAILED .*metric export to .* FAILED/);
      assert.match(
        run.stderr,
        new RegExp(`hint: is an OTLP/HTTP receiver listening on 127\\.0\\.0\\.1:${port}\\?`),
      );
    });
  });

  describe('exit 2: bad command line or config', () => {
    const cases: [string, string[], RegExp][] = [
      ['no command', [], /genai-otel: no command given/],
      ['an unknown command, named', ['replai', SAMPLES], /unknown command 'replai'/],
      ['an unknown option, named', ['replay', SAMPLES, '--prnt'], /Unknown option '--prnt'/],
      ['no file', ['replay'], /replay needs a file/],
      ['two files', ['replay', SAMPLES, SAMPLES], /one file at a time/],
      [
        'a bad --plugin-index',
        ['replay', SAMPLES, '-c', SAMPLES, '--plugin-index', 'x'],
        /--plugin-index needs a number/,
      ],
      [
        '--route without --config',
        ['replay', SAMPLES, '--route', 'chat'],
        /select an entry of a kong\.yml/,
      ],
    ];
    for (const [what, args, message] of cases) {
      it(`on ${what}`, async () => {
        const run = await runBuiltCli(args);
        assert.equal(run.code, 2);
        assert.match(run.stderr, message);
        assert.equal(run.stdout, '');
      });
    }

    it('on an invalid, unknown-keyed, unparsable or missing config, naming the problem', async () => {
      const expect = async (name: string, text: string | undefined, message: RegExp) => {
        const p = text === undefined ? path.join(dir, name) : file(name, text);
        const run = await runBuiltCli(['replay', SAMPLES, '--config', p]);
        assert.equal(run.code, 2, `${name}: ${run.stderr}`);
        assert.match(run.stderr, message);
      };
      await expect(
        'ratio.json',
        '{"sample_ratio": 5}',
        /invalid config \(plugin config\): config\.sample_ratio: /,
      );
      await expect('typo.yaml', 'sample_rate: 0.5\n', /unknown key 'sample_rate'/);
      await expect('broken.yaml', 'a: [1,\n', /cannot parse config/);
      await expect('missing.json', undefined, /cannot read config .*missing\.json/);
      await expect(
        'other.yaml',
        'name: file-log\nconfig: {}\n',
        /plugin entry is for plugin 'file-log'/,
      );
    });
  });

  describe('exit 3: no log entry could be read', () => {
    it('on a missing file, an empty input or only malformed lines', async () => {
      const missing = await runBuiltCli(['replay', path.join(dir, 'nope.jsonl')]);
      assert.equal(missing.code, 3);
      assert.match(missing.stderr, /cannot read .*nope\.jsonl: ENOENT/);
      const empty = await runBuiltCli(['replay', '-'], { stdin: '' });
      assert.equal(empty.code, 3);
      assert.match(empty.stderr, /^replay read no log entry from stdin/);
      const junk = await runBuiltCli(['replay', file('junk.jsonl', 'not json\nnull\n')]);
      assert.equal(junk.code, 3);
      assert.match(junk.stderr, /2 entries skipped \(1 malformed_json, 1 not_an_object\)/);
    });
  });
});

interface Kv {
  key: string;
  value: unknown;
}
interface Otlp {
  resourceSpans?: {
    resource: { attributes: Kv[] };
    scopeSpans: { spans?: { attributes: Kv[] }[] }[];
  }[];
  resourceMetrics?: { scopeMetrics: unknown[] }[];
}
