// Config changes under traffic (Kong bumps `__seq__`): Kong starts a new instance and closes the
// old one; on our plugin server entry the old instance's exporters are shut down at once (last
// interval flushed), so providers do not pile up across changes.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as F from '../fixtures/serialized-logs';
import { selfMetric } from '../helpers/fault-tools';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';
import { ROOT, startHarness, type Harness } from '../helpers/plugin-harness';

const OUR_ENTRY = path.join(ROOT, 'dist/bin/genai-otel-pluginserver.js');
const PLUGIN_ID = 'cc100000-0000-4000-8000-000000000001';

const logWithId = (id: string) => {
  const log = F.log39();
  (log.request as Record<string, unknown>).id = id;
  return log;
};

describe('config change under traffic', () => {
  let h: Harness;
  let next: OtlpReceiver;
  before(async () => {
    h = await startHarness({ command: OUR_ENTRY });
    next = await startOtlpReceiver();
  });
  after(async () => {
    await h?.stop();
    await next?.close();
  });

  it('replaces the instance, moves telemetry to the new settings and shuts the old exporters down', async () => {
    const exportTo = (r: OtlpReceiver) => ({
      traces_endpoint: r.tracesUrl,
      metrics_endpoint: r.metricsUrl,
      metrics_export_interval_ms: 200,
    });
    const v1 = h.entity(PLUGIN_ID, exportTo(h.receiver), 1);
    const v2 = h.entity(PLUGIN_ID, exportTo(next), 2);

    // Traffic on the old config, then the change lands under concurrent traffic (Kong sends the
    // new `__seq__` from then on; the old instance's events have all completed).
    const first = await Promise.all(
      Array.from({ length: 10 }, (_, i) => h.runLog(v1, { serialized: logWithId(`v1-${i}`) })),
    );
    const during = await Promise.all(
      Array.from({ length: 10 }, (_, i) => h.runLog(v2, { serialized: logWithId(`v2-${i}`) })),
    );
    for (const e of [...first, ...during]) {
      assert.equal(e.timedOut, false);
      assert.equal(e.pdkCalls, 1);
    }

    // Kong's order: StartInstance for the new seq, then CloseInstance of the old id.
    const life = h.emulator.lifecycle.filter(l => l.pluginId === PLUGIN_ID);
    const startV2 = life.findIndex(l => l.method === 'plugin.StartInstance' && l.seq === 2);
    const closeV1 = life.findIndex(l => l.method === 'plugin.CloseInstance');
    assert.ok(startV2 >= 0 && closeV1 > startV2, JSON.stringify(life));
    assert.equal(life[closeV1]!.error, undefined);

    // New telemetry goes to the new collector.
    await next.waitFor(
      r =>
        r.spans().filter(s => String(s.attributes['kong.request.id']).startsWith('v2-')).length ===
        10,
    );
    assert.equal(
      h.receiver.spans().filter(s => String(s.attributes['kong.request.id']).startsWith('v2-'))
        .length,
      0,
    );

    // The old providers flushed their last interval when shut down...
    await h.receiver.waitFor(r =>
      r
        .metrics()
        .some(m => m.name === 'ai_llm_requests_total' && m.points.some(p => (p.value ?? 0) >= 10)),
    );
    // ...and only the new settings' exporters are alive in the plugin server.
    await next.waitFor(
      r =>
        selfMetric(r, 'kong.genai_otel.exporters.active', { signal: 'traces' }) === 1 &&
        selfMetric(r, 'kong.genai_otel.exporters.active', { signal: 'metrics' }) === 1 &&
        r.metrics().filter(m => m.name === 'kong.genai_otel.exporters.active').length >= 2,
      5000,
    );
    const latest = (signal: string): number | undefined => {
      const points = next
        .metrics()
        .filter(m => m.name === 'kong.genai_otel.exporters.active')
        .flatMap(m => m.points.filter(p => p.attributes.signal === signal));
      return points[points.length - 1]?.value;
    };
    assert.equal(latest('traces'), 1);
    assert.equal(latest('metrics'), 1);
  });
});
