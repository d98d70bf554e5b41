// Streamed calls (docs/design.md#timing-rules): detection, time to first token, generation time,
// the span's end covering the whole stream, and Kong's estimated tokens on OSS.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callsFromLog } from '../../src/genai/calls';
import { spanAttributes } from '../../src/instrumentation/span-attributes';
import { STARTED_AT } from '../fixtures/serialized-logs';
import * as S from '../fixtures/stream-logs';

describe('streamed calls', () => {
  it('OSS 3.9: stream from the request payload, TTFT = latencies.proxy, estimated tokens', () => {
    const call = callsFromLog(S.streamLog39())[0]!;
    assert.equal(call.mode, 'stream');
    assert.deepEqual(call.timing, {
      startMs: STARTED_AT + 2,
      durationMs: 410 + 2905,
      timeToFirstTokenMs: 410,
      generationMs: 2905,
      // Kong's provider-latency metric records meta.llm_latency as logged (OSS 3.9: to headers).
      llmLatencyMs: 412,
    });
    assert.equal(call.usage.estimated, true);
    assert.equal(call.usage.inputTokens, 18);
    assert.equal(call.usage.outputTokens, 13);
    assert.equal(call.responseModel, 'gpt-4o-mini');
    assert.deepEqual(
      call.response.choices?.map(c => c.finishReason),
      ['stop'],
    );
    const a = spanAttributes(call, 'both', undefined);
    assert.equal(a['kong.gen_ai.usage.estimated'], true);
    assert.equal(a['kong.gen_ai.request.mode'], 'stream');
    assert.equal(a['llm.is_streaming'], true);
    assert.equal(a['gen_ai.request.stream'], true);
    assert.equal(a['gen_ai.response.time_to_first_chunk'], 0.41);
  });

  it('EE 3.12: request_mode and time_to_first_token given by Kong', () => {
    const call = callsFromLog(S.streamLogEe312())[0]!;
    assert.equal(call.mode, 'stream');
    assert.equal(call.timing.timeToFirstTokenMs, 350);
    assert.equal(call.timing.generationMs, 2905);
    assert.equal(call.timing.durationMs, 350 + 2905);
  });

  it('detects a stream from the SSE response content type alone', () => {
    const log = S.streamLog39();
    delete (log.ai as Record<string, Record<string, unknown>>).proxy!.payload;
    assert.equal(callsFromLog(log)[0]!.mode, 'stream');
  });

  it('does not mark tokens estimated for providers that stream their counts', () => {
    for (const provider of ['anthropic', 'gemini', 'bedrock', 'cohere']) {
      assert.equal(callsFromLog(S.streamLog39(provider))[0]!.usage.estimated, false, provider);
    }
  });

  it("prefers the provider's streamed usage when the payload carries it", () => {
    const log = S.streamLog39();
    const proxy = (log.ai as Record<string, Record<string, unknown>>).proxy!;
    const { response: _composite, ...fromProvider } = S.COMPOSITE_RESPONSE;
    (proxy.payload as Record<string, unknown>).response = JSON.stringify({
      ...fromProvider,
      usage: { prompt_tokens: 20, completion_tokens: 15, total_tokens: 35 },
    });
    const call = callsFromLog(log)[0]!;
    assert.equal(call.usage.estimated, false);
    assert.equal(call.usage.inputTokens, 20);
    assert.equal(call.usage.totalTokens, 35);
  });

  it('never ends before it starts, whatever the latencies', () => {
    const log = S.streamLog39();
    log.latencies = { kong: -5, proxy: -1, receive: Number.NaN, request: -3 };
    const call = callsFromLog(log)[0]!;
    assert.ok(call.timing.durationMs >= 0);
    assert.ok(Number.isFinite(call.timing.startMs));
  });
});
