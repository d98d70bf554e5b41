// The serialized Kong logs the bench sends: ~2 KB of statistics (what most requests log), and
// 64 KB / 1 MB with AI Proxy payload logging on (a big prompt and completion as JSON strings).
import { CHAT_RESPONSE, log39 } from '../test/fixtures/serialized-logs';

export interface BenchLog {
  readonly name: string;
  readonly text: string;
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

/** A chat request/response pair whose prompt and completion make the log about `bytes` long. */
function payloadLog(bytes: number): Record<string, unknown> {
  const half = Math.floor(bytes / 2) - 1200;
  const words = (n: number, seed: string): string => {
    const unit = `${seed} lorem ipsum dolor sit amet, consectetur adipiscing elit. `;
    return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
  };
  return {
    ...statisticsLog(),
    ai: log39({
      request: {
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'You summarise documents.' },
          { role: 'user', content: words(half, 'prompt') },
        ],
        max_tokens: 4096,
        temperature: 0.2,
      },
      response: {
        ...CHAT_RESPONSE,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: words(half, 'answer') },
            finish_reason: 'stop',
          },
        ],
      },
    }).ai,
  };
}

export function benchLogs(): BenchLog[] {
  return [
    { name: '2KB', text: JSON.stringify(statisticsLog()) },
    { name: '64KB', text: JSON.stringify(payloadLog(64 * 1024)) },
    { name: '1MB', text: JSON.stringify(payloadLog(1024 * 1024)) },
  ];
}
