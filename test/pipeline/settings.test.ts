// Config + environment -> settings for the features that read both: content destination (the
// GenAI capture variable's modes, any case), the logs endpoint, and sampling defaults.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigSchema } from '../../schemas/config';
import { loadConfig } from '../../src/pipeline/load-config';
import {
  captureContent,
  contentDestination,
  resolveLogSettings,
  resolveSamplingSettings,
} from '../../src/pipeline/settings';

const VAR = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

describe('content capture and destination from the environment', () => {
  it('reads true, SPAN_ONLY, EVENT_ONLY and SPAN_AND_EVENT in any case', () => {
    const cases: [string, boolean, string][] = [
      ['true', true, 'span'],
      ['TRUE', true, 'span'],
      ['span_only', true, 'span'],
      ['EVENT_ONLY', true, 'event'],
      ['Event_Only', true, 'event'],
      [' SPAN_AND_EVENT ', true, 'span_and_event'],
      ['NO_CONTENT', false, 'span'],
      ['false', false, 'span'],
      ['junk', false, 'span'],
      ['', false, 'span'],
    ];
    for (const [value, capture, destination] of cases) {
      const env = { [VAR]: value };
      assert.equal(captureContent(undefined, env), capture, value);
      assert.equal(contentDestination(undefined, env), destination, value);
    }
  });

  it('lets the config fields win over the environment', () => {
    const env = { [VAR]: 'EVENT_ONLY' };
    assert.equal(captureContent(false, env), false);
    assert.equal(contentDestination('span_and_event', env), 'span_and_event');
    assert.equal(contentDestination(null, {}), 'span');
  });
});

describe('logs endpoint', () => {
  const config = ConfigSchema.parse({});
  it('uses the config, else the logs env var, else the base endpoint + /v1/logs', () => {
    assert.equal(
      resolveLogSettings(ConfigSchema.parse({ logs_endpoint: 'http://c:1/x' }), {}).url,
      'http://c:1/x',
    );
    assert.equal(
      resolveLogSettings(config, { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://l:2/logs' }).url,
      'http://l:2/logs',
    );
    assert.equal(
      resolveLogSettings(config, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b:3/' }).url,
      'http://b:3/v1/logs',
    );
    assert.equal(resolveLogSettings(config, {}).url, 'http://localhost:4318/v1/logs');
  });
});

describe('sampling settings', () => {
  it('unset (or null from Kong) keeps errors and has no thresholds', () => {
    for (const sampling of [undefined, null]) {
      assert.deepEqual(
        resolveSamplingSettings(ConfigSchema.parse({ sampling, sample_ratio: 0.2 })),
        {
          ratio: 0.2,
          keepErrors: true,
          minDurationMs: undefined,
          minTimeToFirstTokenMs: undefined,
          minCost: undefined,
          minTotalTokens: undefined,
        },
      );
    }
  });

  it('refuses negative thresholds and fractional token counts', () => {
    for (const sampling of [
      { min_duration_ms: -1 },
      { min_cost: -0.1 },
      { min_total_tokens: 1.5 },
    ]) {
      assert.equal(loadConfig({ sampling }).ok, false, JSON.stringify(sampling));
    }
  });
});

describe('header attributes config', () => {
  it('refuses credential headers in any case, naming the field', () => {
    for (const header of ['authorization', 'Cookie', 'PROXY-AUTHORIZATION']) {
      const result = loadConfig({ header_attributes: { [header]: 'x' } });
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.match(result.message, /config\.header_attributes/);
        assert.match(result.message, /credential header/);
      }
    }
  });

  it('refuses a metric attribute that no header provides', () => {
    const result = loadConfig({
      header_attributes: { 'x-session-id': 'session.id' },
      header_attributes_in_metrics: ['session.id', 'user.id'],
    });
    assert.equal(result.ok, false);
    if (!result.ok)
      assert.match(
        result.message,
        /header_attributes_in_metrics\.1: must be an attribute name.*user\.id/,
      );
    assert.equal(
      loadConfig({
        header_attributes: { 'x-session-id': 'session.id' },
        header_attributes_in_metrics: ['session.id'],
      }).ok,
      true,
    );
  });
});
