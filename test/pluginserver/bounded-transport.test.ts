// The real plugin server under hostile transport input, in a small heap: a 4 MiB message made of
// empty maps (each byte one value) must be refused by its shape before it is decoded, and the
// server must go on answering Kong. Unbounded, decoding it builds millions of objects.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUILT_PLUGINS_DIR, ROOT } from '../helpers/plugin-harness';
import { startPluginServer, type PluginServer } from '../helpers/plugin-server';
import { RawRpcClient, encodeRequest } from '../helpers/raw-rpc-client';

const OUR_ENTRY = path.join(ROOT, 'dist/bin/genai-otel-pluginserver.js');
const MIB = 1024 * 1024;

/** `[0, 1, "plugin.Step", [<array32 of n empty maps>]]` */
function emptyMaps(n: number): Buffer {
  const head = Buffer.from(encodeRequest(1, 'plugin.Step', [])).subarray(0, -1);
  const array32 = Buffer.from([
    0x91,
    0xdd,
    n >>> 24,
    (n >>> 16) & 0xff,
    (n >>> 8) & 0xff,
    n & 0xff,
  ]);
  return Buffer.concat([head, array32, Buffer.alloc(n, 0x80)]);
}

describe('bounded transport in a small heap', () => {
  let server: PluginServer;
  before(async () => {
    server = await startPluginServer({
      pluginsDir: BUILT_PLUGINS_DIR,
      command: OUR_ENTRY,
      nodeArgs: ['--max-old-space-size=48'],
    });
  });
  after(async () => {
    await server?.stop();
  });

  it('refuses 4 MiB of empty maps and keeps serving', async () => {
    const attacker = await RawRpcClient.connect(server.socketPath);
    attacker.write(emptyMaps(4 * MIB));
    await attacker.closed; // the server closes the stream it cannot trust
    assert.equal(server.exitInfo(), undefined, 'the server survived');
    assert.match(
      server.stderr(),
      /closing plugin server connection: array of 4194304 entries exceeds the 10000 limit/,
    );

    const kong = await RawRpcClient.connect(server.socketPath);
    try {
      await assert.rejects(
        kong.call(2, 'plugin.HandleEvent', [{ InstanceId: 1, EventName: 'log' }]),
        /no plugin instance/,
      );
    } finally {
      kong.close();
    }
  });
});
