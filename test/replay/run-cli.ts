// Runs the BUILT `genai-otel` command (dist/, what users run) as a child process.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../helpers/plugin-harness';

export const BIN = path.join(ROOT, 'dist/bin/genai-otel.js');
export const SAMPLES = path.join(ROOT, 'samples/kong-ai-logs.jsonl');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runBuiltCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      // Only what the test gives: no OTEL_* of the developer's shell leaks in.
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', code => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
