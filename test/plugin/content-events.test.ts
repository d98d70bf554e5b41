// Content as the GenAI `gen_ai.client.inference.operation.details` log event, through the real
// plugin server and decoded by OpenTelemetry's generated protobuf code: in the span's trace
// context, redacted by the same sanitizer as span content, on the destination the config picks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as F from '../fixtures/serialized-logs';
import { startHarness, type Harness } from '../helpers/plugin-harness';
import type { FlatLogRecord, FlatSpan } from '../helpers/otlp-receiver';

const EMAIL = 'jane.doe@example.com';
const CUSTOM = 'ACME-77-SECRET';
const request = {
  ...F.CHAT_REQUEST,
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: `Mail ${EMAIL} about ${CUSTOM}` },
  ],
};

let h: Harness;
let seq = 0;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.stop();
});

async function run(
  entityId: string,
  config: Record<string, unknown>,
  options: F.LogOptions = {},
): Promise<{ id: string; span: FlatSpan }> {
  const entity = h.entity(entityId, {
    capture_message_content: true,
    redact_patterns: ['ACME-\\d+-SECRET'],
    ...config,
  });
  const log = F.log39({ request, ...options });
  const id = `ev-${++seq}-${process.pid}`;
  (log.request as Record<string, unknown>).id = id;
  await h.runLog(entity, { serialized: log, status: options.status ?? 200 });
  return { id, span: await h.spanFor(id) };
}

const eventFor = (id: string) =>
  h.receiver.waitFor(r =>
    r.logRecords().find((l: FlatLogRecord) => l.attributes['kong.request.id'] === id),
  );

describe('content events (content_destination)', () => {
  it('event: content leaves as one redacted log event in the span context, not on the span', async () => {
    const { id, span } = await run('ce000000-0000-4000-8000-000000000001', {
      content_destination: 'event',
      header_attributes: { 'x-session-id': 'session.id' },
    });
    const event = await eventFor(id);
    assert.equal(event.eventName, 'gen_ai.client.inference.operation.details');
    assert.equal(event.traceId, span.traceId);
    assert.equal(event.spanId, span.spanId);
    assert.equal(event.flags & 1, 1, 'sampled flag of the span');
    assert.equal(event.timeUnixNano, span.endTimeUnixNano);
    assert.equal(event.resource['service.name'], 'kong');
    assert.equal(event.scope.name, 'kong-genai-otel');
    // Structured (AnyValue) messages on the event, the semconv form for events.
    assert.deepEqual(event.attributes['gen_ai.input.messages'], [
      { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Mail [REDACTED] about [REDACTED]' }] },
    ]);
    assert.deepEqual(event.attributes['gen_ai.output.messages'], [
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'The answer is 2.' }],
        finish_reason: 'stop',
      },
    ]);
    assert.equal(event.attributes['gen_ai.operation.name'], 'chat');
    assert.equal(event.attributes['gen_ai.provider.name'], 'openai');
    assert.equal(event.attributes['gen_ai.request.model'], 'gpt-4o-mini');
    assert.equal(event.attributes['gen_ai.usage.input_tokens'], 25);
    const raw = JSON.stringify(event.raw);
    assert.ok(!raw.includes(EMAIL) && !raw.includes(CUSTOM), 'no secret in the event');
    for (const key of Object.keys(span.attributes)) {
      assert.doesNotMatch(key, /^gen_ai\.(input|output)\.messages$|^gen_ai\.prompt\./, key);
    }
  });

  it('span_and_event: the same redacted text on both', async () => {
    const { id, span } = await run('ce000000-0000-4000-8000-000000000002', {
      content_destination: 'span_and_event',
      semconv: 'latest',
    });
    const event = await eventFor(id);
    assert.deepEqual(
      JSON.parse(String(span.attributes['gen_ai.input.messages'])),
      event.attributes['gen_ai.input.messages'],
    );
    assert.equal(event.traceId, span.traceId);
  });

  it('span (the default): no log event at all', async () => {
    const { span } = await run('ce000000-0000-4000-8000-000000000003', {});
    assert.ok(typeof span.attributes['gen_ai.input.messages'] === 'string');
    // The event of the next call (event destination) arrives; none for this one ever did.
    const { id } = await run('ce000000-0000-4000-8000-000000000001', {
      content_destination: 'event',
      header_attributes: { 'x-session-id': 'session.id' },
    });
    await eventFor(id);
    const spanId = span.spanId;
    assert.equal(h.receiver.logRecords().filter(l => l.spanId === spanId).length, 0);
  });

  it('follows the span: a call sampled away emits no event, a kept error does', async () => {
    const config = { content_destination: 'event', sample_ratio: 0 };
    const entity = h.entity('ce000000-0000-4000-8000-000000000004', {
      capture_message_content: true,
      ...config,
    });
    const dropped = F.log39({ request });
    const droppedId = `ev-drop-${++seq}-${process.pid}`;
    (dropped.request as Record<string, unknown>).id = droppedId;
    await h.runLog(entity, { serialized: dropped });
    const { id, span } = await run('ce000000-0000-4000-8000-000000000004', config, {
      status: 500,
      upstreamStatus: '500',
    });
    const event = await eventFor(id);
    assert.equal(event.spanId, span.spanId);
    assert.equal(event.attributes['error.type'], '500');
    assert.equal(
      h.receiver.logRecords().filter(l => l.attributes['kong.request.id'] === droppedId).length,
      0,
    );
  });
});
