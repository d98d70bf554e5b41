// The Collector path keeps Kong's metric names: its Prometheus exporter must not append unit or
// type suffixes, so one dashboard works on the plugin's own endpoint and on the Collector's.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { INSTRUMENT_SPECS } from '../../src/instrumentation/metric-instruments';
import { ROOT } from './dockerfile';

interface Collector {
  exporters: Record<string, Record<string, unknown> | null>;
  service: { pipelines: Record<string, { exporters: string[] }> };
}

const collector = parse(
  fs.readFileSync(path.join(ROOT, 'otel-collector.yaml'), 'utf8'),
) as Collector;

describe('otel-collector.yaml', () => {
  it('exports metrics to Prometheus without name suffixes', () => {
    const ids = collector.service.pipelines.metrics?.exporters ?? [];
    const prometheus = ids.filter(id => id === 'prometheus' || id.startsWith('prometheus/'));
    assert.ok(prometheus.length > 0, 'a Prometheus exporter in the metrics pipeline');
    for (const id of prometheus)
      assert.equal(collector.exporters[id]?.add_metric_suffixes, false, id);
  });

  it("is needed: some of Kong's names carry a unit the exporter would append", () => {
    const withUnit = Object.entries(INSTRUMENT_SPECS).filter(
      ([name, spec]) =>
        name.startsWith('ai_') && spec.unit === 'ms' && !name.endsWith('_milliseconds'),
    );
    assert.ok(withUnit.length > 0);
  });
});
