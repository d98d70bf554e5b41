// Drives a throwaway plugin through the real kong-js-pluginserver with the Kong emulator.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import type { PluginServer } from '../helpers/plugin-server';
import { dumpAllPlugins, startPluginServer } from '../helpers/plugin-server';
import type { PluginEntity, PluginInfo } from './emulator';
import { KongEmulator } from './emulator';
import { buildKongConfig, DEFAULT_WS_ID } from './kong-config';
import { RpcConnection, RpcProtocolError } from './rpc-connection';

// Plain CommonJS, as Kong loads plugins. `mode` selects misbehaviours for the failure tests.
const PLUGIN_SOURCE = `'use strict';
class Plugin {
  constructor(config) { this.config = config; }
  async access(kong) {
    const v = await kong.request.getHeader(this.config.header_name);
    await kong.ctx.shared.set('seen', v === undefined ? 'none' : v);
    await kong.log.notice('config', JSON.stringify(this.config));
  }
  async log(kong) {
    if (this.config.mode === 'hang') await new Promise(() => {});
    const s = await kong.log.serialize();
    const tp = await kong.request.get_header('traceparent');
    if (this.config.mode === 'get_path') await kong.request.getPath();
    let id = null;
    try { id = JSON.parse(s).request.id; } catch (e) { id = 'unparsable'; }
    await kong.log.info('log', {
      type: typeof s, length: s.length, id, traceparent: tp === undefined ? 'none' : tp,
      tag: this.config.tag, seq: this.config.__seq__,
    });
  }
}
module.exports = {
  Name: 'emu-test',
  Version: '0.0.1',
  Priority: 10,
  Schema: [
    { header_name: { type: 'string', default: 'x-foo' } },
    { tag: { type: 'string' } },
    { mode: { type: 'string', default: 'normal' } },
    { tags: { type: 'array', elements: { type: 'string' }, default: [] } },
    { limits: { type: 'record', fields: [
      { max: { type: 'integer', default: 10 } },
      { label: { type: 'string' } },
    ] } },
  ],
  Plugin,
};
`;

const ROUTE = 'a1b2c3d4-0000-4000-8000-000000000001';
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

let seqCounter = 100;
const entity = (id: string, config: Record<string, unknown> = {}): PluginEntity => ({
  id,
  seq: seqCounter++,
  config,
  routeId: ROUTE,
});

interface LogPayload {
  type: string;
  length: number;
  id: string | null;
  traceparent: string;
  tag: string | null;
  seq: number;
}

const logPayload = (lines: { level: string; args: unknown[] }[]): LogPayload => {
  const line = lines.find(l => l.level === 'info' && l.args[0] === 'log');
  assert.ok(line, `no 'log' info line in ${JSON.stringify(lines)}`);
  return line.args[1] as LogPayload;
};

describe('Kong emulator against the real kong-js-pluginserver', () => {
  let pluginsDir: string;
  let info: PluginInfo;
  let dumpStdout: string;
  let server: PluginServer | undefined;
  let emu: KongEmulator | undefined;

  before(async () => {
    pluginsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-plugins-'));
    fs.writeFileSync(path.join(pluginsDir, 'emu-test.js'), PLUGIN_SOURCE);
    const dump = await dumpAllPlugins(pluginsDir);
    dumpStdout = dump.stdout;
    assert.equal(dump.json.length, 1);
    info = dump.json[0]!;
    server = await startPluginServer({ pluginsDir });
    emu = await KongEmulator.connect({ socketPath: server.socketPath, pluginInfo: info });
  });

  after(async () => {
    await emu?.close();
    await server?.stop();
    fs.rmSync(pluginsDir, { recursive: true, force: true });
  });

  it('parses the --dump-all-plugins output Kong queries', () => {
    assert.equal(dumpStdout.trim().startsWith('['), true);
    assert.equal(info.Name, 'emu-test');
    assert.equal(info.Version, '0.0.1');
    assert.equal(info.Priority, 10);
    // lib/mod.js scans phases in the order certificate, rewrite, log, access, ...
    assert.deepEqual(info.Phases, ['log', 'access']);
    const config = info.Schema.fields[0]?.config;
    assert.equal(config?.type, 'record');
    assert.equal(config?.fields?.length, 5);
  });

  it('builds Config like Kong: defaults, nulls, nested records and the __ fields', () => {
    const plugin = { id: 'p-cfg', seq: 7, config: { tag: 't' }, routeId: ROUTE };
    const { object, json } = buildKongConfig(info, plugin);
    assert.deepEqual(JSON.parse(json), object);
    assert.deepEqual(object, {
      header_name: 'x-foo',
      tag: 't',
      mode: 'normal',
      tags: [],
      limits: { max: 10, label: null },
      route_id: ROUTE,
      service_id: null,
      consumer_id: null,
      __plugin_id: 'p-cfg',
      __ws_id: DEFAULT_WS_ID,
      __key__: `plugins:emu-test:${ROUTE}::::${DEFAULT_WS_ID}`,
      __seq__: 7,
    });
    assert.throws(
      () => buildKongConfig(info, { id: 'x', seq: 1, config: { nope: 1 } }),
      /unknown field/,
    );
  });

  it('runs access then log with exact PDK call counts and Kong-shaped answers', async () => {
    const e = emu!;
    const plugin = entity('p-basic', { tag: 'basic' });
    const before = { ...e.stats };
    const ctxShared: Record<string, unknown> = {};
    const access = await e.runPhase(plugin, 'access', {
      requestHeaders: { 'X-Foo': 'bar' },
      ctxShared,
    });
    assert.equal(access.error, undefined);
    assert.deepEqual(access.methods, [
      'kong.request.get_header',
      'kong.ctx.shared.set',
      'kong.log.notice',
    ]);
    assert.equal(access.pdkCalls, 3);
    assert.equal(access.steps, 3);
    // StartInstance + HandleEvent + 3 Steps
    assert.equal(access.rpcs, 5);
    assert.equal(ctxShared.seen, 'bar');
    // The instance saw exactly the JSON Kong built.
    const notice = access.logLines.find(l => l.level === 'notice');
    assert.deepEqual(JSON.parse(String(notice?.args[1])), buildKongConfig(info, plugin).object);

    const log = await e.runLog(plugin, {
      serialized: { request: { id: 'req-1' }, ai: { proxy: { usage: { total_tokens: 3 } } } },
      requestHeaders: { traceparent: TRACEPARENT },
      ctxShared,
    });
    assert.equal(log.error, undefined);
    assert.equal(log.abandoned, false);
    assert.deepEqual(log.methods, [
      'kong.log.serialize',
      'kong.request.get_header',
      'kong.log.info',
    ]);
    assert.equal(log.pdkCalls, 3);
    // instance reused: HandleEvent + 3 Steps only
    assert.equal(log.rpcs, 4);
    assert.equal(log.instanceId, access.instanceId);
    const payload = logPayload(log.logLines);
    assert.equal(payload.type, 'string', 'kong.log.serialize must arrive as a JSON string');
    assert.equal(payload.id, 'req-1');
    assert.equal(payload.traceparent, TRACEPARENT);
    assert.equal(payload.tag, 'basic');

    assert.equal(e.stats.events - before.events, 2);
    assert.equal(e.stats.pdkCalls - before.pdkCalls, 6);
    assert.equal(e.stats.rpcs - before.rpcs, 9);
    assert.equal(e.lastMsgid(0), e.stats.rpcs, 'msgid increments once per RPC');
  });

  it('sends nothing for phases missing from the dump', async () => {
    const e = emu!;
    const rpcs = e.stats.rpcs;
    const r = await e.runPhase(entity('p-skip'), 'rewrite');
    assert.equal(r.skipped, true);
    assert.equal(e.stats.rpcs, rpcs);
  });

  it('replaces the instance on a __seq__ change: StartInstance(new) then CloseInstance(old)', async () => {
    const e = emu!;
    const plugin = entity('p-seq', { tag: 'v1' });
    const first = await e.runLog(plugin, { serialized: { request: { id: 'a' } } });
    const again = await e.runLog(plugin, { serialized: { request: { id: 'b' } } });
    assert.equal(again.instanceId, first.instanceId, 'same __seq__ reuses the instance');
    const mark = e.lifecycle.length;
    const changed = { ...plugin, seq: plugin.seq + 1, config: { tag: 'v2' } };
    const second = await e.runLog(changed, { serialized: { request: { id: 'c' } } });
    assert.equal(second.error, undefined);
    assert.notEqual(second.instanceId, first.instanceId);
    const steps = e.lifecycle.slice(mark).map(l => [l.method, l.instanceId, l.error]);
    assert.deepEqual(steps, [
      ['plugin.StartInstance', second.instanceId, undefined],
      ['plugin.CloseInstance', first.instanceId, undefined],
    ]);
    assert.equal(logPayload(second.logLines).tag, 'v2');
    assert.equal(logPayload(second.logLines).seq, changed.seq);
    assert.equal(e.cachedInstanceId('p-seq'), second.instanceId);
  });

  it('reports a non-saved-data call in log as abandoned without hanging', async () => {
    const e = emu!;
    const abandonedBefore = e.stats.abandoned;
    const r = await e.runLog(entity('p-path', { mode: 'get_path' }), {
      serialized: { request: { id: 'x' } },
    });
    assert.equal(r.abandoned, true);
    assert.equal(r.timedOut, false);
    assert.match(r.abandonReason ?? '', /kong\.request\.get_path/);
    assert.deepEqual(r.methods, [
      'kong.log.serialize',
      'kong.request.get_header',
      'kong.request.get_path',
    ]);
    assert.equal(r.pdkCalls, 3);
    assert.equal(r.steps, 2);
    assert.ok(r.durationMs < 1000, `took ${r.durationMs} ms`);
    assert.equal(e.stats.abandoned, abandonedBefore + 1);
    assert.ok(e.abandonedEvents.includes(r));
  });

  it('reports a handler that never answers as timed out', async () => {
    const e = emu!;
    const r = await e.runLog(entity('p-hang', { mode: 'hang' }), {}, { eventTimeoutMs: 300 });
    assert.equal(r.timedOut, true);
    assert.equal(r.pdkCalls, 0);
    assert.ok(r.durationMs < 1500, `took ${r.durationMs} ms`);
  });

  it('serves 16 concurrent events over separate connections and two workers', async () => {
    const multi = await KongEmulator.connect({
      socketPath: server!.socketPath,
      pluginInfo: info,
      workers: 2,
    });
    try {
      const plugin = entity('p-conc', { tag: 'conc' });
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          multi.runLog(
            plugin,
            {
              serialized: { request: { id: `r-${i}` } },
              requestHeaders: { traceparent: `tp-${i}` },
            },
            { worker: i % 2 },
          ),
        ),
      );
      results.forEach((r, i) => {
        assert.equal(r.error, undefined, `event ${i}: ${r.error}`);
        assert.equal(r.pdkCalls, 3);
        const payload = logPayload(r.logLines);
        assert.equal(payload.id, `r-${i}`);
        assert.equal(payload.traceparent, `tp-${i}`);
      });
      // One instance per worker: concurrent events wait for the claim instead of starting more.
      const starts = multi.lifecycle.filter(l => l.method === 'plugin.StartInstance');
      assert.deepEqual(starts.map(s => s.worker).sort(), [0, 1]);
      assert.ok(multi.connectionStats(0).created > 1, 'concurrency must open more connections');
      assert.equal(multi.stats.events, 16);
      assert.equal(multi.stats.errors, 0);
    } finally {
      await multi.close();
    }
  });

  it('round-trips a 1 MB serialized log', async () => {
    const serialized = { request: { id: 'big' }, blob: 'x'.repeat(1024 * 1024) };
    const r = await emu!.runLog(entity('p-big'), { serialized }, { eventTimeoutMs: 10000 });
    assert.equal(r.error, undefined);
    const payload = logPayload(r.logLines);
    assert.equal(payload.length, JSON.stringify(serialized).length);
    assert.equal(payload.id, 'big');
  });
});

describe('Kong emulator across a pluginserver restart', () => {
  let pluginsDir: string;
  let server: PluginServer | undefined;
  let emu: KongEmulator | undefined;

  before(() => {
    pluginsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-plugins-'));
    fs.writeFileSync(path.join(pluginsDir, 'emu-test.js'), PLUGIN_SOURCE);
  });

  after(async () => {
    await emu?.close();
    await server?.stop();
    await server?.stop(); // stop() is idempotent
    fs.rmSync(pluginsDir, { recursive: true, force: true });
  });

  it('recovers from "no plugin instance" with a fresh instance, reusing old ids', async () => {
    const { json } = await dumpAllPlugins(pluginsDir);
    server = await startPluginServer({ pluginsDir });
    emu = await KongEmulator.connect({ socketPath: server.socketPath, pluginInfo: json[0]! });
    const a = entity('p-route-a', { tag: 'a' });
    const b = entity('p-route-b', { tag: 'b' });
    const a1 = await emu.runLog(a, { serialized: { request: { id: 'a1' } } });
    const b1 = await emu.runLog(b, { serialized: { request: { id: 'b1' } } });
    assert.deepEqual([a1.instanceId, b1.instanceId], [0, 1]);
    const oldPid = server.pid;

    await server.kill('SIGKILL');
    await server.restart();
    assert.notEqual(server.pid, oldPid);

    // B's cached id 1 is unknown to the new process: reset, StartInstance, retry.
    const b2 = await emu.runLog(b, { serialized: { request: { id: 'b2' } } });
    assert.equal(b2.error, undefined);
    assert.equal(b2.instanceResets, 1);
    assert.equal(b2.instanceId, 0, 'the new server hands out id 0 again (A used it before)');
    assert.equal(logPayload(b2.logLines).tag, 'b');
    // The reset dropped every instance of the plugin in this worker, so A just starts anew.
    const a2 = await emu.runLog(a, { serialized: { request: { id: 'a2' } } });
    assert.equal(a2.instanceResets, 0);
    assert.equal(a2.instanceId, 1);
    assert.equal(logPayload(a2.logLines).tag, 'a');
    assert.equal(emu.stats.instanceResets, 1);
  });
});

describe('RpcConnection framing', () => {
  const servers: net.Server[] = [];
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-rpc-'));
  });

  after(async () => {
    for (const s of servers) await new Promise(resolve => s.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A fake server that answers every request with `reply(msgid)`, written one byte per write. */
  const fakeServer = async (name: string, reply: (msgid: number) => Buffer): Promise<string> => {
    const socketPath = path.join(dir, name);
    const srv = net.createServer(socket => {
      socket.on('data', chunk => {
        const msgid = chunk[2] ?? 0; // [fixarray(4), 0, msgid as positive fixint, ...]
        const bytes = reply(msgid);
        void (async () => {
          // byte-by-byte: every split point, including inside headers, must be reassembled
          for (const byte of bytes) {
            socket.write(Buffer.from([byte]));
            await new Promise(resolve => setImmediate(resolve));
          }
        })(); // the writes finish on their own; nothing awaits the server side
      });
    });
    servers.push(srv);
    await new Promise<void>(resolve => srv.listen(socketPath, resolve));
    return socketPath;
  };

  it('reassembles split replies and discards notifications', async () => {
    const socketPath = await fakeServer('ok.sock', msgid =>
      Buffer.concat([
        encode([2, 'serverPid', [1234]]),
        encode([1, msgid, null, { EventId: 7, Data: { Method: 'kong.x', Args: ['é', 300000] } }]),
      ]),
    );
    const conn = await RpcConnection.open(socketPath);
    try {
      const result = await conn.call(
        5,
        'plugin.HandleEvent',
        [{ InstanceId: 0, EventName: 'log' }],
        2000,
      );
      assert.deepEqual(result, { EventId: 7, Data: { Method: 'kong.x', Args: ['é', 300000] } });
      assert.equal(conn.notifications, 1);
    } finally {
      conn.close();
    }
  });

  it('rejects a reply with the wrong msgid as a protocol error', async () => {
    const socketPath = await fakeServer('bad.sock', msgid =>
      Buffer.from(encode([1, msgid + 1, null, 'x'])),
    );
    const conn = await RpcConnection.open(socketPath);
    try {
      await assert.rejects(conn.call(3, 'plugin.Step', [{ EventId: 1 }], 2000), RpcProtocolError);
      assert.equal(conn.usable, false);
    } finally {
      conn.close();
    }
  });
});
