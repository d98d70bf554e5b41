// `node --import tsx bench/profile-server.ts [2KB|64KB|1MB] [events] [--corpus lorem|realistic]`: runs the plugin as shipped
// (our entry, genai-otel) under `node --cpu-prof`, drives log events through the Kong emulator,
// and summarises the server's CPU profile by area and by the plugin's main functions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drive } from './drive';
import { startHttpSink } from './http-sink';
import { benchLogs, corpusFromArgs } from './logs';
import { OUR_ENTRY } from './targets';
import { BUILT_PLUGINS_DIR } from '../test/helpers/plugin-harness';
import { dumpAllPlugins, startPluginServer } from '../test/helpers/plugin-server';
import { KongEmulator } from '../test/kong-emulator/emulator';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The area a frame belongs to, from its script URL. */
function area({ url, functionName }: ProfileNode['callFrame']): string {
  if (url === '') return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  const areas: [string, string][] = [
    ['@msgpack', 'msgpack decode/encode'],
    ['kong-pdk', 'kong-pdk server + PDK bridge'],
    ['/src/pluginserver', 'our transport'],
    ['/src/genai', 'plugin: src/genai (log -> facts)'],
    ['/src/instrumentation', 'plugin: src/instrumentation'],
    ['/src/export', 'plugin: src/export'],
    ['/src/selfobs', 'plugin: src/selfobs'],
    ['/src/pipeline', 'plugin: src/pipeline'],
    ['/src/kong', 'plugin: src/kong'],
    ['sdk-metrics', 'otel sdk-metrics'],
    ['sdk-trace', 'otel sdk-trace'],
    ['otlp-transformer', 'otel OTLP protobuf serialisation'],
    ['@opentelemetry', 'otel other (api, core, exporters)'],
  ];
  for (const [needle, name] of areas) if (url.includes(needle)) return name;
  if (url.startsWith('node:')) return `node ${url.slice(5).split('/')[0]}`;
  return url.split('node_modules/').pop()!.split('/')[0]!;
}

/** Functions whose inclusive time says where the log handler goes. */
const INCLUSIVE = [
  'log',
  'processLogText',
  'callsFromLog',
  'parseRequestPayload',
  'parseResponsePayload',
  'spanAttributes',
  'recordSpan',
  'recordMetricPoints',
  'serializeRequest',
  'reply',
  'push',
];

function summarise(profile: CpuProfile, events: number): string {
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const name = area(byId.get(id)!.callFrame);
    areas.set(name, (areas.get(name) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const fn = byId.get(cur)!.callFrame.functionName;
      if (INCLUSIVE.includes(fn) && !seen.has(fn)) {
        seen.add(fn);
        inclusive.set(fn, (inclusive.get(fn) ?? 0) + us);
      }
    }
  }
  const busy = [...areas].filter(([a]) => a !== '(idle)').reduce((n, [, us]) => n + us, 0);
  const line = (name: string, us: number): string =>
    `  ${name.padEnd(40)} ${(us / events).toFixed(1).padStart(8)} µs/event ${((100 * us) / busy).toFixed(1).padStart(6)} %`;
  return [
    `busy (sampled main thread): ${(busy / events).toFixed(1)} µs/event over ${events} events`,
    'self time by area:',
    ...[...areas]
      .filter(([a]) => a !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, 18)
      .map(([a, us]) => line(a, us)),
    'inclusive time of the log handler steps:',
    ...INCLUSIVE.filter(fn => inclusive.has(fn)).map(fn => line(fn, inclusive.get(fn)!)),
  ].join('\n');
}

async function main(): Promise<void> {
  const size = process.argv[2] ?? '2KB';
  const events = Number(process.argv[3] ?? (size === '1MB' ? 500 : size === '64KB' ? 5000 : 20000));
  const text = benchLogs(corpusFromArgs(process.argv)).find(l => l.name === size)?.text;
  if (text === undefined) throw new Error(`size must be 2KB, 64KB or 1MB, got ${size}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-otel-prof-'));
  const sink = await startHttpSink();
  const dump = await dumpAllPlugins(BUILT_PLUGINS_DIR, OUR_ENTRY);
  const server = await startPluginServer({
    pluginsDir: BUILT_PLUGINS_DIR,
    command: OUR_ENTRY,
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir],
  });
  const emulator = await KongEmulator.connect({
    socketPath: server.socketPath,
    pluginInfo: dump.json[0]!,
    eventTimeoutMs: 60_000,
  });
  const config = {
    traces_endpoint: `${sink.url}/v1/traces`,
    metrics_endpoint: `${sink.url}/v1/metrics`,
  };
  const target = {
    key: 'shipped' as const,
    label: 'profile',
    server,
    emulator,
    entity: { id: 'p', seq: 1, config },
  };
  try {
    await drive(target, text, events, 1); // warm-up, in the profile too but averaged away
    await drive(target, text, events, 1);
  } finally {
    await emulator.close();
    await server.stop(); // SIGTERM: the plugin flushes and exits, node writes the profile
    await sink.close();
  }
  const file = fs.readdirSync(dir).find(f => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no profile written in ${dir}`);
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
  process.stdout.write(
    `${size}: ${summarise(profile, 2 * events)}\nprofile: ${path.join(dir, file)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
