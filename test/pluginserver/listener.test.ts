// The plugin server transport on the wire. A real conversation (StartInstance, HandleEvent, Steps
// with a serialize answer, CloseInstance) is recorded between the Kong emulator and the stock
// kong-js-pluginserver, then replayed to our entry whole, split at every byte, coalesced, and
// with a 1 MB answer in 1-byte reads. The stock server's two crash cases (split at an element
// boundary, two messages in one read: docs/design.md#framing) are reproduced against it, to
// document why our entry exists, and pass against ours.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decode, encode } from '@msgpack/msgpack';
import { log39 } from '../fixtures/serialized-logs';
import { TRANSPORT_PLUGIN, writeTransportPlugin } from '../fixtures/transport-plugin';
import { ROOT } from '../helpers/plugin-harness';
import { dumpAllPlugins, startPluginServer, type PluginServer } from '../helpers/plugin-server';
import { encodeKong, encodeRequest, nextTick, RawRpcClient } from '../helpers/raw-rpc-client';
import { startRpcRecorder, type RecordedRpc } from '../helpers/rpc-recorder';
import { KongEmulator, type PluginInfo } from '../kong-emulator/emulator';
import { buildKongConfig } from '../kong-emulator/kong-config';

const OUR_ENTRY = path.join(ROOT, 'dist/bin/genai-otel-pluginserver.js');
const LIMIT = 2 * 1024 * 1024;
const OUR_ENV = {
  KONG_GENAI_OTEL_PLUGINSERVER_DEBUG_RPC: '1',
  KONG_GENAI_OTEL_PLUGINSERVER_MAX_MESSAGE_BYTES: String(LIMIT),
};

type Msg = [number, number, string, unknown[]];
type Table = Record<string, unknown>;
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

let pluginsDir: string;
let info: PluginInfo;
let ours: PluginServer;
const stock: PluginServer[] = [];
const clients: RawRpcClient[] = [];
let conversation: RecordedRpc[];

async function connect(server: PluginServer): Promise<RawRpcClient> {
  const client = await RawRpcClient.connect(server.socketPath);
  clients.push(client);
  return client;
}

function startInstance(msgid: number, tag: string): Uint8Array {
  const entity = { id: `p-${tag}`, seq: 1, config: { tag } };
  return encodeRequest(msgid, 'plugin.StartInstance', [
    { Name: TRANSPORT_PLUGIN, Config: buildKongConfig(info, entity).json },
  ]);
}

async function debugStats(): Promise<Record<string, number>> {
  const client = await connect(ours);
  try {
    return (await client.call(1, 'plugin.DebugStats', [])) as Record<string, number>;
  } finally {
    client.close();
  }
}

async function waitForExit(server: PluginServer, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (server.exitInfo() === undefined && Date.now() < deadline) await sleep(20);
}

/** Ids the server handed out in this replay, relative to the recorded ones. */
interface Bases {
  instance: number;
  event: number;
}

/** A recorded request re-aimed at the ids of this replay (same encoding as the emulator's). */
function rebaseRequest(bytes: Buffer, base: Bases): Uint8Array {
  const [type, msgid, method, params] = decode(bytes) as Msg;
  const p = structuredClone(params) as [Table | number];
  if (method === 'plugin.HandleEvent')
    (p[0] as Table).InstanceId = Number((p[0] as Table).InstanceId) + base.instance;
  else if (method === 'plugin.CloseInstance') p[0] = Number(p[0]) + base.instance;
  else if (method.startsWith('plugin.Step'))
    (p[0] as Table).EventId = Number((p[0] as Table).EventId) + base.event;
  return encodeKong([type, msgid, method, p]);
}

/**
 * Checks our reply against the stock server's recorded one: byte for byte once ids are rebased
 * (the encoder is listener.js's), except StartInstance's StartTime, a clock reading. The id bases
 * are learned from the StartInstance/HandleEvent replies, so earlier tests do not matter.
 */
function assertSameReply(
  method: string,
  actual: Buffer,
  recorded: Buffer,
  base: Bases,
  where: string,
): void {
  const got = decode(actual) as [number, number, unknown, Table];
  const want = decode(recorded) as [number, number, unknown, Table];
  const [result, gotResult] = [want[3], got[3]];
  assert.equal(got[2], null, `${where}: ${String(got[2])}`);
  if (method === 'plugin.StartInstance') base.instance = Number(gotResult.Id) - Number(result.Id);
  if (method === 'plugin.HandleEvent')
    base.event = Number(gotResult.EventId) - Number(result.EventId);
  if ('Id' in result) result.Id = Number(result.Id) + base.instance;
  if ('EventId' in result) result.EventId = Number(result.EventId) + base.event;
  if (method === 'plugin.StartInstance') {
    assert.equal(typeof gotResult.StartTime, 'number', where);
    gotResult.StartTime = result.StartTime;
    assert.deepEqual(got, want, where);
  } else {
    assert.ok(Buffer.from(encode(want)).equals(actual), `${where}: reply bytes differ`);
  }
}

/**
 * Replays the recorded conversation on `client`. With `splitAt`, every request longer than that
 * goes as two writes cut at that offset, with an event-loop turn between them.
 */
async function replay(client: RawRpcClient, splitAt?: number): Promise<number> {
  const base: Bases = { instance: 0, event: 0 };
  let splits = 0;
  for (const [index, rpc] of conversation.entries()) {
    const [, , method] = decode(rpc.request) as Msg;
    const bytes = rebaseRequest(rpc.request, base);
    const split = splitAt !== undefined && splitAt < bytes.length;
    if (split) {
      splits += 1;
      await client.writeInPieces(bytes, [splitAt]);
    } else {
      client.write(bytes);
    }
    const where = `${method} (#${index})${split ? ` split at ${splitAt}/${bytes.length}` : ''}`;
    assertSameReply(method, await client.reply(), rpc.reply, base, where);
  }
  return splits;
}

before(async () => {
  assert.ok(
    fs.existsSync(OUR_ENTRY),
    'dist/bin is missing: run `npm run build` first (npm test does)',
  );
  pluginsDir = writeTransportPlugin();
  info = (await dumpAllPlugins(pluginsDir)).json[0]!;
  const started = await Promise.all([
    startPluginServer({ pluginsDir }),
    startPluginServer({ pluginsDir }),
    startPluginServer({ pluginsDir, command: OUR_ENTRY, env: OUR_ENV }),
  ]);
  stock.push(started[0], started[1]);
  ours = started[2];

  // Record Kong talking to the stock server: a log event, then a config change (new instance,
  // old one closed) and another log event.
  const recorder = await startRpcRecorder(stock[0]!.socketPath);
  const emu = await KongEmulator.connect({ socketPath: recorder.socketPath, pluginInfo: info });
  try {
    for (const seq of [1, 2]) {
      const serialized = log39({ payloads: false });
      (serialized.request as Table).id = `req-rec-${seq}`;
      const r = await emu.runLog(
        { id: 'p-rec', seq, config: { tag: `rec${seq}` } },
        { serialized },
      );
      assert.equal(r.error, undefined);
    }
  } finally {
    await emu.close();
    await sleep(50);
    conversation = recorder.conversation();
    await recorder.close();
  }
});

after(async () => {
  for (const c of clients) c.close();
  await Promise.all([ours, ...stock].map(s => s?.stop()));
  if (pluginsDir) fs.rmSync(pluginsDir, { recursive: true, force: true });
});

describe('our plugin server entry on the wire', () => {
  it('recorded a real conversation from the emulator and the stock server', () => {
    const methods = conversation.map(r => (decode(r.request) as Msg)[2]);
    assert.deepEqual(methods, [
      'plugin.StartInstance',
      'plugin.HandleEvent',
      'plugin.Step',
      'plugin.Step',
      'plugin.StartInstance',
      'plugin.CloseInstance',
      'plugin.HandleEvent',
      'plugin.Step',
      'plugin.Step',
    ]);
    // Rebasing by zero re-encodes each request to exactly the recorded bytes.
    for (const r of conversation)
      assert.ok(Buffer.from(rebaseRequest(r.request, { instance: 0, event: 0 })).equals(r.request));
    const serialize = conversation[2]!.request.length;
    assert.ok(serialize > 1200, `serialize answer is ${serialize} bytes`);
  });

  it('answers the conversation with the stock server reply bytes', async () => {
    await replay(await connect(ours));
  });

  it('answers the same with every request split at every byte boundary', async t => {
    const client = await connect(ours);
    const readsBefore = (await debugStats()).reads!;
    // Replay n cuts every request at byte n (those longer than n): each (request, offset) pair
    // is covered once, in as many replays as the longest request has bytes.
    const longest = Math.max(...conversation.map(r => r.request.length));
    let splits = 0;
    for (let at = 1; at < longest; at++) splits += await replay(client, at);
    const reads = (await debugStats()).reads! - readsBefore - 1;
    const whole = conversation.length * (longest - 1);
    t.diagnostic(
      `${longest - 1} replays, ${splits} split requests; ${reads - whole} arrived as two reads`,
    );
    assert.ok(reads > whole, 'some splits must reach the server as separate reads');
  });

  it('answers two messages written at once (two StartInstances, then their events)', async () => {
    const client = await connect(ours);
    const byId = async (count: number): Promise<Map<number, Table>> => {
      const out = new Map<number, Table>();
      for (let i = 0; i < count; i++) {
        const [type, msgid, error, result] = decode(await client.reply()) as [
          number,
          number,
          unknown,
          Table,
        ];
        assert.equal(type, 1);
        assert.equal(error, null);
        out.set(msgid, result);
      }
      return out;
    };
    const pair = (a: Uint8Array, b: Uint8Array): Buffer => Buffer.concat([a, b]);
    client.write(pair(startInstance(11, 'x'), startInstance(12, 'y')));
    const started = await byId(2);
    const [x, y] = [Number(started.get(11)!.Id), Number(started.get(12)!.Id)];
    assert.notEqual(x, y);
    client.write(
      pair(
        encodeRequest(13, 'plugin.HandleEvent', [{ InstanceId: x, EventName: 'log' }]),
        encodeRequest(14, 'plugin.HandleEvent', [{ InstanceId: y, EventName: 'log' }]),
      ),
    );
    const events = await byId(2);
    const [ex, ey] = [13, 14].map(id => {
      assert.deepEqual(events.get(id)!.Data, { Method: 'kong.log.serialize', Args: [] });
      return Number(events.get(id)!.EventId);
    });
    const log = (id: string): string =>
      JSON.stringify({ ...log39({ payloads: false }), request: { id } });
    client.write(
      pair(
        encodeRequest(15, 'plugin.Step', [{ EventId: ex, Data: log('rx') }]),
        encodeRequest(16, 'plugin.Step', [{ EventId: ey, Data: log('ry') }]),
      ),
    );
    const notices = await byId(2);
    assert.deepEqual((notices.get(15)!.Data as Table).Args, ['log', log('rx').length, 'rx']);
    assert.deepEqual((notices.get(16)!.Data as Table).Args, ['log', log('ry').length, 'ry']);
    client.write(
      pair(
        encodeRequest(17, 'plugin.Step', [{ EventId: ex }]),
        encodeRequest(18, 'plugin.Step', [{ EventId: ey }]),
      ),
    );
    const done = await byId(2);
    assert.equal(done.get(17)!.Data, 'ret');
    assert.equal(done.get(18)!.Data, 'ret');
    client.write(
      pair(
        encodeRequest(19, 'plugin.CloseInstance', [x]),
        encodeRequest(20, 'plugin.CloseInstance', [y]),
      ),
    );
    const closed = await byId(2);
    assert.deepEqual([closed.get(19)!.Id, closed.get(20)!.Id], [x, y]);
  });

  it('takes a 1 MB serialize answer in 1-byte reads', async t => {
    // Every header and length prefix sits in the first bytes and the message end in the last
    // ones: those go one byte per write. The middle is string payload the framer skips by
    // length; it goes in odd-sized chunks, so the run stays within a second or two.
    const client = await connect(ours);
    client.write(startInstance(1, 'big'));
    const id = Number((decode(await client.reply()) as [0, 0, 0, Table])[3].Id);
    const event = Number(
      (
        (await client.call(2, 'plugin.HandleEvent', [
          { InstanceId: id, EventName: 'log' },
        ])) as Table
      ).EventId,
    );
    const text = JSON.stringify(
      log39({
        request: { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(1 << 20) }] },
      }),
    );
    const step = encodeRequest(3, 'plugin.Step', [{ EventId: event, Data: text }]);
    assert.ok(step.length > 1 << 20);
    const edge = 4096;
    const cuts: number[] = [];
    for (let i = 1; i <= edge; i++) cuts.push(i);
    for (let i = edge + 65_521; i < step.length - edge; i += 65_521) cuts.push(i);
    for (let i = step.length - edge; i < step.length; i++) cuts.push(i);
    const readsBefore = (await debugStats()).reads!;
    const started = performance.now();
    await client.writeInPieces(step, cuts);
    const [, msgid, error, result] = decode(await client.reply(10_000)) as [
      number,
      number,
      unknown,
      Table,
    ];
    const ms = performance.now() - started;
    const reads = (await debugStats()).reads! - readsBefore - 1;
    t.diagnostic(
      `${step.length} bytes in ${cuts.length + 1} writes reached the server in ${reads} reads, ${ms.toFixed(0)} ms`,
    );
    assert.equal(msgid, 3);
    assert.equal(error, null);
    assert.deepEqual((result.Data as Table).Args, ['log', text.length, 'b1c2d3e4f5a6b7c8d9e0']);
    assert.equal(
      ((await client.call(4, 'plugin.Step', [{ EventId: event }])) as Table).Data,
      'ret',
    );
    await client.call(5, 'plugin.CloseInstance', [id]);
  });

  it('closes a connection whose message exceeds the bound, with a log line, and keeps serving', async () => {
    const client = await connect(ours);
    // [0, 1, "plugin.Step", [{Data: <str32 of 3 MiB>: rejected at the length prefix
    const prefix = Buffer.concat([
      Buffer.from([0x94, 0x00, 0x01]),
      encode('plugin.Step'),
      Buffer.from([0x91, 0x81]),
      encode('Data'),
      Buffer.from([0xdb, 0x00, 0x30, 0x00, 0x00]),
    ]);
    client.write(prefix);
    await client.closed;
    const garbage = await connect(ours);
    garbage.write(Buffer.from([0x94, 0xc1]));
    await garbage.closed;
    assert.match(ours.stderr(), new RegExp(`exceeds the ${LIMIT} byte limit`));
    assert.match(ours.stderr(), /invalid MessagePack byte 0xc1/);
    const again = await connect(ours);
    assert.equal(
      ((await again.call(1, 'plugin.GetPluginInfo', [TRANSPORT_PLUGIN])) as Table).Name,
      TRANSPORT_PLUGIN,
    );
  });

  it('answers malformed requests with errors instead of crashing', async () => {
    const client = await connect(ours);
    await assert.rejects(
      client.call(1, 'plugin.loadPlugins', []),
      /method loadPlugins not implemented/,
    );
    await assert.rejects(client.call(2, 'other.Thing', []), /RPC for other is not supported/);
    client.write(encodeKong([0, 3, 'plugin.GetStatus', { not: 'an array' }]));
    const [, msgid, error] = decode(await client.reply()) as unknown[];
    assert.equal(msgid, 3);
    assert.match(String(error), /must be an array/);
    assert.equal(ours.exitInfo(), undefined);
  });

  it('prints nothing on stdout', () => {
    assert.equal(ours.stdout(), '');
  });
});

describe('the stock kong-js-pluginserver crash cases (split messages, coalesced messages)', () => {
  const twoInOneRead = (): Buffer => Buffer.concat([startInstance(1, 'a'), startInstance(2, 'b')]);
  /** `[0, 1, ` then the rest: the cut falls between two elements of the request array. */
  const elementBoundary = (): [Buffer, Buffer] => {
    const bytes = Buffer.from(startInstance(1, 'c'));
    assert.deepEqual([...bytes.subarray(0, 3)], [0x94, 0x00, 0x01]);
    return [bytes.subarray(0, 3), bytes.subarray(3)];
  };

  it('stock: two messages in one read kill the server', async () => {
    const server = stock[0]!;
    (await connect(server)).write(twoInOneRead());
    await waitForExit(server, 5000);
    assert.equal(server.exitInfo()?.code, 1);
    assert.match(server.stderr(), /RangeError: Extra \d+ of \d+ byte/);
  });

  it('stock: a split at an element boundary kills the server', async () => {
    const server = stock[1]!;
    const client = await connect(server);
    const [first, rest] = elementBoundary();
    client.write(first);
    await sleep(100); // its own read for sure
    client.write(rest);
    await waitForExit(server, 5000);
    assert.equal(server.exitInfo()?.code, 1);
    assert.match(server.stderr(), /RangeError/);
  });

  it('ours: both cases are answered', async () => {
    const client = await connect(ours);
    client.write(twoInOneRead());
    const ids = [decode(await client.reply()), decode(await client.reply())].map(
      r => (r as number[])[1],
    );
    assert.deepEqual(ids.sort(), [1, 2]);
    const [first, rest] = elementBoundary();
    client.write(first);
    await sleep(100);
    client.write(rest);
    const [type, msgid, error] = decode(await client.reply()) as unknown[];
    assert.deepEqual([type, msgid, error], [1, 1, null]);
    await nextTick();
    assert.equal(ours.exitInfo(), undefined);
  });
});
