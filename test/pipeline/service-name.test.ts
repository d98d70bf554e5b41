// service.name precedence: the config field, else OTEL_SERVICE_NAME (as every OpenTelemetry SDK
// reads it), else `kong`; the same for spans and metrics, for the plugin and replay alike.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigSchema } from '../../schemas/config';
import { resolveMetricSettings, resolveTraceSettings } from '../../src/pipeline/settings';

const both = (raw: Record<string, unknown>, env: NodeJS.ProcessEnv) => {
  const config = ConfigSchema.parse(raw);
  return [
    resolveTraceSettings(config, env).serviceName,
    resolveMetricSettings(config, env).serviceName,
  ];
};

describe('service.name precedence', () => {
  it('uses service_name when the config sets it, whatever the environment says', () => {
    assert.deepEqual(both({ service_name: 'edge' }, { OTEL_SERVICE_NAME: 'env-name' }), [
      'edge',
      'edge',
    ]);
  });
  it('falls back to OTEL_SERVICE_NAME when service_name is unset or null (Kong sends null)', () => {
    assert.deepEqual(both({}, { OTEL_SERVICE_NAME: 'env-name' }), ['env-name', 'env-name']);
    assert.deepEqual(both({ service_name: null }, { OTEL_SERVICE_NAME: ' env-name ' }), [
      'env-name',
      'env-name',
    ]);
  });
  it('falls back to kong when neither is set (a blank variable counts as unset)', () => {
    assert.deepEqual(both({}, {}), ['kong', 'kong']);
    assert.deepEqual(both({}, { OTEL_SERVICE_NAME: '  ' }), ['kong', 'kong']);
  });
});
