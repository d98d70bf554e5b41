#!/usr/bin/env node
// `genai-otel` command: `replay <file | ->` runs Kong log lines (file-log / http-log JSON lines)
// through the plugin's own pipeline (src/replay/cli.ts has the options and exit codes).
import { runCli } from '../src/replay/cli';

// `genai-otel replay x --print | head -1`: a closed pipe is the reader saying "enough", not an
// error; stop writing, finish the run, keep the exit status.
let stdoutClosed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') stdoutClosed = true;
  else throw error;
});

runCli(process.argv.slice(2), {
  stdin: process.stdin,
  out: text => {
    if (!stdoutClosed) process.stdout.write(text);
  },
  err: text => void process.stderr.write(text),
  env: process.env,
}).then(exitAfterOutput, (error: unknown) => {
  process.stderr.write(`genai-otel: ${error instanceof Error ? error.message : String(error)}\n`);
  exitAfterOutput(1);
});

/** Exits once stdout has taken what was written (an idle HTTP agent must not keep us alive). */
function exitAfterOutput(code: number): void {
  if (stdoutClosed) process.exit(code);
  process.stdout.write('', () => process.exit(code));
}
