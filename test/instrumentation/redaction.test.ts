// ContentSanitizer: each redaction preset, configured patterns, truncation; the capture switch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureContent } from '../../src/pipeline/settings';
import {
  ContentSanitizer,
  PRESET_NAMES,
  type RedactPreset,
} from '../../src/instrumentation/redaction';

const ALL: RedactPreset[] = [...PRESET_NAMES];
const sanitizer = (presets: RedactPreset[] = ALL, patterns: string[] = [], maxLength = 4096) =>
  new ContentSanitizer({ presets, patterns, maxLength });

describe('redaction presets', () => {
  const cases: [RedactPreset, string, string][] = [
    ['email', 'write to jane.doe+ai@mail.example.co.uk now', 'write to [REDACTED] now'],
    ['payment_card', 'card 4111-1111-1111-1111 ok', 'card [REDACTED] ok'],
    ['payment_card', 'amex 378282246310005.', 'amex [REDACTED].'],
    ['bearer_token', 'Authorization: Bearer abc.DEF-123_x/y+z=', 'Authorization: [REDACTED]'],
    ['api_key', 'key sk-proj-AbCdEfGhIjKlMnOpQrStUv12', 'key [REDACTED]'],
    ['api_key', 'anthropic sk-ant-api03-abcdefghijklmnopqrstu', 'anthropic [REDACTED]'],
    ['api_key', 'aws AKIAIOSFODNN7EXAMPLE here', 'aws [REDACTED] here'],
    ['api_key', 'google AIzaSyA1234567890abcdefghijklmnopqrstuv', 'google [REDACTED]'],
    ['api_key', 'gh ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'gh [REDACTED]'],
    ['secret_assignment', 'config api_key="s3cr3tvalue99"', 'config api_key="[REDACTED]"'],
  ];
  for (const [preset, input, expected] of cases) {
    it(`${preset} redacts "${input}"`, () => {
      assert.equal(sanitizer([preset]).clean(input), expected);
    });
  }

  it('leaves numbers that fail the Luhn check alone (order ids, phone numbers)', () => {
    assert.equal(sanitizer(['payment_card']).clean('order 1234567890123'), 'order 1234567890123');
  });

  it('does nothing with no presets and no patterns', () => {
    assert.equal(
      sanitizer([]).clean('mail a@b.io key sk-proj-abcdefghijklmnopqrstu'),
      'mail a@b.io key sk-proj-abcdefghijklmnopqrstu',
    );
  });

  it('applies configured patterns, every match, repeatedly (no lastIndex state)', () => {
    const s = sanitizer([], ['ID-\\d+']);
    assert.equal(s.clean('ID-1 and ID-22'), '[REDACTED] and [REDACTED]');
    assert.equal(s.clean('ID-3'), '[REDACTED]');
  });

  it('redacts before truncating, so a secret across the cut is not half exported', () => {
    const s = sanitizer(['email'], [], 30);
    const out = s.clean(`${'a'.repeat(20)} jane@example.com tail`);
    assert.ok(!out.includes('jane'));
    assert.equal(out.length, 30);
    assert.ok(out.endsWith('…[truncated]'));
  });
});

describe('captureContent', () => {
  it('prefers the config field, then OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT, default off', () => {
    const on = { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' };
    assert.equal(captureContent(false, on), false);
    assert.equal(captureContent(true, {}), true);
    assert.equal(captureContent(null, on), true);
    assert.equal(
      captureContent(undefined, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'TRUE ' }),
      true,
    );
    assert.equal(
      captureContent(undefined, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'yes' }),
      false,
    );
    assert.equal(captureContent(undefined, {}), false);
  });
});
