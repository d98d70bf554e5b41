// No secret on any plugin-server log line, even with -v (every RPC's arguments printed): OTLP
// header values, request headers, message bodies and URL credentials are masked; an unparsable
// OTLP endpoint from the environment is one clear error per instance, credentials masked, and
// that instance emits nothing while the others work.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as F from '../fixtures/serialized-logs';
import { sleep, withRequestId } from '../helpers/fault-tools';
import { ROOT, startHarness, type Harness } from '../helpers/plugin-harness';

const OUR_ENTRY = path.join(ROOT, 'dist/bin/genai-otel-pluginserver.js');
const OTLP_TOKEN = 'Api-Token dt0c01.LOGSECRETTOKEN0000000000.ZZZZ';
const ENV_PASSWORD = 'envpassSECRET77';
const REQUEST_AUTH = 'Bearer reqHeaderSECRET-0123456789';
const BODY_SECRET = 'bodyTextSECRET-pleasehide';

describe('plugin-server output never carries a secret', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      command: OUR_ENTRY,
      extraArgs: ['-v'],
      // Unparsable: the port is out of range. Only instances that rely on the environment use it.
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://otel:${ENV_PASSWORD}@collector:99999` },
    });
  });
  after(async () => {
    await h?.stop();
  });

  it('with -v, masks header values, URL credentials, request headers and serialized logs', async () => {
    const working = h.entity('1a000000-0000-4000-8000-000000000001', {
      headers: { Authorization: OTLP_TOKEN },
      capture_message_content: true,
    });
    const envOnly = [2, 3].map(i =>
      h.entity(`1a000000-0000-4000-8000-00000000000${i}`, {
        traces_endpoint: null,
        metrics_endpoint: null,
        headers: { Authorization: OTLP_TOKEN },
      }),
    );
    const log = () =>
      F.log39({
        request: { model: 'm', messages: [{ role: 'user', content: BODY_SECRET }] },
      });
    for (const entity of envOnly) {
      for (let i = 0; i < 3; i += 1) {
        const result = await h.runLog(entity, {
          serialized: log(),
          requestHeaders: { authorization: REQUEST_AUTH },
        });
        assert.equal(result.error, undefined, 'the instance fails quietly, traffic goes on');
      }
    }
    await h.runLog(working, {
      serialized: withRequestId(log(), 'log-secrets-ok'),
      requestHeaders: { authorization: REQUEST_AUTH },
    });
    const span = await h.spanFor('log-secrets-ok');
    assert.equal(span.attributes['kong.request.id'], 'log-secrets-ok', 'other instances work');
    await sleep(200);

    const output = h.server.stdout() + h.server.stderr();
    assert.match(output, /\[DEBUG\] rpc: #\d+ method: plugin\.StartInstance/, 'sanity: -v is on');
    for (const needle of [
      OTLP_TOKEN,
      'LOGSECRETTOKEN',
      ENV_PASSWORD,
      REQUEST_AUTH,
      'reqHeaderSECRET',
      BODY_SECRET,
    ]) {
      assert.ok(!output.includes(needle), `"${needle}" appears in the plugin server output`);
    }
    const disabled = output
      .split('\n')
      .filter(line => line.includes('telemetry disabled for this plugin instance'));
    assert.equal(disabled.length, 2, `one line per instance:\n${disabled.join('\n')}`);
    for (const line of disabled) {
      assert.match(
        line,
        /OTEL_EXPORTER_OTLP_ENDPOINT is not an http\(s\) URL: http:\/\/otel:\*\*\*@collector:99999/,
      );
    }
    // Only the working instance exported.
    assert.ok(h.receiver.spans().every(s => s.attributes['kong.request.id'] === 'log-secrets-ok'));
  });
});
