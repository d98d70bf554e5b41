// BoundedSpanProcessor: spans held until their export settles, bounded in count and in bytes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import {
  approximateSpanBytes,
  BoundedSpanProcessor,
} from '../../src/export/bounded-span-processor';
import { selfObs } from '../../src/selfobs/recorder';

const span = (content = ''): ReadableSpan =>
  ({ name: 'chat m', attributes: { 'gen_ai.input.messages': content } }) as unknown as ReadableSpan;

function inner(): SpanProcessor & { ended: ReadableSpan[] } {
  const ended: ReadableSpan[] = [];
  return {
    ended,
    onStart: () => undefined,
    onEnd: s => ended.push(s),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

describe('BoundedSpanProcessor', () => {
  it('drops and counts spans past the count bound until exports settle', () => {
    const target = inner();
    const p = new BoundedSpanProcessor(target, 3);
    const dropped = selfObs.counts.spansDropped;
    for (let i = 0; i < 5; i += 1) p.onEnd(span());
    assert.equal(target.ended.length, 3);
    assert.equal(selfObs.counts.spansDropped - dropped, 2);
    p.settled(target.ended.slice(0, 2));
    p.onEnd(span());
    assert.equal(target.ended.length, 4);
    assert.equal(p.held.spans, 2);
  });

  it('drops spans that would take the held bytes past the byte bound', () => {
    const target = inner();
    const big = span('x'.repeat(100_000));
    const small = span('small');
    const limit = approximateSpanBytes(big) * 2 + approximateSpanBytes(small);
    const p = new BoundedSpanProcessor(target, 1000, limit);
    p.onEnd(big);
    p.onEnd(big);
    p.onEnd(big);
    p.onEnd(small);
    assert.equal(target.ended.length, 3, 'two big spans and the small one fit');
    p.settled([big]);
    p.onEnd(big);
    assert.equal(target.ended.length, 4, 'room again once an export settled');
  });

  it('counts string arrays at their real size (four 250,000-character stop strings are ~2 MB)', () => {
    const stops = Array.from({ length: 4 }, () => 'x'.repeat(250_000));
    const withArray = {
      name: 'chat m',
      attributes: { 'gen_ai.request.stop_sequences': stops },
    } as unknown as ReadableSpan;
    assert.ok(approximateSpanBytes(withArray) >= 4 * 250_000 * 2);
    const target = inner();
    const p = new BoundedSpanProcessor(target, 1000, 5 * 1024 * 1024);
    for (let i = 0; i < 5; i += 1) p.onEnd(withArray);
    assert.equal(target.ended.length, 2, 'the byte bound sees the arrays');
  });
});
