// Bad configs through the real plugin server (docs/design.md#failure-behaviour): a config Kong's
// schema accepts but zod refines away (invalid regex, non-http URL) disables only its instance,
// with exactly one log line naming the field; traffic is unaffected. An unreachable endpoint is no
// config error at all: events complete and the failed exports are counted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { METRIC_SELF_EXPORT_FAILURES } from '../../src/selfobs/self-metrics';
import * as F from '../fixtures/serialized-logs';
import { closedPort, selfMetric, unclean, withRequestId } from '../helpers/fault-tools';
import { startHarness, type Harness } from '../helpers/plugin-harness';
import type { EventResult } from '../kong-emulator/emulator';

describe('bad configs through the real plugin server', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.stop();
  });

  // Kong accepts the first four (its DSL has no regex or URL-scheme check); the last two never
  // get past Kong, but a config that bypasses it (old DB rows, hand-made declarative config) must
  // be caught the same way.
  const BAD: [string, string, unknown][] = [
    ['b0000000-0000-4000-8000-000000000001', 'redact_patterns', ['ok', '(unclosed']],
    ['b0000000-0000-4000-8000-000000000002', 'traces_endpoint', 'ftp://collector:4318/v1/traces'],
    ['b0000000-0000-4000-8000-000000000003', 'metrics_endpoint', 'not a url'],
    ['b0000000-0000-4000-8000-000000000004', 'traces_endpoint', 'file:///etc/passwd'],
    ['b0000000-0000-4000-8000-000000000005', 'timeout_ms', -5],
    ['b0000000-0000-4000-8000-000000000006', 'sample_ratio', 'all'],
    // A credential header as an attribute: Kong's map schema cannot refuse it, zod does.
    ['b0000000-0000-4000-8000-000000000007', 'header_attributes', { Authorization: 'user.id' }],
  ];

  it('disables only the bad instance: one line naming the field, nothing emitted, events complete', async () => {
    const results: EventResult[] = [];
    const ids: string[] = [];
    for (const [entityId, field, value] of BAD) {
      const entity = h.entity(entityId, { [field]: value });
      for (let i = 0; i < 5; i += 1) {
        const id = `bad-${field}-${entityId.slice(-2)}-${i}`;
        ids.push(id);
        results.push(await h.runLog(entity, { serialized: withRequestId(F.log39(), id) }));
      }
    }
    assert.deepEqual(unclean(results), [], 'every event completes with one PDK call');
    assert.ok(results.every(r => r.methods.join() === 'kong.log.serialize'));

    const lines = h.server
      .stderr()
      .split('\n')
      .filter(l => l.includes('invalid plugin config'));
    assert.equal(lines.length, BAD.length, `one line per instance:\n${lines.join('\n')}`);
    for (const [, field] of BAD) {
      const expected = BAD.filter(([, f]) => f === field).length;
      const naming = lines.filter(l => new RegExp(`config\\.${field}\\b`).test(l));
      assert.equal(naming.length, expected, `lines naming config.${field}`);
    }

    // Traffic on a good instance of the same server flows, and nothing came from the bad ones.
    const controlId = 'bad-config-control';
    await h.runLog(h.entity('b0000000-0000-4000-8000-0000000000ff'), {
      serialized: withRequestId(F.log39(), controlId),
    });
    await h.spanFor(controlId);
    const exported = new Set(h.receiver.spans().map(s => s.attributes['kong.request.id']));
    assert.deepEqual(
      ids.filter(id => exported.has(id)),
      [],
    );
    assert.equal(h.server.exitInfo(), undefined);
  });

  it('treats an unreachable endpoint as no error: events complete, failures are counted', async () => {
    const port = await closedPort();
    const entity = h.entity('b0000000-0000-4000-8000-000000000010', {
      traces_endpoint: `http://127.0.0.1:${port}/v1/traces`,
      timeout_ms: 500,
      metrics_export_interval_ms: 300,
    });
    const results: EventResult[] = [];
    for (let i = 0; i < 20; i += 1) {
      results.push(
        await h.runLog(entity, { serialized: withRequestId(F.log39(), `unreachable-${i}`) }),
      );
    }
    assert.deepEqual(unclean(results), []);
    await h.receiver.waitFor(
      r => selfMetric(r, METRIC_SELF_EXPORT_FAILURES, { signal: 'traces' }) > 0,
      10_000,
    );
    assert.match(h.server.stderr(), /\[WARN\] span export failed/);
    assert.doesNotMatch(h.server.stderr(), new RegExp(`invalid plugin config.*${port}`));
    assert.equal(h.server.exitInfo(), undefined);
  });
});
