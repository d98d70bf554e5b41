// The plugin server's stream framing, in process: every MessagePack header kind split at every
// byte, coalesced messages, a 1 MB message fed one byte per read, and the bounds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode, ExtData } from '@msgpack/msgpack';
import fc from 'fast-check';
import { FrameError, MessageFramer } from '../../src/pluginserver/message-framer';

/** Feeds `chunks` and returns the messages cut, as copies (views may share memory). */
function frame(framer: MessageFramer, chunks: Uint8Array[]): Buffer[] {
  const out: Buffer[] = [];
  for (const chunk of chunks) framer.push(Buffer.from(chunk), m => out.push(Buffer.from(m)));
  return out;
}

const concat = (parts: Uint8Array[]): Buffer => Buffer.concat(parts.map(p => Buffer.from(p)));

/** One value of every header kind the scanner must size (fix*, 8/16/32/64-bit, ext, bin). */
const EVERY_KIND: unknown[] = [
  0,
  127,
  -1,
  -32,
  -33,
  200,
  -200,
  60_000,
  -60_000,
  4_000_000_000,
  -2_000_000_000,
  2 ** 53 - 1,
  -(2 ** 53),
  1.5,
  null,
  true,
  false,
  '',
  'x'.repeat(31),
  'x'.repeat(32),
  'é'.repeat(200),
  'x'.repeat(70_000),
  new Uint8Array(0),
  new Uint8Array(300),
  new Uint8Array(70_000),
  ...[1, 2, 4, 8, 16, 3, 300, 70_000].map(n => new ExtData(7, new Uint8Array(n))),
  [],
  {},
  Array.from({ length: 16 }, (_, i) => i),
  Array.from({ length: 70_000 }, () => 1),
  Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, i])),
  Object.fromEntries(Array.from({ length: 70_000 }, (_, i) => [String(i), 0])),
  [[[[]]], { a: [{}], b: { c: [1, [2, [3]]] } }],
];

/** Shape bounds wide enough for the 70,000-entry array32/map32 samples above. */
const WIDE = { maxContainerLength: 100_000, maxValues: 1_000_000 };

describe('MessageFramer', () => {
  it('cuts every header kind whole, at every split point of a small message', () => {
    for (const value of EVERY_KIND) {
      const bytes = encode([0, 1, 'plugin.Step', [{ EventId: 3, Data: value }]]);
      const splits = bytes.length <= 4096 ? bytes.length : 64;
      for (let i = 0; i <= splits; i++) {
        const at = bytes.length <= 4096 ? i : Math.floor((bytes.length * i) / splits);
        const framer = new MessageFramer(undefined, WIDE);
        const out = frame(framer, [bytes.subarray(0, at), bytes.subarray(at)]);
        assert.equal(out.length, 1, `split at ${at} of ${bytes.length}`);
        assert.ok(out[0]!.equals(bytes));
        assert.equal(framer.pendingBytes, 0);
      }
    }
  });

  it("sizes float32, which the JS encoder never writes (Kong's Lua packer may)", () => {
    // [float32 0.0, true]
    const bytes = Buffer.from([0x92, 0xca, 0, 0, 0, 0, 0xc3]);
    for (let at = 0; at <= bytes.length; at++) {
      const out = frame(new MessageFramer(), [bytes.subarray(0, at), bytes.subarray(at)]);
      assert.deepEqual(out, [bytes]);
    }
  });

  it('splits any sequence of messages at any points (property)', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(
        fc.array(json, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (values, cuts) => {
          const messages = values.map((v, i) => encode([0, i, 'plugin.Step', [v]]));
          const stream = concat(messages);
          const points = [...new Set(cuts.map(c => c % (stream.length + 1)))].sort((a, b) => a - b);
          const chunks: Uint8Array[] = [];
          let from = 0;
          for (const p of [...points, stream.length]) {
            chunks.push(stream.subarray(from, p));
            from = p;
          }
          const out = frame(new MessageFramer(), chunks);
          assert.equal(out.length, messages.length);
          out.forEach((m, i) => assert.ok(m.equals(messages[i]!)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('cuts two messages arriving in one read, and a third split across reads', () => {
    const a = encode([0, 1, 'plugin.StartInstance', [{ Name: 'x', Config: '{}' }]]);
    const b = encode([0, 2, 'plugin.StartInstance', [{ Name: 'y', Config: '{}' }]]);
    const c = encode([0, 3, 'plugin.GetStatus', []]);
    const framer = new MessageFramer();
    const out = frame(framer, [concat([a, b, c.subarray(0, 5)]), c.subarray(5)]);
    assert.deepEqual(
      out,
      [a, b, c].map(m => Buffer.from(m)),
    );
  });

  it('takes a 1 MB message one byte per read, in linear time', () => {
    const body = 'a'.repeat(1024 * 1024);
    const bytes = Buffer.from(encode([0, 9, 'plugin.Step', [{ EventId: 1, Data: body }]]));
    const framer = new MessageFramer();
    const out: Buffer[] = [];
    const started = performance.now();
    for (let i = 0; i < bytes.length; i++) {
      framer.push(bytes.subarray(i, i + 1), m => out.push(m));
      if (i < bytes.length - 1) assert.equal(out.length, 0);
    }
    const ms = performance.now() - started;
    assert.equal(out.length, 1);
    assert.ok(out[0]!.equals(bytes));
    assert.ok(ms < 5000, `1-byte reads took ${ms.toFixed(0)} ms`);
  });

  it('never overwrites the bytes of a delivered message (bin values are views of them)', () => {
    const raw = Buffer.alloc(100, 7);
    const a = encode([0, 1, 'plugin.Step', [{ EventId: 1, Data: raw }]]);
    const b = encode([0, 2, 'plugin.Step', [{ EventId: 1, Data: Buffer.alloc(100, 9) }]]);
    const framer = new MessageFramer();
    const views: Buffer[] = [];
    // a arrives split (so it completes inside the pending buffer), followed by half of b
    framer.push(Buffer.from(a.subarray(0, 10)), m => views.push(m));
    framer.push(Buffer.concat([a.subarray(10), b.subarray(0, 50)]), m => views.push(m));
    framer.push(Buffer.from(b.subarray(50)), m => views.push(m));
    assert.equal(views.length, 2);
    assert.ok(views[0]!.equals(a), 'first message intact after more bytes arrived');
    assert.ok(views[1]!.equals(b));
  });

  it('rejects a declared length over the bound before its bytes arrive', () => {
    const framer = new MessageFramer(1024 * 1024);
    // [0, 1, "plugin.Step", [{ Data: <str32 of 2 MB> ...: only the header is sent
    const head = Buffer.from([0x94, 0x00, 0x01, 0xab, ...Buffer.from('plugin.Step'), 0x91, 0x81]);
    const key = Buffer.from([0xa4, ...Buffer.from('Data')]);
    const str32 = Buffer.from([0xdb, 0x00, 0x20, 0x00, 0x00]);
    assert.throws(() => frame(framer, [concat([head, key, str32])]), FrameError);
  });

  it('rejects a message that grows past the bound without declaring it', () => {
    const framer = new MessageFramer(1000);
    const many = encode(Array.from({ length: 2000 }, () => 1));
    assert.throws(
      () => frame(framer, [many.subarray(0, 600), many.subarray(600)]),
      /1000 byte limit/,
    );
    // A complete message at the bound passes.
    const ok = encode(Array.from({ length: 997 }, () => 1));
    assert.equal(ok.length, 1000);
    assert.equal(frame(new MessageFramer(1000), [ok]).length, 1);
  });

  it('rejects bytes that are not MessagePack and absurd nesting', () => {
    assert.throws(() => frame(new MessageFramer(), [Buffer.from([0x94, 0xc1])]), /0xc1/);
    const deep = Buffer.alloc(2000, 0x91); // [[[[...
    assert.throws(() => frame(new MessageFramer(), [deep]), /nests deeper/);
  });
});
