// The listener's own bounds, in process: a cap on open connections (more are closed at once and
// counted), and error text that quotes peer input cut short in both the reply and the log line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decode } from '@msgpack/msgpack';
// Loaded before the listener: kong-pdk (which the listener loads) registers ts-node for every
// `.ts` required after it, and ts-node would then type-check these modules without our tsconfig.
import { createLogger, MAX_LINE_CHARS } from '../../src/selfobs/logger';
import { encodeRequest, RawRpcClient } from '../helpers/raw-rpc-client';
import type { RpcMethod } from '../../src/pluginserver/lean-server';
import { MAX_ERROR_CHARS, RpcListener } from '../../src/pluginserver/listener';

describe('RpcListener bounds', () => {
  let dir: string;
  let listener: RpcListener;
  const lines: string[] = [];
  const clients: RawRpcClient[] = [];
  const methods = new Map<string, RpcMethod>([
    ['Ping', () => 'pong'],
    // Like server.js: an error that quotes what the peer sent.
    [
      'CloseInstance',
      (iid: unknown) => Promise.reject(new Error(`no plugin instance #${String(iid)}`)),
    ],
  ]);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'listener-bounds-'));
    listener = new RpcListener({
      socketPath: path.join(dir, 'l.sock'),
      methods,
      logger: createLogger({ minLevel: 'info', write: line => void lines.push(line) }),
      maxConnections: 2,
    });
    await listener.listen();
  });
  after(async () => {
    for (const c of clients) c.close();
    await listener?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const connect = async (): Promise<RawRpcClient> => {
    const c = await RawRpcClient.connect(path.join(dir, 'l.sock'));
    clients.push(c);
    return c;
  };

  it('closes connections beyond the cap at once and counts them', async () => {
    const a = await connect();
    const b = await connect();
    assert.equal(await a.call(1, 'plugin.Ping', []), 'pong');
    assert.equal(await b.call(1, 'plugin.Ping', []), 'pong');
    const c = await connect();
    await c.closed;
    assert.equal(listener.stats().droppedConnections, 1);
    assert.ok(lines.some(l => l.includes('refused plugin server connection(s): 2 already open')));
    a.close();
    await a.closed;
    // Let the server see the close before the next connection arrives.
    await new Promise(resolve => setTimeout(resolve, 50));
    const d = await connect();
    assert.equal(await d.call(2, 'plugin.Ping', []), 'pong');
    b.close();
    d.close();
    await Promise.all([b.closed, d.closed]);
  });

  it('cuts error text that echoes peer input, in the reply and in the log', async () => {
    await new Promise(resolve => setTimeout(resolve, 50));
    const huge = 'A'.repeat(1_000_000);
    const client = await connect();
    for (const [msgid, method, params] of [
      [1, `plugin.${huge}`, []],
      [2, `${huge}.x`, []],
      [3, 'plugin.CloseInstance', [huge]],
    ] as const) {
      lines.length = 0;
      client.write(encodeRequest(msgid, method, [...params]));
      const [, id, error] = decode(await client.reply()) as [number, number, string];
      assert.equal(id, msgid);
      assert.ok(error.length <= MAX_ERROR_CHARS + 32, `reply error of ${error.length} chars`);
      assert.ok(
        lines.every(l => l.length <= MAX_LINE_CHARS + 64),
        'log lines are bounded',
      );
    }
    // The prefix Kong matches on survives the cut.
    client.write(encodeRequest(4, 'plugin.CloseInstance', [huge]));
    const [, , error] = decode(await client.reply()) as [number, number, string];
    assert.match(error, /^no plugin instance #AAAA/);
    client.close();
  });
});
