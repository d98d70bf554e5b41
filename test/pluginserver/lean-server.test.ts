// Our plugin server entry as Kong runs it: the query output is the stock server's byte for byte,
// finished events leave its bookkeeping (zero-call, exit, abandoned), CloseInstance reaches the
// plugin's close(), and the whole chain (built plugin -> OTLP span) works on it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { log39 } from '../fixtures/serialized-logs';
import { TRANSPORT_PLUGIN, writeTransportPlugin } from '../fixtures/transport-plugin';
import { BUILT_PLUGINS_DIR, ROOT, startHarness, type Harness } from '../helpers/plugin-harness';
import {
  dumpAllPlugins,
  PLUGIN_SERVER_BIN,
  startPluginServer,
  type PluginServer,
} from '../helpers/plugin-server';
import { RawRpcClient } from '../helpers/raw-rpc-client';
import { KongEmulator, type PluginEntity } from '../kong-emulator/emulator';

const OUR_ENTRY = path.join(ROOT, 'dist/bin/genai-otel-pluginserver.js');
const DEBUG_ENV = { KONG_GENAI_OTEL_PLUGINSERVER_DEBUG_RPC: '1' };
const ABANDONED_MS = 300;

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

/** Raw stdout bytes of a query command (the msgpack dump is binary), and stderr on demand. */
function query(command: string, args: string[]): Promise<Buffer>;
function query(
  command: string,
  args: string[],
  withStderr: true,
): Promise<{ stdout: Buffer; stderr: string }>;
function query(
  command: string,
  args: string[],
  withStderr = false,
): Promise<Buffer | { stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [command, ...args],
      { encoding: 'buffer', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeout: 15000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(error.message));
        else resolve(withStderr ? { stdout, stderr: stderr.toString('utf8') } : stdout);
      },
    );
  });
}

async function debugStats(server: PluginServer): Promise<Record<string, number>> {
  const client = await RawRpcClient.connect(server.socketPath);
  try {
    return (await client.call(1, 'plugin.DebugStats', [])) as Record<string, number>;
  } finally {
    client.close();
  }
}

before(() => {
  assert.ok(
    fs.existsSync(OUR_ENTRY),
    'dist/bin is missing: run `npm run build` first (npm test does)',
  );
});

describe('query commands', () => {
  const args = ['--plugins-directory', BUILT_PLUGINS_DIR];
  const all = [...args, '--dump-all-plugins'];
  const info = [...args, '--dump-plugin-info', 'genai-otel'];
  let out: { ours: Buffer; stock: Buffer; oursInfo: Buffer; stockInfo: Buffer };
  let verbose: { stdout: Buffer; stderr: string };

  before(async () => {
    // Five node processes at once: sequential they would take seconds.
    const [ours, stock, oursInfo, stockInfo, v] = await Promise.all([
      query(OUR_ENTRY, all),
      query(PLUGIN_SERVER_BIN, all),
      query(OUR_ENTRY, info),
      query(PLUGIN_SERVER_BIN, info),
      query(OUR_ENTRY, [...all, '-v'], true),
    ]);
    out = { ours, stock, oursInfo, stockInfo };
    verbose = v;
  });

  it('--dump-all-plugins prints exactly what kong-js-pluginserver prints', () => {
    assert.ok(out.ours.length > 100);
    assert.ok(out.ours.equals(out.stock));
  });

  it('--dump-plugin-info prints exactly what kong-js-pluginserver prints (msgpack)', () => {
    assert.ok(out.oursInfo.length > 100);
    assert.ok(out.oursInfo.equals(out.stockInfo));
  });

  it('keeps the dump pure JSON with -v; its debug lines go to stderr', () => {
    assert.ok(verbose.stdout.equals(out.ours));
    assert.match(verbose.stderr, /\[DEBUG\] loaded plugin "genai-otel"/);
  });
});

describe('event bookkeeping and instance closing', () => {
  let pluginsDir: string;
  let server: PluginServer | undefined;
  let emu: KongEmulator | undefined;
  const entity = (mode: string, seq = 1): PluginEntity => ({
    id: `p-${mode}`,
    seq,
    config: { mode, tag: `${mode}${seq}` },
  });

  before(async () => {
    pluginsDir = writeTransportPlugin();
    const info = (await dumpAllPlugins(pluginsDir, OUR_ENTRY)).json[0]!;
    server = await startPluginServer({
      pluginsDir,
      command: OUR_ENTRY,
      env: { ...DEBUG_ENV, KONG_GENAI_OTEL_PLUGINSERVER_ABANDONED_EVENT_MS: String(ABANDONED_MS) },
    });
    emu = await KongEmulator.connect({
      socketPath: server.socketPath,
      pluginInfo: info,
      workers: 2,
    });
  });
  after(async () => {
    await emu?.close();
    await server?.stop();
    if (pluginsDir) fs.rmSync(pluginsDir, { recursive: true, force: true });
  });

  it('keeps no event of handlers with zero PDK calls or with kong.response.exit', async () => {
    const e = emu!;
    const serialized = log39({ payloads: false });
    const runs = Array.from({ length: 200 }, (_, i) => [
      e.runRequest(entity('zero'), { serialized }, { worker: i % 2 }),
      e.runRequest(entity('exit'), { serialized }, { worker: i % 2 }),
      e.runRequest(entity('normal'), { serialized }, { worker: i % 2 }),
    ]).flat();
    const results = await Promise.all(runs);
    const byMode = (mode: string) =>
      results.filter((_, i) => i % 3 === ['zero', 'exit', 'normal'].indexOf(mode));
    assert.ok(byMode('zero').every(r => r.access!.pdkCalls === 0 && r.log!.pdkCalls === 0));
    assert.ok(
      byMode('exit').every(r => r.access!.exited && r.log!.methods[0] === 'kong.log.serialize'),
    );
    assert.ok(byMode('normal').every(r => r.log!.error === undefined && r.log!.pdkCalls === 2));
    const stats = await debugStats(server!);
    // kong-pdk's server would hold 400 zero-call events and 200 exit events here.
    assert.equal(stats.events, 0);
    assert.equal(e.stats.errors, 0);
  });

  it('drops an event Kong abandoned once it has been idle long enough', async () => {
    const r = await emu!.runLog(entity('abandon'), { serialized: log39({ payloads: false }) });
    assert.equal(r.abandoned, true);
    assert.equal((await debugStats(server!)).events, 1);
    const deadline = Date.now() + 5000;
    let stats = await debugStats(server!);
    while (stats.events !== 0 && Date.now() < deadline) {
      await sleep(ABANDONED_MS / 3);
      stats = await debugStats(server!);
    }
    assert.equal(stats.events, 0);
    assert.equal(stats.abandonedEventsDropped, 1);
    assert.match(server!.stderr(), /dropped 1 event\(s\) Kong abandoned/);
  });

  it("calls the plugin's close() when Kong closes its instance", async () => {
    const e = emu!;
    const serialized = log39({ payloads: false });
    await e.runLog(entity('normal', 7), { serialized });
    const before = (await debugStats(server!)).pluginsClosed!;
    // A config change: Kong starts the new instance, then closes the old one.
    const r = await e.runLog(entity('normal', 8), { serialized });
    assert.equal(r.error, undefined);
    assert.equal(e.lifecycle.at(-1)?.method, 'plugin.CloseInstance');
    assert.equal(e.lifecycle.at(-1)?.error, undefined);
    assert.equal((await debugStats(server!)).pluginsClosed, before + 1);
    assert.match(server!.stderr(), new RegExp(`${TRANSPORT_PLUGIN} closed normal7`));
    assert.equal(server!.stdout(), '');
  });
});

describe('the genai-otel plugin on our entry', () => {
  let h: Harness | undefined;
  before(async () => {
    h = await startHarness({ command: OUR_ENTRY, env: DEBUG_ENV });
  });
  after(async () => {
    await h?.stop();
  });

  it('exports a span for a log event, with one PDK call and nothing left behind', async () => {
    const harness = h!;
    const log = log39();
    const id = `req-entry-${process.pid}`;
    (log.request as Record<string, unknown>).id = id;
    const r = await harness.runLog(harness.entity('p-entry'), { serialized: log });
    assert.equal(r.error, undefined);
    assert.deepEqual(r.methods, ['kong.log.serialize']);
    const span = await harness.spanFor(id);
    assert.equal(span.attributes['gen_ai.request.model'], 'gpt-4o-mini');
    assert.equal((await debugStats(harness.server)).events, 0);
    assert.equal(harness.server.stdout(), '');
  });
});
