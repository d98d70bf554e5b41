// The demo's Prometheus scrapes every metric through exactly one job: the plugin sends each metric
// both over OTLP (to the collector) and on its own pull endpoint, and two scrape paths for one
// series would double every `sum()`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { INSTRUMENT_NAMES } from '../../src/instrumentation/metric-instruments';
import * as SELF from '../../src/selfobs/self-metrics';

interface Relabel {
  source_labels?: string[];
  regex?: string;
  action?: string;
}
interface PrometheusYaml {
  scrape_configs: { job_name: string; metric_relabel_configs?: Relabel[] }[];
}

const config = parse(
  readFileSync(path.resolve(__dirname, '../../prometheus.yml'), 'utf8'),
) as PrometheusYaml;

/** Prometheus applies metric_relabel_configs in order; regexes are fully anchored. */
function kept(relabels: readonly Relabel[], name: string): boolean {
  for (const r of relabels) {
    if ((r.source_labels ?? []).join(';') !== '__name__') continue;
    const matches = new RegExp(`^(?:${r.regex ?? '(.*)'})$`).test(name);
    if (r.action === 'drop' && matches) return false;
    if (r.action === 'keep' && !matches) return false;
  }
  return true;
}

/** The Prometheus form of an OTLP name (dots become underscores; suffixes do not matter here). */
const promName = (name: string): string => name.replace(/\./g, '_');

describe('prometheus.yml', () => {
  const selfNames = Object.entries(SELF)
    .filter(([key, value]) => key.startsWith('METRIC_') && typeof value === 'string')
    .map(([, value]) => value as string);

  it('has the two scrape paths of the demo', () => {
    assert.deepEqual(
      config.scrape_configs.map(c => c.job_name),
      ['otel-collector', 'kong-genai-otel'],
    );
  });

  for (const name of [...INSTRUMENT_NAMES, ...selfNames]) {
    it(`scrapes ${name} through exactly one job`, () => {
      const jobs = config.scrape_configs
        .filter(c => kept(c.metric_relabel_configs ?? [], promName(name)))
        .map(c => c.job_name);
      assert.equal(jobs.length, 1, `${name}: ${jobs.join(', ') || 'no job'}`);
    });
  }
});
