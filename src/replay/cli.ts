// The `genai-otel` command line: argument parsing, input and config opening, and the exit code.
// Kept apart from bin/ so tests can run it with their own streams.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info';
import { configFromDocument, readConfigFile } from './config-file';
import { EXIT, exitCode, summaryLine } from './report';
import { hasConfiguredEndpoint, replay } from './replay';

export const USAGE = `usage: genai-otel replay <file.jsonl | -> [options]
       genai-otel --version | --help

Reads Kong log lines (what the file-log / http-log plugins write: kong.log.serialize() output,
one JSON object or batch array per line; - reads stdin) and runs them through the genai-otel
pipeline, exactly as the plugin would.

With an OTLP endpoint (traces_endpoint / metrics_endpoint in the config, or
OTEL_EXPORTER_OTLP_ENDPOINT / _TRACES_ENDPOINT / _METRICS_ENDPOINT) the spans and metrics are
exported there; otherwise, or with --print / --json, they are printed instead, built with the same
config (sampling, resource, content capture, redaction) but sent nowhere.

options:
  -c, --config <file>     plugin config: JSON or YAML; a bare config, a Kong plugin entry
                          ({name: genai-otel, config: {...}}) or a whole kong.yml
      --plugin-index <n>  with a kong.yml holding several genai-otel entries: which one
      --route <name>      with a kong.yml: the genai-otel entry of this route
      --print             print a line per span and the metric totals, export nothing
      --json              print the exact OTLP/JSON export requests (spans, then metrics)
  -v, --verbose           list every skipped entry and note with its line number
  -V, --version           print the version
  -h, --help              print this help

exit status: 0 all exported (or printed); 1 an export failed; 2 bad command line or config;
3 no log entry could be read.
`;

export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  'plugin-index': { type: 'string' },
  route: { type: 'string' },
  print: { type: 'boolean' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  version: { type: 'boolean', short: 'V' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const usageError = (message: string): number => {
    io.err(`genai-otel: ${message}\n\n${USAGE}`);
    return EXIT.usage;
  };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    // node:util's messages name the option ("Unknown option '--x'"); the stack is noise.
    return usageError(error instanceof Error ? error.message.split('. ')[0]! : String(error));
  }
  const { positionals, values } = parsed;
  if (values.help === true) {
    io.out(USAGE);
    return EXIT.ok;
  }
  if (values.version === true) {
    io.out(`${PACKAGE_NAME} ${PACKAGE_VERSION}\n`);
    return EXIT.ok;
  }
  const [command, file, ...rest] = positionals;
  if (command === undefined) return usageError('no command given');
  if (command !== 'replay')
    return usageError(`unknown command '${command}' (the command is 'replay')`);
  if (file === undefined) return usageError('replay needs a file of log lines (or - for stdin)');
  if (rest.length > 0) return usageError(`one file at a time; unexpected '${rest[0]}'`);

  let pluginIndex: number | undefined;
  if (values['plugin-index'] !== undefined) {
    pluginIndex = Number(values['plugin-index']);
    if (!Number.isInteger(pluginIndex) || pluginIndex < 0) {
      return usageError(`--plugin-index needs a number from 0, got '${values['plugin-index']}'`);
    }
  }
  if (values.config === undefined && (pluginIndex !== undefined || values.route !== undefined)) {
    return usageError(
      '--plugin-index and --route select an entry of a kong.yml given with --config',
    );
  }
  const loaded =
    values.config === undefined
      ? configFromDocument({})
      : readConfigFile(values.config, { pluginIndex, route: values.route });
  if (!loaded.ok) {
    io.err(`genai-otel: ${loaded.message}\n`);
    return EXIT.usage;
  }
  const { config } = loaded;

  let input: NodeJS.ReadableStream;
  if (file === '-') {
    input = io.stdin;
  } else {
    try {
      if ((await stat(file)).isDirectory()) throw new Error('is a directory');
    } catch (error) {
      io.err(
        `genai-otel: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return EXIT.noInput;
    }
    input = createReadStream(file, 'utf8');
  }

  const mode =
    values.json === true
      ? 'json'
      : values.print === true || !hasConfiguredEndpoint(config, io.env)
        ? 'text'
        : 'export';
  const report = await replay({
    input,
    inputName: file === '-' ? 'stdin' : file,
    config,
    mode,
    env: io.env,
    out: line => io.out(`${line}\n`),
    verbose: values.verbose === true ? line => io.err(`${line}\n`) : undefined,
  });
  io.err(`${summaryLine(report, values.verbose === true)}\n`);
  return exitCode(report);
}
