// Every query of the shipped Grafana dashboard, run against a real Prometheus that scrapes the
// real plugin server (kong-js-pluginserver + the built plugin, driven by the Kong emulator) while
// traffic flows: chat calls of two consumers and providers with cost, provider errors, streams
// with a time to first token, semantic-cache hits, a log without AI data, and an instance whose
// trace exports fail. A panel whose query returns nothing, or only zeros, fails the test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { RequestData } from '../kong-emulator/emulator';
import { baseLog, log39, logEe312 } from '../fixtures/serialized-logs';
import { streamLogEe312 } from '../fixtures/stream-logs';
import { ROOT, startHarness, type Harness } from '../helpers/plugin-harness';
import {
  ensurePrometheus,
  freePort,
  startPrometheus,
  until,
  type PrometheusServer,
  type Sample,
} from '../helpers/prometheus';

const DASHBOARD = path.join(ROOT, 'deploy/grafana/dashboards/kong-genai.json');
const ALERT_RULES = path.join(ROOT, 'deploy/prometheus/alerts.yml');

interface Target {
  refId: string;
  expr: string;
}
interface Panel {
  type: string;
  title: string;
  targets?: Target[];
}

/** Grafana's interval variables, as Grafana would fill them at a 1 s scrape interval. */
const grafanaVariables = (expr: string): string => expr.replaceAll('$__rate_interval', '1m');

type Entry = [string, RequestData];

/** One round of traffic: every kind of call a panel shows. */
function traffic(): { good: Entry[]; failing: Entry[] } {
  const teamB = {
    ...log39({
      provider: 'anthropic',
      requestModel: 'claude-sonnet-4',
      responseModel: 'claude-sonnet-4',
      cost: 0.01,
    }),
    consumer: { id: 'c0ffee00-0000-4000-8000-000000000002', username: 'team-b' },
  };
  const cacheHit = logEe312({ cost: 0.001 });
  const proxy = (cacheHit.ai as Record<string, Record<string, Record<string, unknown>>>).proxy!;
  proxy.cache!.cache_status = 'Hit';
  return {
    good: [
      ['chat', { serialized: log39({ cost: 0.002 }) }],
      ['other consumer and provider', { serialized: teamB }],
      [
        'provider error',
        { serialized: log39({ status: 429, upstreamStatus: '429', payloads: false }), status: 429 },
      ],
      ['stream', { serialized: streamLogEe312() }],
      ['cache hit', { serialized: cacheHit }],
      ['no AI data', { serialized: baseLog() }],
    ],
    failing: [['chat, traces to a closed port', { serialized: log39({ cost: 0.002 }) }]],
  };
}

describe('Grafana dashboard queries against a real Prometheus scraping the plugin', () => {
  let unavailable: string | undefined;
  let h: Harness | undefined;
  let prometheus: PrometheusServer | undefined;
  let flowing = false;
  let loop: Promise<void> | undefined;

  before(async () => {
    unavailable = ensurePrometheus();
    if (unavailable !== undefined) return;
    const metricsPort = await freePort();
    const closedPort = await freePort();
    h = await startHarness({
      env: {
        KONG_GENAI_OTEL_PROMETHEUS_PORT: String(metricsPort),
        KONG_GENAI_OTEL_PROMETHEUS_HOST: '127.0.0.1',
      },
    });
    const harness = h;
    const good = harness.entity('00000000-0000-4000-8000-0000000000d1', {
      consumer_in_metrics: true,
    });
    const failing = harness.entity('00000000-0000-4000-8000-0000000000d2', {
      consumer_in_metrics: true,
      traces_endpoint: `http://127.0.0.1:${closedPort}/v1/traces`,
      timeout_ms: 200,
    });
    const round = traffic();
    // The first round must go through cleanly: the emulator reports what Kong would log.
    for (const [what, data] of round.good) {
      const event = await harness.runLog(good, data);
      assert.equal(event.error, undefined, `${what}: ${event.error}`);
    }
    prometheus = await startPrometheus({
      jobs: { 'kong-genai-otel': `127.0.0.1:${metricsPort}` },
      ruleFiles: [ALERT_RULES],
    });
    // Traffic keeps flowing while Prometheus scrapes, so rate() and increase() see it.
    flowing = true;
    loop = (async () => {
      while (flowing) {
        const next = traffic();
        for (const [, data] of next.good) await harness.runLog(good, data);
        for (const [, data] of next.failing) await harness.runLog(failing, data);
        await delay(100);
      }
    })();
  });

  after(async () => {
    flowing = false;
    await loop?.catch(() => undefined);
    await prometheus?.stop();
    await h?.stop();
  });

  it('every panel query returns a non-zero series', async t => {
    if (unavailable !== undefined) {
      t.diagnostic(`SKIP: ${unavailable}`);
      return t.skip(`prometheus unavailable: ${unavailable}`);
    }
    const server = prometheus!;
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
    const targets = dashboard.panels.flatMap(p =>
      (p.targets ?? []).map(target => ({ panel: p.title, ...target })),
    );
    assert.ok(targets.length >= 15, `${targets.length} queries`);
    const empty: string[] = [];
    const shown: string[] = [];
    const deadline = Date.now() + 60_000;
    for (const { panel, refId, expr } of targets) {
      const promql = grafanaVariables(expr);
      const positive = (samples: Sample[] | undefined): Sample[] | undefined => {
        const values = (samples ?? []).map(s => Number(s.value[1]));
        return values.some(v => Number.isFinite(v) && v > 0) ? samples : undefined;
      };
      const samples = await until(
        `${panel} ${refId}`,
        Math.max(deadline - Date.now(), 1),
        async () => positive(await server.query(promql)),
      ).catch(() => undefined);
      if (samples === undefined) {
        const last = await server.query(promql).catch((e: unknown) => String(e));
        empty.push(`${panel} [${refId}] ${promql}\n  -> ${JSON.stringify(last)}`);
      } else {
        shown.push(`${panel} [${refId}]: ${samples.length} series`);
      }
    }
    t.diagnostic(shown.join('; '));
    assert.deepEqual(empty, [], `panels showing nothing:\n${empty.join('\n')}\n${server.log()}`);
  });
});
