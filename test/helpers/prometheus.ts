// A real Prometheus server (Debian's `prometheus` package, which also ships promtool) for tests:
// availability, a scrape-config process on loopback, instant queries and polling.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

/** Installs Prometheus from apt when missing; returns why it is unavailable, or undefined. */
export function ensurePrometheus(): string | undefined {
  if (existsSync(PROMETHEUS) && existsSync(PROMTOOL)) return undefined;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' });
  if (apt.status !== 0) return 'apt-get is not available to install prometheus';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus'], {
      env,
      encoding: 'utf8',
      timeout: 300_000,
    });
  let result = install();
  if (result.status !== 0) {
    spawnSync('apt-get', ['update'], { env, encoding: 'utf8', timeout: 300_000 });
    result = install();
  }
  if (result.status !== 0 || !existsSync(PROMETHEUS) || !existsSync(PROMTOOL)) {
    return `apt-get install prometheus failed: ${(result.stderr ?? '').trim().slice(-400)}`;
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return port;
}

/** Polls `probe` until it yields a value; fails with the last error after `deadlineMs`. */
export async function until<T>(
  what: string,
  deadlineMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await delay(200);
  }
  throw new Error(`timed out after ${deadlineMs} ms waiting for ${what} (${String(last)})`);
}

/** One series of an instant-query answer. */
export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}
interface ApiAnswer<T> {
  status: string;
  data: T;
}

export interface PrometheusServer {
  readonly webPort: number;
  /** Instant query; undefined when the answer is an empty vector. Fails on a PromQL error. */
  query(promql: string): Promise<Sample[] | undefined>;
  /** Every metric name Prometheus has stored. */
  names(): Promise<string[]>;
  /** The last lines Prometheus wrote to stderr, for failure messages. */
  log(): string;
  /** SIGTERM (SIGKILL after 5 s) and removes the data directory. Never rejects; idempotent. */
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** Scrape jobs: job name -> one `host:port` target, scraped every second. */
  readonly jobs: Readonly<Record<string, string>>;
  /** Rule files (absolute paths) to load and evaluate every second. */
  readonly ruleFiles?: readonly string[];
  readonly cwd?: string;
}

/** Starts `prometheus` on a free loopback port with a generated config. */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'genai-otel-prometheus-'));
  const configFile = join(dataDir, 'prometheus.yml');
  const lines = ['global: { scrape_interval: 1s, evaluation_interval: 1s }'];
  if (options.ruleFiles !== undefined && options.ruleFiles.length > 0) {
    lines.push(`rule_files: ${JSON.stringify(options.ruleFiles)}`);
  }
  lines.push('scrape_configs:');
  for (const [job, target] of Object.entries(options.jobs)) {
    lines.push(`  - job_name: ${job}`, `    static_configs: [ { targets: ['${target}'] } ]`);
  }
  writeFileSync(configFile, `${lines.join('\n')}\n`);
  const webPort = await freePort();
  let stderr = '';
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dataDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${webPort}`,
      '--log.level=warn',
    ],
    { cwd: options.cwd ?? dataDir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const api = async <T>(path: string): Promise<T> => {
    const body = (await (await fetch(`http://127.0.0.1:${webPort}${path}`)).json()) as ApiAnswer<T>;
    assert.equal(body.status, 'success', JSON.stringify(body));
    return body.data;
  };
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const ended = await Promise.race([exited.then(() => true), delay(5000).then(() => false)]);
        if (!ended) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
    })());
  return {
    webPort,
    query: async promql => {
      const data = await api<{ result: Sample[] }>(
        `/api/v1/query?query=${encodeURIComponent(promql)}`,
      );
      return data.result.length > 0 ? data.result : undefined;
    },
    names: () => api<string[]>('/api/v1/label/__name__/values'),
    log: () => stderr,
    stop,
  };
}
