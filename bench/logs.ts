// The serialized Kong logs the bench sends: ~2 KB of statistics (what most requests log), and
// 64 KB / 1 MB with AI Proxy payload logging on. Two corpora for the payload logs: `realistic`
// (multi-turn conversations with source code, JSON, quotes, backslashes, newlines, accented, CJK
// and emoji text, tool calls and tool results: what makes JSON and UTF-8 decoding dear) and
// `lorem` (one ASCII "lorem ipsum" prompt and completion, the bench's original corpus).
import { CHAT_RESPONSE, log39 } from '../test/fixtures/serialized-logs';

export interface BenchLog {
  readonly name: string;
  readonly text: string;
}

export type Corpus = 'lorem' | 'realistic';
export const CORPORA: readonly Corpus[] = ['realistic', 'lorem'];

/** `--corpus lorem|realistic` from argv; realistic by default. */
export function corpusFromArgs(argv: readonly string[]): Corpus {
  const i = argv.indexOf('--corpus');
  const value = i < 0 ? 'realistic' : argv[i + 1];
  if (value !== 'lorem' && value !== 'realistic') {
    throw new Error(`--corpus must be lorem or realistic, got ${String(value)}`);
  }
  return value;
}

/** A realistic statistics-only log: the fixture plus the headers a gateway typically records. */
function statisticsLog(): Record<string, unknown> {
  const log = log39({ payloads: false });
  const request = log.request as Record<string, Record<string, unknown>>;
  Object.assign(request.headers!, {
    'user-agent': 'OpenAI/Python 1.54.3',
    accept: 'application/json',
    'accept-encoding': 'gzip, deflate',
    'x-stainless-lang': 'python',
    'x-stainless-package-version': '1.54.3',
    'x-stainless-runtime-version': '3.12.7',
    'x-forwarded-for': '10.12.0.17',
    'x-request-id': '3f9a1c52-9d1e-4c57-8a3e-0d6b3f0f6a21',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  });
  const response = log.response as Record<string, Record<string, unknown>>;
  Object.assign(response.headers!, {
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-remaining-requests': '9999',
    'x-ratelimit-limit-tokens': '200000',
    'x-ratelimit-remaining-tokens': '199975',
    'openai-processing-ms': '1180',
    'x-kong-upstream-latency': '1260',
    'x-kong-proxy-latency': '3',
    via: '1.1 kong/3.9.1',
  });
  return log;
}

/** The statistics log with AI Proxy's logged request and response bodies (JSON text). */
function withPayloads(request: object, response: object): Record<string, unknown> {
  return { ...statisticsLog(), ai: log39({ request, response }).ai };
}

/** The original corpus: one ASCII prompt and completion making the log about `bytes` long. */
function loremLog(bytes: number): Record<string, unknown> {
  const half = Math.floor(bytes / 2) - 1200;
  const words = (n: number, seed: string): string => {
    const unit = `${seed} lorem ipsum dolor sit amet, consectetur adipiscing elit. `;
    return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
  };
  return withPayloads(
    {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You summarise documents.' },
        { role: 'user', content: words(half, 'prompt') },
      ],
      max_tokens: 4096,
      temperature: 0.2,
    },
    {
      ...CHAT_RESPONSE,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: words(half, 'answer') },
          finish_reason: 'stop',
        },
      ],
    },
  );
}

// Building blocks of realistic turns. Code and JSON carry quotes, backslashes and newlines; the
// prose mixes accented words, CJK and emoji (about a tenth of the characters are non-ASCII).
const CODE = `function parseHeader(line: string): [string, string] | undefined {
  const i = line.indexOf(':');
  if (i < 0) return undefined; // "Malformed" header \\ skip it
  return [line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()];
}
const re = /^(\\d{4})-(\\d{2})-(\\d{2})T/;\tconsole.log("path: C:\\\\Users\\\\dev\\\\app", re.test(s));
`;
const JSON_DOC = `{"id": 4711, "name": "Zoë's \\"café\\"", "tags": ["naïve", "façade"], "nested": {"ok": true, "ratio": 0.75, "path": "a\\\\b\\\\c"}}\n`;
const PROSE = [
  'Please review the following change carefully and explain any edge cases. ',
  'Les données déjà traitées sont réutilisées à la prochaine itération, évidemment. ',
  'この関数は入力を検証してから結果を返します。エラーの場合は例外を投げます。',
  'Die Größe der Übertragung hängt vom Zeichensatz ab — große Dateien brauchen länger. ',
  'Looks good to me 👍 but the retry loop 🔁 needs a cap 🚦. ',
  '数据库连接池的大小应该根据并发请求数来调整。',
].join('');

/** About `n` characters of a realistic message: prose, code and JSON, repeated and varied. */
function realisticText(n: number, seed: number): string {
  const blocks = [
    PROSE,
    '```ts\n' + CODE + '```\n',
    'Result:\n' + JSON_DOC,
    `> "Quoted reply #${seed}" said the reviewer.\n`,
  ];
  let out = '';
  for (let i = seed; out.length < n; i++) out += blocks[i % blocks.length]!;
  return out.slice(0, n);
}

/** A multi-turn chat with tool calls and tool results, its request and response together ~`bytes`. */
function realisticLog(bytes: number): Record<string, unknown> {
  // The log nests each payload as a JSON string inside JSON: escapes about double the text.
  const budget = Math.floor(bytes / 2.08);
  const turns = Math.max(4, Math.floor(budget / 8000));
  const per = Math.floor((budget * 0.8) / turns);
  const messages: unknown[] = [
    {
      role: 'system',
      content: "You are a careful senior engineer. Answer in the user's language.",
    },
  ];
  for (let t = 0; t < turns; t++) {
    messages.push({ role: 'user', content: realisticText(per, t) });
    if (t % 3 === 1) {
      const id = `call_${t}_a1b2c3`;
      messages.push({
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id,
            type: 'function',
            function: {
              name: 'run_tests',
              arguments: JSON.stringify({ path: `src/module_${t}.ts`, filter: 'parse "header"' }),
            },
          },
        ],
      });
      messages.push({
        role: 'tool',
        tool_call_id: id,
        content: JSON.stringify({ passed: 41, failed: 1, output: realisticText(per / 4, t + 1) }),
      });
    }
    messages.push({ role: 'assistant', content: realisticText(per / 2, t + 2) });
  }
  const request = {
    model: 'gpt-4o-mini',
    messages,
    tools: [
      {
        type: 'function',
        function: {
          name: 'run_tests',
          description: 'Runs the test suite for one file and returns "passed"/"failed" counts.',
          parameters: {
            type: 'object',
            properties: { path: { type: 'string' }, filter: { type: 'string' } },
            required: ['path'],
          },
        },
      },
    ],
    max_tokens: 4096,
    temperature: 0.2,
  };
  const response = {
    ...CHAT_RESPONSE,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: realisticText(budget * 0.2, 7) },
        finish_reason: 'stop',
      },
    ],
  };
  return withPayloads(request, response);
}

export function benchLogs(corpus: Corpus = 'realistic'): BenchLog[] {
  const big = corpus === 'lorem' ? loremLog : realisticLog;
  return [
    { name: '2KB', text: JSON.stringify(statisticsLog()) },
    { name: '64KB', text: JSON.stringify(big(64 * 1024)) },
    { name: '1MB', text: JSON.stringify(big(1024 * 1024)) },
  ];
}
