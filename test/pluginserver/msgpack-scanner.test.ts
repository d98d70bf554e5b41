// Each shape bound of one message, just under (cut whole) and just over (refused from the
// headers, before the bytes it declares have arrived), plus Kong-shaped messages well inside.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import {
  DEFAULT_MESSAGE_LIMITS,
  FrameError,
  MessageScanner,
  type MessageLimits,
} from '../../src/pluginserver/msgpack-scanner';

const step = (data: unknown): Uint8Array =>
  encode([0, 9, 'plugin.Step', [{ EventId: 1, Data: data }]]);

/** Scans `bytes` whole; the message length, or the FrameError text. */
function scan(bytes: Uint8Array, limits: Partial<MessageLimits>): number | string {
  try {
    return new MessageScanner(limits).scan(bytes, 0, bytes.length);
  } catch (error) {
    if (error instanceof FrameError) return error.message;
    throw error;
  }
}

/** Only the first `headerBytes` of a message: refusal must not need the rest. */
function scanHeaderOnly(bytes: Uint8Array, headerBytes: number, limits: Partial<MessageLimits>) {
  return scan(bytes.subarray(0, headerBytes), limits);
}

const nested = (depth: number): unknown => (depth === 0 ? 1 : [nested(depth - 1)]);

describe('MessageScanner bounds', () => {
  it('array length', () => {
    const ok = step(Array.from({ length: 100 }, () => 0));
    assert.equal(scan(ok, { maxContainerLength: 100 }), ok.length);
    const over = step(Array.from({ length: 101 }, () => 0));
    assert.match(String(scan(over, { maxContainerLength: 100 })), /array of 101 entries/);
    assert.match(
      String(scanHeaderOnly(over, over.length - 101, { maxContainerLength: 100 })),
      /array of 101 entries/,
    );
  });

  it('map length', () => {
    const map = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`h${i}`, ['v']]));
    const ok = step(map(100));
    assert.equal(scan(ok, { maxContainerLength: 100 }), ok.length);
    assert.match(String(scan(step(map(101)), { maxContainerLength: 100 })), /map of 101 entries/);
  });

  it('string length, refused from its header', () => {
    const ok = step('x'.repeat(1000));
    assert.equal(scan(ok, { maxStringBytes: 1000 }), ok.length);
    const over = step('x'.repeat(1001));
    assert.match(
      String(scanHeaderOnly(over, over.length - 1001, { maxStringBytes: 1000 })),
      /string of 1001 bytes/,
    );
  });

  it('bin length, refused from its header', () => {
    const ok = step(new Uint8Array(1000));
    assert.equal(scan(ok, { maxBinBytes: 1000 }), ok.length);
    const over = step(new Uint8Array(1001));
    assert.match(
      String(scanHeaderOnly(over, over.length - 1001, { maxBinBytes: 1000 })),
      /bin of 1001 bytes/,
    );
  });

  it('nesting depth', () => {
    // [0, 9, "plugin.Step", [{EventId, Data: <n arrays>}]] opens 3 levels before Data.
    const ok = step(nested(7));
    assert.equal(scan(ok, { maxDepth: 10 }), ok.length);
    assert.match(String(scan(step(nested(8)), { maxDepth: 10 })), /deeper than 10 levels/);
  });

  it('values per message: many small containers, each under the length bound', () => {
    const maps = (n: number) =>
      Array.from({ length: 10 }, () => Array.from({ length: n }, () => ({})));
    const ok = step(maps(90)); // 10 x 90 maps + 10 arrays + the envelope, under 1000
    assert.equal(scan(ok, { maxValues: 1000, maxContainerLength: 100 }), ok.length);
    assert.match(
      String(scan(step(maps(100)), { maxValues: 1000, maxContainerLength: 100 })),
      /over 1000 values/,
    );
  });

  it('Kong-shaped messages pass the defaults', () => {
    const headers = Object.fromEntries(
      Array.from({ length: 1000 }, (_, i) => [`x-h${i}`, ['a', 'b']]),
    );
    const serialized = JSON.stringify({ request: { headers }, ai: { proxy: { meta: {} } } });
    for (const message of [
      encode([0, 1, 'plugin.StartInstance', [{ Name: 'genai-otel', Config: '{"a":null}' }]]),
      encode([
        0,
        2,
        'plugin.HandleEvent',
        [{ InstanceId: 1_795_000_000_000_000, EventName: 'log' }],
      ]),
      step(serialized.repeat(40)), // a ~2 MB serialized log
      step(headers),
      step(new Uint8Array(8 * 1024 * 1024)),
    ]) {
      assert.equal(scan(message, DEFAULT_MESSAGE_LIMITS), message.length);
    }
  });
});
