// Free-text request parameters are user input: stop sequences are exported only with content
// capture on, redacted and capped; strings the response chose are cut; none reach the span
// unbounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callsFromLog } from '../../src/genai/calls';
import {
  contentAttributes,
  MAX_STOP_SEQUENCE_LENGTH,
  MAX_STOP_SEQUENCES,
} from '../../src/instrumentation/content-attributes';
import { ContentSanitizer, PRESET_NAMES } from '../../src/instrumentation/redaction';
import { MAX_RESPONSE_STRING, spanAttributes } from '../../src/instrumentation/span-attributes';
import * as F from '../fixtures/serialized-logs';

const STOPS = [
  'jane@example.com',
  'x'.repeat(250_000),
  ...Array.from({ length: 30 }, (_, i) => `s${i}`),
];
const call = () =>
  callsFromLog(
    F.log39({
      request: { ...F.CHAT_REQUEST, stop: STOPS },
      response: {
        ...F.CHAT_RESPONSE,
        id: 'i'.repeat(100_000),
        system_fingerprint: 'f'.repeat(9999),
      },
    }),
  )[0]!;
const sanitizer = new ContentSanitizer({
  presets: [...PRESET_NAMES],
  patterns: [],
  maxLength: 4096,
});

describe('request parameters', () => {
  it('stop sequences are not span attributes without capture, in any mode', () => {
    for (const mode of ['legacy', 'latest', 'both'] as const) {
      assert.equal(
        spanAttributes(call(), mode, undefined)['gen_ai.request.stop_sequences'],
        undefined,
      );
    }
  });

  it('with capture, stop sequences are redacted, at most 16, each at most 256 characters', () => {
    assert.ok(call().request.stopSequences!.length > MAX_STOP_SEQUENCES, 'sanity: parsed');
    const stops = contentAttributes(call(), 'latest', sanitizer)[
      'gen_ai.request.stop_sequences'
    ] as string[];
    assert.equal(stops.length, MAX_STOP_SEQUENCES);
    assert.equal(stops[0], '[REDACTED]');
    assert.equal(stops[1]!.length, MAX_STOP_SEQUENCE_LENGTH);
    assert.ok(stops[1]!.endsWith('…[truncated]'));
    assert.equal(stops[2], 's0');
  });

  it('response ids and fingerprints are cut', () => {
    const a = spanAttributes(call(), 'both', undefined);
    assert.equal(String(a['gen_ai.response.id']).length, MAX_RESPONSE_STRING);
    assert.equal(String(a['openai.response.system_fingerprint']).length, MAX_RESPONSE_STRING);
    assert.equal(String(a['gen_ai.openai.system_fingerprint']).length, MAX_RESPONSE_STRING);
  });
});
