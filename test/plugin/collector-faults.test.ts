// A dead, slow or failing collector (docs/design.md#failure-behaviour, #bounded-memory): for every
// fault mode the real plugin server keeps completing log events fast, stays alive, says so on
// stderr at WARN (rate-limited, not a line per failure), and recovers without a restart once the
// collector is back, counting the failures in its self metrics. Also: the span queue bound under a
// hanging collector, and SIGTERM with a hanging collector exits within the shutdown deadline.
//
// Each mode gets its own plugin server and receiver: self-observability counters and the WARN
// rate limit are per process, so a shared server could not attribute them. They run in parallel.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import {
  METRIC_SELF_EXPORT_FAILURES,
  METRIC_SELF_SPANS_DROPPED,
} from '../../src/selfobs/self-metrics';
import * as F from '../fixtures/serialized-logs';
import {
  closedPort,
  eventTimes,
  rssKb,
  selfMetric,
  sleep,
  unclean,
  withRequestId,
} from '../helpers/fault-tools';
import type { Fault } from '../helpers/otlp-receiver';
import { startHarness, type Harness } from '../helpers/plugin-harness';
import type { EventResult, PluginEntity } from '../kong-emulator/emulator';

const EVENTS = 200;
const WAVE = 10;
const WAVE_GAP_MS = 40;
/** Well under the emulator's 2 s per-event limit (a Kong worker waiting on the plugin server). */
const MAX_EVENT_MS = 1000;
/** Fast-failing settings: a 1 s export bound, exports every 20 ms, metrics every 500 ms. */
const FAST = {
  timeout_ms: 1000,
  scheduled_delay_ms: 20,
  metrics_export_interval_ms: 500,
  max_export_batch_size: 50,
};

const harnesses: Harness[] = [];
const proxies: net.Server[] = [];
after(async () => {
  for (const proxy of proxies) proxy.close();
  await Promise.all(harnesses.map(h => h.stop()));
});

async function harness(): Promise<Harness> {
  const h = await startHarness();
  harnesses.push(h);
  return h;
}

/**
 * The collector coming back on a port that refused connections: a TCP relay to the receiver,
 * listening on exactly that port (the exporter's URL cannot change without a new instance).
 */
async function listenRelay(port: number, targetPort: number): Promise<void> {
  const relay = net.createServer(client => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  proxies.push(relay);
  await new Promise<void>((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(port, '127.0.0.1', () => resolve());
  });
}

/** EVENTS log events in waves of WAVE concurrent events, spread over about a second. */
async function burst(h: Harness, entity: PluginEntity, tag: string): Promise<EventResult[]> {
  const results: EventResult[] = [];
  for (let start = 0; start < EVENTS; start += WAVE) {
    const wave = Array.from({ length: WAVE }, (_, i) =>
      h.runLog(entity, { serialized: withRequestId(F.log39(), `${tag}-${start + i}`) }),
    );
    results.push(...(await Promise.all(wave)));
    await sleep(WAVE_GAP_MS);
  }
  return results;
}

const warnLines = (h: Harness, pattern: RegExp): string[] =>
  h.server
    .stderr()
    .split('\n')
    .filter(l => pattern.test(l));

interface ModeSpec {
  readonly name: string;
  /** Receiver fault during the outage; undefined: the endpoint port refuses connections. */
  readonly fault?: string;
  readonly opts?: Partial<Fault>;
  /** The export eventually fails (every mode except the drip, whose slow answer is a success). */
  readonly fails: boolean;
}

const MODES: ModeSpec[] = [
  { name: 'refused (closed port)', fails: true },
  { name: 'HTTP 500', fault: 'status:500', fails: true },
  { name: 'HTTP 429', fault: 'status:429', fails: true },
  { name: 'HTTP 429 + Retry-After: 1', fault: 'status:429', opts: { retryAfter: 1 }, fails: true },
  { name: 'HTTP 503', fault: 'status:503', fails: true },
  { name: 'hang (never answers)', fault: 'hang', fails: true },
  // 40 body bytes 100 ms apart: the exporter's idle timer never fires, only the BSP's hard bound.
  { name: 'byte drip (4 s answer)', fault: 'drip:100', opts: { dripBytes: 40 }, fails: false },
  { name: 'closed socket (destroy)', fault: 'destroy', fails: true },
];

describe('collector faults', { concurrency: true }, () => {
  MODES.forEach((mode, index) => {
    it(`${mode.name}: events complete, WARN once, recovery without restart`, async t => {
      const h = await harness();
      const port = mode.fault === undefined ? await closedPort() : undefined;
      const base = port === undefined ? h.receiver.url : `http://127.0.0.1:${port}`;
      const entity = h.entity(
        `fa000000-0000-4000-8000-0000000000${String(index).padStart(2, '0')}`,
        {
          ...FAST,
          traces_endpoint: `${base}/v1/traces`,
          metrics_endpoint: `${base}/v1/metrics`,
        },
      );
      if (mode.fault !== undefined) h.receiver.setFault(mode.fault, mode.opts);

      const results = await burst(h, entity, `fault-${index}`);

      // The failure is reported on stderr, once (rate-limited), while the exports keep failing.
      const failureLine = mode.fails ? /\[WARN\] span export failed/ : /otel: .*Timeout/;
      const reportedBy = Date.now() + 8000;
      while (warnLines(h, failureLine).length === 0 && Date.now() < reportedBy) await sleep(50);
      // The outage goes on with a trickle of traffic, so more exports fail after the first line.
      const trickle: EventResult[] = [];
      for (let i = 0; i < 10; i += 1) {
        const id = `fault-${index}-trickle-${i}`;
        trickle.push(await h.runLog(entity, { serialized: withRequestId(F.log39(), id) }));
        await sleep(150);
      }
      results.push(...trickle);
      assert.deepEqual(unclean(results).slice(0, 3), [], 'every event completes cleanly');
      const times = eventTimes(results);
      assert.ok(times.maxMs < MAX_EVENT_MS, `slowest event ${times.maxMs.toFixed(0)} ms`);
      assert.equal(warnLines(h, failureLine).length, 1, `stderr:\n${h.server.stderr()}`);
      assert.equal(h.server.exitInfo(), undefined, 'the plugin server is alive');

      // The collector is back: a new span arrives without a restart of anything.
      const outageAttempts = h.receiver.attempts.length;
      const recoveredAt = Date.now();
      if (port === undefined) h.receiver.setFault('ok');
      else await listenRelay(port, h.receiver.port);
      const probeId = `fault-${index}-after`;
      const probe = await h.runLog(entity, { serialized: withRequestId(F.log39(), probeId) });
      assert.deepEqual(unclean([probe]), []);
      await h.spanFor(probeId, 15_000);
      const recoveryMs = Date.now() - recoveredAt;

      // And the self metrics exported afterwards count what the outage cost.
      const failures = mode.fails
        ? await h.receiver.waitFor(
            r => selfMetric(r, METRIC_SELF_EXPORT_FAILURES, { signal: 'traces' }),
            10_000,
          )
        : selfMetric(h.receiver, METRIC_SELF_EXPORT_FAILURES, { signal: 'traces' });
      await h.receiver.waitFor(r => r.metrics().length > 0, 5000);
      const dropped = selfMetric(h.receiver, METRIC_SELF_SPANS_DROPPED, { reason: 'queue_full' });
      const lost = selfMetric(h.receiver, METRIC_SELF_SPANS_DROPPED, { reason: 'export_failed' });
      const metricFailures = selfMetric(h.receiver, METRIC_SELF_EXPORT_FAILURES, {
        signal: 'metrics',
      });
      if (mode.fails) {
        // Counted, and more failures than lines saying so: rate-limited, not a line per failure.
        assert.ok(failures >= 2, `${failures} trace export failures counted`);
        assert.equal(warnLines(h, /\[WARN\] span export failed/).length, 1);
        assert.ok(warnLines(h, /\[WARN\] metric export failed/).length <= 1);
      }
      // Whatever the number of failures, the log stays a handful of lines (one per kind).
      const stderrLines = h.server.stderr().split('\n').length - 1;
      assert.ok(stderrLines <= 8, `stderr has ${stderrLines} lines:\n${h.server.stderr()}`);
      assert.equal(h.server.exitInfo(), undefined, 'the plugin server is still alive');
      t.diagnostic(
        `fault matrix | ${mode.name} | max ${times.maxMs.toFixed(1)} ms | p99 ${times.p99Ms.toFixed(1)} ms` +
          ` | dropped ${dropped} | lost in failed exports ${lost} | trace export failures ${failures}` +
          ` | metric export failures ${metricFailures} | outage requests seen ${outageAttempts}` +
          ` | recovery ${recoveryMs} ms | stderr lines ${stderrLines}`,
      );
    });
  });

  it('bounded queue: 1,000 events against a hanging collector drop spans, memory stays flat', async t => {
    const h = await harness();
    const entity = h.entity('fa000000-0000-4000-8000-0000000000b0', {
      ...FAST,
      max_queue_size: 50,
    });
    h.receiver.setFault('hang');
    const drive = async (from: number): Promise<EventResult[]> => {
      const results: EventResult[] = [];
      for (let start = from; start < from + 500; start += 25) {
        const wave = Array.from({ length: 25 }, (_, i) =>
          h.runLog(entity, { serialized: withRequestId(F.log39(), `queue-${start + i}`) }),
        );
        results.push(...(await Promise.all(wave)));
      }
      return results;
    };
    const rss0 = rssKb(h.server.pid) ?? 0;
    const first = await drive(0);
    const rss1 = rssKb(h.server.pid) ?? 0;
    const second = await drive(500);
    const rss2 = rssKb(h.server.pid) ?? 0;
    assert.deepEqual(unclean([...first, ...second]).slice(0, 3), []);
    const times = eventTimes([...first, ...second]);
    assert.ok(times.maxMs < MAX_EVENT_MS, `slowest event ${times.maxMs.toFixed(0)} ms`);
    assert.equal(warnLines(h, /\[WARN\] span queue full/).length, 1, 'one rate-limited WARN line');
    // Loose: the second 500 events (all dropped) must not grow the process like the first did.
    assert.ok(rss2 - rss1 < 32 * 1024, `RSS grew ${rss2 - rss1} KiB over the second 500 events`);
    assert.ok(rss2 - rss0 < 96 * 1024, `RSS grew ${rss2 - rss0} KiB over 1,000 events`);

    h.receiver.setFault('ok');
    const dropped = await h.receiver.waitFor(
      r => selfMetric(r, METRIC_SELF_SPANS_DROPPED, { reason: 'queue_full' }),
      10_000,
    );
    assert.ok(dropped > 0);
    t.diagnostic(
      `bounded queue | max_queue_size 50, 1000 events, hang | max ${times.maxMs.toFixed(1)} ms | ` +
        `p99 ${times.p99Ms.toFixed(1)} ms | dropped (queue_full) ${dropped} | ` +
        `RSS ${(rss0 / 1024).toFixed(0)} -> ${(rss1 / 1024).toFixed(0)} -> ${(rss2 / 1024).toFixed(0)} MiB`,
    );
  });

  it('SIGTERM with a hanging collector: exits 0 within the default 3 s deadline', async t => {
    const h = await harness();
    // A 10 s export bound: without the shutdown deadline the flush would hang far longer.
    const entity = h.entity('fa000000-0000-4000-8000-0000000000c0', {
      timeout_ms: 10_000,
      scheduled_delay_ms: 20,
      metrics_export_interval_ms: 500,
    });
    h.receiver.setFault('hang');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        h.runLog(entity, { serialized: withRequestId(F.log39(), `term-${i}`) }),
      ),
    );
    assert.deepEqual(unclean(results), []);
    await h.receiver.waitFor(r => r.attempts.length > 0, 5000); // an export is hanging now
    const started = Date.now();
    const exit = await h.server.kill('SIGTERM', 10_000);
    const elapsed = Date.now() - started;
    assert.deepEqual(exit, { code: 0, signal: null }, 'a graceful exit, not a signal death');
    assert.ok(elapsed < 3000 + 1500, `exited after ${elapsed} ms`);
    t.diagnostic(`SIGTERM | hanging collector, deadline 3000 ms | exit after ${elapsed} ms`);
  });
});
