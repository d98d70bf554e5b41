// SIGTERM (Kong stopping its plugin servers): queued spans and the last metric interval are
// exported before the plugin server exits, well inside the shutdown deadline.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as F from '../fixtures/serialized-logs';
import { startHarness, type Harness } from '../helpers/plugin-harness';

describe('SIGTERM', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.stop();
  });

  it('flushes queued spans and the last metric interval, then exits', async () => {
    // Long delay and interval: nothing would be exported before shutdown on its own.
    const entity = h.entity('5d000000-0000-4000-8000-000000000001', {
      scheduled_delay_ms: 60_000,
      metrics_export_interval_ms: 3_600_000,
    });
    for (let i = 0; i < 5; i += 1) {
      const log = F.log39();
      (log.request as Record<string, unknown>).id = `sigterm-${i}`;
      await h.runLog(entity, { serialized: log });
    }
    assert.equal(h.receiver.spans().length, 0, 'nothing exported before SIGTERM');
    const started = Date.now();
    const exit = await h.server.kill('SIGTERM', 10_000);
    const tookMs = Date.now() - started;
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(tookMs < 3000, `exited in ${tookMs} ms, within the 3000 ms default deadline`);
    assert.equal(h.receiver.spans().length, 5);
    const requests = h.receiver.metrics().find(m => m.name === 'ai_llm_requests_total');
    assert.equal(
      requests?.points.reduce((sum, p) => sum + (p.value ?? 0), 0),
      5,
    );
  });
});
