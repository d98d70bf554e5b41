// The outcome-aware sampling decision, with plain calls: each keep rule, their order, the
// caller's flag, and the ratio's agreement with the SDK's TraceIdRatioBased sampler.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, SamplingDecision as SdkDecision, TraceFlags } from '@opentelemetry/api';
import { TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import {
  samplingDecision,
  traceIdBelowRatio,
  type SamplingSettings,
} from '../../src/instrumentation/sampling';
import { llmCall } from '../fixtures/llm-call';

const NONE: SamplingSettings = { ratio: 0, keepErrors: true };
const never = (): number => 0.999999;
const always = (): number => 0;
const failed = llmCall({ outcome: { httpStatus: 500, isError: true, errorType: '500' } });
const parent = (flags: number) => ({
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: flags,
  isRemote: true,
});

describe('samplingDecision', () => {
  it('keeps errors by default and drops them when keep_errors is off', () => {
    assert.deepEqual(samplingDecision(failed, undefined, NONE, undefined, never), {
      keep: true,
      reason: 'error',
    });
    assert.equal(
      samplingDecision(failed, undefined, { ...NONE, keepErrors: false }, undefined, never).keep,
      false,
    );
  });

  it('keeps a call at or above each threshold, and not below it', () => {
    const call = llmCall({
      timing: { startMs: 1_700_000_000_000, durationMs: 2000, timeToFirstTokenMs: 700 },
      usage: { inputTokens: 900, outputTokens: 100, totalTokens: 1000, estimated: false },
    });
    const cases: [Partial<SamplingSettings>, number | undefined, string][] = [
      [{ minDurationMs: 2000 }, undefined, 'duration'],
      [{ minTimeToFirstTokenMs: 700 }, undefined, 'time_to_first_token'],
      [{ minCost: 0.25 }, 0.25, 'cost'],
      [{ minTotalTokens: 1000 }, undefined, 'tokens'],
    ];
    for (const [rule, cost, reason] of cases) {
      assert.deepEqual(samplingDecision(call, cost, { ...NONE, ...rule }, undefined, never), {
        keep: true,
        reason,
      });
    }
    const below: [Partial<SamplingSettings>, number | undefined][] = [
      [{ minDurationMs: 2001 }, undefined],
      [{ minTimeToFirstTokenMs: 701 }, undefined],
      [{ minCost: 0.26 }, 0.25],
      [{ minCost: 0.01 }, undefined], // no cost known: the rule cannot be met
      [{ minTotalTokens: 1001 }, undefined],
    ];
    for (const [rule, cost] of below) {
      assert.deepEqual(samplingDecision(call, cost, { ...NONE, ...rule }, undefined, never), {
        keep: false,
        reason: 'ratio',
      });
    }
  });

  it('reports the first rule met, in the documented order', () => {
    const slowFailed = llmCall({
      outcome: { httpStatus: 429, isError: true, errorType: '429' },
      timing: { startMs: 1_700_000_000_000, durationMs: 9000 },
    });
    const all: SamplingSettings = { ...NONE, minDurationMs: 1, minCost: 0, minTotalTokens: 0 };
    assert.equal(samplingDecision(slowFailed, 1, all, undefined, never).reason, 'error');
    assert.equal(
      samplingDecision(slowFailed, 1, { ...all, keepErrors: false }, undefined, never).reason,
      'duration',
    );
  });

  it("follows the caller's flag when no rule applies, and rules win over a not-sampled caller", () => {
    const ok = llmCall();
    assert.deepEqual(samplingDecision(ok, undefined, NONE, parent(TraceFlags.SAMPLED), never), {
      keep: true,
      reason: 'parent',
    });
    assert.deepEqual(samplingDecision(ok, undefined, { ...NONE, ratio: 1 }, parent(0), always), {
      keep: false,
      reason: 'parent',
    });
    assert.deepEqual(samplingDecision(failed, undefined, NONE, parent(0), never), {
      keep: true,
      reason: 'error',
    });
    // An invalid parent (all-zero trace id) is no parent: the ratio decides.
    const invalid = { ...parent(TraceFlags.SAMPLED), traceId: '0'.repeat(32) };
    assert.equal(samplingDecision(ok, undefined, NONE, invalid, never).reason, 'ratio');
  });

  it("samples the rest at the ratio: on Kong's trace id when logged, else on the random value", () => {
    const ok = llmCall();
    assert.equal(
      samplingDecision(ok, undefined, { ...NONE, ratio: 1 }, undefined, never).keep,
      true,
    );
    assert.equal(samplingDecision(ok, undefined, NONE, undefined, always).keep, false);
    assert.equal(
      samplingDecision(ok, undefined, { ...NONE, ratio: 0.5 }, undefined, () => 0.49).keep,
      true,
    );
    assert.equal(
      samplingDecision(ok, undefined, { ...NONE, ratio: 0.5 }, undefined, () => 0.5).keep,
      false,
    );
    // With Kong's trace id the random value is not consulted: the verdict is the id's.
    const lowId = llmCall({ kong: { traceId: '00000000000000000000000000000001' } });
    const highId = llmCall({ kong: { traceId: 'ffffffff000000000000000000000000' } });
    const half = { ...NONE, ratio: 0.5 };
    assert.equal(samplingDecision(lowId, undefined, half, undefined, never).keep, true);
    assert.equal(samplingDecision(highId, undefined, half, undefined, always).keep, false);
  });
});

describe('traceIdBelowRatio', () => {
  it('agrees with the SDK TraceIdRatioBased sampler on 2,000 ids and 5 ratios', () => {
    let seed = 7;
    const nextHex = (): string => {
      let out = '';
      for (let i = 0; i < 32; i += 1) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        out += (seed >>> 16).toString(16).slice(-1);
      }
      return out;
    };
    let kept = 0;
    for (const ratio of [0, 0.1, 0.5, 0.9, 1]) {
      const sdk = new TraceIdRatioBasedSampler(ratio);
      for (let i = 0; i < 400; i += 1) {
        const id = nextHex();
        const expected =
          (sdk.shouldSample(ROOT_CONTEXT, id).decision as number) ===
          (SdkDecision.RECORD_AND_SAMPLED as number);
        assert.equal(traceIdBelowRatio(id, ratio), expected, `${id} at ${ratio}`);
        if (expected) kept += 1;
      }
    }
    // Not a degenerate comparison: both verdicts occur.
    assert.ok(kept > 400 && kept < 1600, `kept ${kept}`);
  });
});
