#!/usr/bin/env node
// `genai-otel` command: `replay <file>` runs Kong log lines (file-log / http-log JSON lines)
// through the plugin's own pipeline. Usage errors exit 2; a bad config exits 1.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/pipeline/load-config';
import { hasConfiguredEndpoint, replay } from '../src/replay/replay';

const USAGE = `usage: genai-otel replay <file.jsonl> [--config <plugin-config.json>] [--print]

Reads Kong log lines (the JSON that the file-log / http-log plugins write, i.e. kong.log.serialize()
output) and runs them through the genai-otel pipeline. With an OTLP endpoint (in the config file or
OTEL_EXPORTER_OTLP_ENDPOINT / _TRACES_ENDPOINT / _METRICS_ENDPOINT) the telemetry is exported there;
otherwise (or with --print) each span and the metric totals are printed.
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      print: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [command, file] = positionals;
  if (command !== 'replay' || file === undefined || positionals.length > 2) {
    process.stderr.write(USAGE);
    return 2;
  }
  let raw: unknown = {};
  if (values.config !== undefined) {
    try {
      raw = JSON.parse(readFileSync(values.config, 'utf8'));
    } catch (error) {
      process.stderr.write(
        `cannot read config ${values.config}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return 1;
    }
  }
  const loaded = loadConfig(raw);
  if (!loaded.ok) {
    process.stderr.write(`invalid config: ${loaded.message}\n`);
    return 1;
  }
  const exportIt = values.print !== true && hasConfiguredEndpoint(loaded.config, process.env);
  await replay({
    file,
    config: loaded.config,
    export: exportIt,
    env: process.env,
    out: line => process.stdout.write(`${line}\n`),
    err: line => process.stderr.write(`${line}\n`),
  });
  return 0;
}

main(process.argv.slice(2)).then(
  code => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`genai-otel: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
