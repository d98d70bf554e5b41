// callsFromLog over every Kong log shape, and its totality on garbage.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callsFromLog } from '../../src/genai/calls';
import * as F from '../fixtures/serialized-logs';

const SHAPES = {
  'OSS 3.6 flat ai.meta/ai.usage': F.log36,
  'OSS 3.7 ai["ai-proxy"] with singular token names': F.log37,
  'OSS 3.8 ai["ai-proxy"]': F.log38,
  'OSS 3.9 ai.proxy': F.log39,
  'EE 3.12 ai.proxy with request_mode and details': F.logEe312,
};

describe('callsFromLog', () => {
  for (const [shape, build] of Object.entries(SHAPES)) {
    it(`reads tokens and models from the ${shape} shape`, () => {
      const calls = callsFromLog(build());
      assert.equal(calls.length, 1);
      const call = calls[0]!;
      assert.equal(call.provider, 'openai');
      assert.equal(call.operation, 'chat');
      assert.equal(call.requestModel, 'gpt-4o-mini');
      assert.equal(call.responseModel, 'gpt-4o-mini-2024-07-18');
      assert.equal(call.usage.inputTokens, 25);
      assert.equal(call.usage.outputTokens, 12);
      assert.equal(call.usage.totalTokens, 37);
      assert.equal(call.mode, 'oneshot');
    });
  }

  it('takes the timing from started_at, latencies.kong and meta.llm_latency', () => {
    const call = callsFromLog(F.log39({ llmLatency: 1000 }))[0]!;
    assert.equal(call.timing.startMs, F.STARTED_AT + 3);
    assert.equal(call.timing.durationMs, 1000);
  });

  it('falls back to latencies.proxy when llm_latency is missing (3.6/3.7)', () => {
    const call = callsFromLog(F.log37())[0]!;
    assert.equal(call.timing.durationMs, 1260);
  });

  it('reads Kong context, the caller traceparent and server facts', () => {
    const call = callsFromLog(F.log39({ traceparent: F.TRACEPARENT }))[0]!;
    assert.equal(call.traceparent, F.TRACEPARENT);
    assert.deepEqual(call.kong, {
      routeName: 'openai-chat',
      routeId: 'r0000000-0000-4000-8000-000000000001',
      serviceName: 'llm',
      serviceId: 's0000000-0000-4000-8000-000000000001',
      consumerUsername: 'team-a',
      consumerId: 'c0ffee00-0000-4000-8000-000000000001',
      workspaceName: 'default',
      requestId: 'b1c2d3e4f5a6b7c8d9e0',
      traceId: 'aaaabbbbccccddddeeeeffff00001111',
      pluginId: '6e7c40f6-0000-4000-8000-000000000001',
    });
    assert.equal(call.server.address, 'api.openai.com');
    assert.equal(call.server.port, 443);
  });

  it('marks upstream 4xx/5xx as errors with the status as error type', () => {
    const call = callsFromLog(F.log39({ status: 429, upstreamStatus: '429' }))[0]!;
    assert.deepEqual(call.outcome, {
      httpStatus: 429,
      upstreamStatus: 429,
      isError: true,
      errorType: '429',
    });
    const ok = callsFromLog(F.log39())[0]!;
    assert.equal(ok.outcome.isError, false);
    assert.equal(ok.outcome.errorType, undefined);
  });

  it('marks a Kong error source without an error status as _OTHER', () => {
    const call = callsFromLog({ ...F.log39(), source: 'error' })[0]!;
    assert.equal(call.outcome.errorType, '_OTHER');
  });

  it('skips the UNSPECIFIED model Kong logs for multipart bodies', () => {
    const call = callsFromLog(F.log39({ requestModel: 'UNSPECIFIED', payloads: false }))[0]!;
    assert.equal(call.requestModel, undefined);
  });

  it('finds no call without an ai table and never throws on garbage', () => {
    const { ai: _ai, ...noAi } = F.log39();
    assert.deepEqual(callsFromLog(noAi), []);
    for (const junk of [
      null,
      undefined,
      42,
      'text',
      [],
      { ai: 'x' },
      { ai: { proxy: { meta: 1, usage: [] } } },
    ]) {
      assert.deepEqual(callsFromLog(junk), []);
    }
    const weird = callsFromLog({
      ai: { proxy: { meta: { provider_name: 7 }, usage: { prompt_tokens: 'x' } } },
      latencies: { proxy: -1 },
      started_at: 'no',
    });
    assert.equal(weird.length, 1);
    assert.equal(weird[0]!.provider, 'unknown');
    assert.ok(weird[0]!.timing.durationMs >= 0);
  });

  it('reads one call per AI child when several plugins logged', () => {
    const log = F.log39();
    const proxy = (log.ai as Record<string, unknown>).proxy;
    const calls = callsFromLog({ ...log, ai: { proxy, 'ai-request-transformer': proxy } });
    assert.deepEqual(
      calls.map(c => c.source),
      ['proxy', 'ai-request-transformer'],
    );
  });
});
