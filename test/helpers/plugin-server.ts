// Starts the real kong-js-pluginserver (or a substitute entry script) as a child process for tests.
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { PluginInfo } from '../kong-emulator/kong-config';

/** The pluginserver Kong is configured to start (`pluginserver_<n>_start_cmd`). */
export const PLUGIN_SERVER_BIN = path.resolve(
  __dirname,
  '../../node_modules/kong-pdk/bin/kong-js-pluginserver',
);

export interface PluginServerOptions {
  pluginsDir: string;
  /** Extra environment. The base is only PATH (and TZ), as nginx workers strip the rest
   * (docs/design.md#environment).
   */
  env?: NodeJS.ProcessEnv;
  /** Entry script run with `process.execPath`; default the kong-pdk bin. Gets the same flags. */
  command?: string;
  /** Node flags before the script, e.g. `['--import', 'tsx']` for a TypeScript entry. */
  nodeArgs?: string[];
  /** Flags after ours, e.g. `['-v']`. */
  extraArgs?: string[];
  /** Socket file name inside the prefix. Default `<plugin dir basename>.sock`. */
  sockName?: string;
  /** How long to wait for the socket to accept connections. Default 15000 ms. */
  readyTimeoutMs?: number;
  /** SIGTERM grace before SIGKILL in stop(). Default 2000 ms. */
  stopGraceMs?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface PluginServer {
  readonly socketPath: string;
  readonly prefixDir: string;
  /** Pid of the current process (changes on restart). */
  readonly pid: number | undefined;
  /** Everything the process(es) wrote so far, across restarts. */
  stdout(): string;
  stderr(): string;
  /** Exit of the current process, once it has exited. */
  exitInfo(): ExitInfo | undefined;
  /** SIGTERM, SIGKILL after the grace period, remove the temp prefix. Never rejects; idempotent. */
  stop(): Promise<void>;
  /**
   * Sends a signal. For SIGKILL/SIGTERM/SIGINT it waits (bounded) for the exit by default;
   * other signals (SIGSTOP to freeze the server) return at once.
   */
  kill(signal?: NodeJS.Signals, waitForExitMs?: number): Promise<ExitInfo | undefined>;
  /** Stops the current process if alive, starts a new one on the same socket, waits for it. */
  restart(): Promise<void>;
}

const OUTPUT_LIMIT = 16 * 1024 * 1024;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Safety net: a leftover child would keep CI waiting, so kill every live one when we exit. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

function baseEnv(extra: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  if (process.env.TZ !== undefined) env.TZ = process.env.TZ;
  return { ...env, ...extra };
}

function canConnect(socketPath: string): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.createConnection(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

/** Resolves with the exit info, or undefined after `ms` if the process is still running. */
function waitExit(child: ChildProcess, ms: number): Promise<ExitInfo | undefined> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise(resolve => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(undefined);
    }, ms);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      resolve({ code, signal });
    };
    child.once('exit', onExit);
  });
}

/** Starts the server with explicit `--kong-prefix`/`--sock-name` and waits for its socket. */
export async function startPluginServer(options: PluginServerOptions): Promise<PluginServer> {
  installExitHook();
  const pluginsDir = path.resolve(options.pluginsDir);
  const prefixDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kong-ps-'));
  const sockName = options.sockName ?? `${path.basename(pluginsDir)}.sock`;
  const socketPath = path.join(prefixDir, sockName);
  const readyTimeoutMs = options.readyTimeoutMs ?? 15000;
  const stopGraceMs = options.stopGraceMs ?? 2000;
  const args = [
    ...(options.nodeArgs ?? []),
    options.command ?? PLUGIN_SERVER_BIN,
    '--kong-prefix',
    prefixDir,
    '--sock-name',
    sockName,
    '--plugins-directory',
    pluginsDir,
    ...(options.extraArgs ?? []),
  ];
  let out = '';
  let err = '';
  let child: ChildProcess | undefined;
  let stopped: Promise<void> | undefined;

  const append = (buf: string, chunk: Buffer): string => {
    const next = buf + chunk.toString('utf8');
    return next.length > OUTPUT_LIMIT ? next.slice(next.length - OUTPUT_LIMIT) : next;
  };

  const spawnOne = async (): Promise<void> => {
    const proc = spawn(process.execPath, args, {
      env: baseEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    proc.stdout?.on('data', (chunk: Buffer) => (out = append(out, chunk)));
    proc.stderr?.on('data', (chunk: Buffer) => (err = append(err, chunk)));
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(
          `pluginserver exited before listening (code ${proc.exitCode}, signal ${proc.signalCode})\n` +
            `stdout:\n${out}\nstderr:\n${err}`,
        );
      }
      if (await canConnect(socketPath)) return;
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(
          `pluginserver socket ${socketPath} not ready after ${readyTimeoutMs} ms\n${out}${err}`,
        );
      }
      await sleep(25);
    }
  };

  const terminate = async (): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    if ((await waitExit(proc, stopGraceMs)) !== undefined) return;
    proc.kill('SIGKILL');
    await waitExit(proc, 5000);
  };

  const kill = async (
    signal: NodeJS.Signals = 'SIGKILL',
    waitForExitMs?: number,
  ): Promise<ExitInfo | undefined> => {
    const proc = child;
    if (!proc) return undefined;
    proc.kill(signal);
    const terminating = signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT';
    const wait = waitForExitMs ?? (terminating ? 5000 : 0);
    return wait > 0 ? waitExit(proc, wait) : undefined;
  };

  const cleanup = (): void => {
    fs.rmSync(prefixDir, { recursive: true, force: true });
  };

  try {
    await spawnOne();
  } catch (e) {
    await terminate();
    cleanup();
    throw e;
  }

  return {
    socketPath,
    prefixDir,
    get pid() {
      return child?.pid;
    },
    stdout: () => out,
    stderr: () => err,
    exitInfo: () =>
      child && (child.exitCode !== null || child.signalCode !== null)
        ? { code: child.exitCode, signal: child.signalCode }
        : undefined,
    stop: () => {
      stopped ??= terminate()
        .catch(() => undefined)
        .finally(cleanup);
      return stopped;
    },
    kill,
    restart: async () => {
      if (stopped) throw new Error('pluginserver was stopped; start a new one');
      await terminate();
      await spawnOne();
    },
  };
}

/**
 * Kong's query step: `--plugins-directory <dir> --dump-all-plugins`, read from stdout. Anything
 * besides the JSON array on stdout (log lines, a plugin's prints) breaks Kong, so it throws here.
 */
export function dumpAllPlugins(
  pluginsDir: string,
  command: string = PLUGIN_SERVER_BIN,
): Promise<{ stdout: string; json: PluginInfo[] }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [command, '--plugins-directory', path.resolve(pluginsDir), '--dump-all-plugins'],
      { env: baseEnv(undefined), timeout: 15000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(`dump failed: ${error.message}\nstdout:\n${stdout}\nstderr:\n${stderr}`),
          );
          return;
        }
        let json: unknown;
        try {
          json = JSON.parse(stdout);
        } catch {
          reject(new Error(`dump stdout is not pure JSON:\n${stdout}`));
          return;
        }
        if (!Array.isArray(json)) {
          reject(new Error(`dump stdout is not a JSON array:\n${stdout}`));
          return;
        }
        resolve({ stdout, json: json as PluginInfo[] });
      },
    );
  });
}
