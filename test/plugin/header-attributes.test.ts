// Session and user attribution from allow-listed request headers, through the real plugin
// server: values land on spans and content events (redacted, capped), only the listed names on
// metrics, repeated headers are joined, and headers outside the list never leave.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as F from '../fixtures/serialized-logs';
import { startHarness, type Harness } from '../helpers/plugin-harness';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';

let h: Harness;
let metricsReceiver: OtlpReceiver;
before(async () => {
  h = await startHarness();
  metricsReceiver = await startOtlpReceiver();
});
after(async () => {
  await h?.stop();
  await metricsReceiver?.close();
});

const HEADERS = {
  'x-session-id': 'sess-42',
  'x-user-id': 'jane.doe@example.com',
  'x-conversation-id': ['conv-1', 'conv-2'],
  'x-tenant': 'ünïcødé-租户',
  'x-huge': 'h'.repeat(100_000),
  'x-not-listed': 'must-not-leave',
};

function logWithHeaders(id: string, extra: Record<string, unknown> = HEADERS) {
  const log = F.log39({ request: F.CHAT_REQUEST });
  const request = log.request as Record<string, unknown>;
  request.id = id;
  request.headers = { ...(request.headers as Record<string, unknown>), ...extra };
  return log;
}

describe('header attributes', () => {
  it('copies allow-listed headers onto the span and the content event, redacted and capped', async () => {
    const entity = h.entity('ha000000-0000-4000-8000-000000000001', {
      header_attributes: {
        'X-Session-Id': 'session.id',
        'x-user-id': 'user.id',
        'x-conversation-id': 'gen_ai.conversation.id',
        'x-tenant': 'tenant.name',
        'x-huge': 'huge',
        'x-absent': 'absent',
      },
      capture_message_content: true,
      content_destination: 'span_and_event',
    });
    const id = `ha-${process.pid}-1`;
    await h.runLog(entity, { serialized: logWithHeaders(id) });
    const span = await h.spanFor(id);
    assert.equal(span.attributes['session.id'], 'sess-42');
    assert.equal(span.attributes['user.id'], '[REDACTED]');
    assert.equal(span.attributes['gen_ai.conversation.id'], 'conv-1, conv-2');
    assert.equal(span.attributes['tenant.name'], 'ünïcødé-租户');
    const huge = String(span.attributes.huge);
    assert.ok(huge.length <= 256 && huge.startsWith('hhh'), `capped: ${huge.length}`);
    assert.equal('absent' in span.attributes, false);
    const raw = JSON.stringify(span.raw);
    assert.ok(!raw.includes('must-not-leave') && !raw.includes('jane.doe'));

    const event = await h.receiver.waitFor(r =>
      r.logRecords().find(l => l.attributes['kong.request.id'] === id),
    );
    assert.equal(event.attributes['session.id'], 'sess-42');
    assert.equal(event.attributes['gen_ai.conversation.id'], 'conv-1, conv-2');
    assert.equal(event.attributes['user.id'], '[REDACTED]');
  });

  it('puts only header_attributes_in_metrics names on metric points', async () => {
    const entity = h.entity('ha000000-0000-4000-8000-000000000002', {
      header_attributes: { 'x-session-id': 'session.id', 'x-user-id': 'user.id' },
      header_attributes_in_metrics: ['session.id'],
      metrics_endpoint: metricsReceiver.metricsUrl,
      metrics_export_interval_ms: 200,
    });
    await h.runLog(entity, { serialized: logWithHeaders(`ha-${process.pid}-2`) });
    await h.runLog(entity, {
      serialized: logWithHeaders(`ha-${process.pid}-3`, { 'x-session-id': 'sess-43' }),
    });
    await h.runLog(entity, { serialized: logWithHeaders(`ha-${process.pid}-4`, {}) });
    const sessionsOf = (name: string): (string | undefined)[] | undefined => {
      const metric = metricsReceiver
        .metrics()
        .filter(m => m.name === name)
        .at(-1);
      if (metric === undefined) return undefined;
      const total = metric.points.reduce((n, p) => n + (p.value ?? p.count ?? 0), 0);
      return total === 3
        ? metric.points.map(p => p.attributes['session.id'] as string | undefined).sort()
        : undefined;
    };
    const kong = await metricsReceiver.waitFor(() => sessionsOf('ai_llm_requests_total'));
    assert.deepEqual(kong, ['sess-42', 'sess-43', undefined]);
    const genai = await metricsReceiver.waitFor(() =>
      sessionsOf('gen_ai.client.operation.duration'),
    );
    assert.deepEqual(genai, ['sess-42', 'sess-43', undefined]);
    for (const metric of metricsReceiver.metrics()) {
      for (const point of metric.points) assert.equal('user.id' in point.attributes, false);
    }
  });
});
