// A span that would exceed the attribute count limit keeps what matters: every core GenAI and
// kong.* attribute survives, the conversation content is what gets cut, and a marker says so.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { ConfigSchema } from '../../schemas/config';
import { Pipeline, type TelemetrySinks } from '../../src/pipeline/pipeline';
import { createMetricInstruments } from '../../src/instrumentation/metric-instruments';
import { SPAN_LIMITS } from '../../src/export/tracer-provider';
import * as F from '../fixtures/serialized-logs';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({
  spanLimits: SPAN_LIMITS,
  spanProcessors: [new SimpleSpanProcessor({ exporter })],
});
const sinks: TelemetrySinks = {
  tracer: provider.getTracer('attribute-budget'),
  instruments: [createMetricInstruments(new MeterProvider().getMeter('attribute-budget'))],
  release: () => Promise.resolve(),
};

/** A 300-message conversation with a tool call in every assistant turn. */
function longConversation(): Record<string, unknown> {
  const messages = Array.from({ length: 300 }, (_, i) =>
    i % 2 === 0
      ? { role: 'user', content: `question ${i}` }
      : {
          role: 'assistant',
          content: `answer ${i}`,
          tool_calls: [
            { id: `call_${i}`, type: 'function', function: { name: 'lookup', arguments: '{}' } },
          ],
        },
  );
  return { model: 'gpt-4o', messages };
}

describe('attribute count limit', () => {
  it('keeps the core attributes of a 300-message conversation and marks the cut', () => {
    const config = ConfigSchema.parse({ capture_message_content: true, semconv: 'both' });
    const withoutContent = ConfigSchema.parse({ semconv: 'both' });
    const log = F.log39({ request: longConversation() });
    exporter.reset();
    new Pipeline(withoutContent, {}, sinks).processLog(structuredClone(log));
    new Pipeline(config, {}, sinks).processLog(structuredClone(log));
    const [plain, captured] = exporter.getFinishedSpans();
    assert.ok(plain && captured);
    const count = Object.keys(captured.attributes).length;
    assert.ok(count <= SPAN_LIMITS.attributeCountLimit, `${count} attributes`);
    assert.equal(captured.droppedAttributesCount, 0, 'nothing left for the SDK to drop at random');

    // Every attribute of the span without content is on the span with content, unchanged.
    for (const [key, value] of Object.entries(plain.attributes)) {
      assert.deepEqual(captured.attributes[key], value, key);
    }
    for (const key of [
      'gen_ai.operation.name',
      'gen_ai.provider.name',
      'gen_ai.request.model',
      'gen_ai.usage.input_tokens',
      'server.address',
      'kong.request.id',
      'kong.trace_id',
    ]) {
      assert.ok(key in captured.attributes, key);
    }
    // Content is cut, and the span says so; the first messages are the ones kept.
    assert.equal(captured.attributes['kong.gen_ai.content.truncated'], true);
    assert.equal(plain.attributes['kong.gen_ai.content.truncated'], undefined);
    assert.equal(captured.attributes['gen_ai.prompt.0.content'], 'question 0');
    assert.equal(captured.attributes['gen_ai.prompt.299.role'], undefined);
    // The latest vocabulary's single JSON attribute holds the whole conversation.
    const input = JSON.parse(String(captured.attributes['gen_ai.input.messages'])) as unknown[];
    assert.equal(input.length, 300);
  });

  it('adds no marker when everything fits', () => {
    const config = ConfigSchema.parse({ capture_message_content: true, semconv: 'both' });
    exporter.reset();
    new Pipeline(config, {}, sinks).processLog(F.log39());
    const [span] = exporter.getFinishedSpans();
    assert.equal(span?.attributes['kong.gen_ai.content.truncated'], undefined);
    assert.equal(span?.droppedAttributesCount, 0);
  });
});
