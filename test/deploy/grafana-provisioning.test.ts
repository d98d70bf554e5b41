// The Grafana files of the compose stack agree with each other: the provisioned data source is the
// compose Prometheus, every panel uses it, the dashboard directory is the one mounted, and
// Prometheus in compose gets the rule file prometheus.yml names.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  command?: string[];
  ports?: string[];
  volumes?: string[];
}
interface Panel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service> };
const dashboard = JSON.parse(read('deploy/grafana/dashboards/kong-genai.json')) as {
  uid: string;
  panels: Panel[];
};
const datasources = parse(read('deploy/grafana/provisioning/datasources/prometheus.yaml')) as {
  datasources: { uid: string; type: string; url: string }[];
};
const providers = parse(read('deploy/grafana/provisioning/dashboards/kong-genai.yaml')) as {
  providers: { type: string; options: { path: string } }[];
};
/** Read-only `./src:/target:ro` mounts of a service, as source -> target. */
const readOnlyMounts = (svc: Service): Map<string, string> =>
  new Map(
    (svc.volumes ?? [])
      .map(v => v.split(':'))
      .filter(parts => parts[2] === 'ro')
      .map(([src = '', dst = '']) => [src, dst]),
  );

describe('Grafana in the compose stack', () => {
  const grafana = compose.services.grafana;

  it('runs a pinned Grafana image with its provisioning mounted read-only', () => {
    assert.ok(grafana, 'grafana service');
    assert.match(grafana.image ?? '', /^grafana\/grafana:\d+\.\d+\.\d+$/);
    assert.ok(grafana.ports?.includes('3000:3000'));
    const mounts = readOnlyMounts(grafana);
    assert.equal(mounts.get('./deploy/grafana/provisioning'), '/etc/grafana/provisioning');
    const dir = mounts.get('./deploy/grafana/dashboards');
    assert.equal(dir, providers.providers[0]?.options.path, 'provider path is the mounted folder');
    assert.equal(providers.providers[0]?.type, 'file');
    assert.ok(
      readdirSync(path.join(ROOT, 'deploy/grafana/dashboards')).includes('kong-genai.json'),
    );
  });

  it('provisions the compose Prometheus, and every panel queries it', () => {
    const [ds] = datasources.datasources;
    assert.equal(datasources.datasources.length, 1);
    assert.equal(ds?.type, 'prometheus');
    const url = new URL(ds.url);
    assert.ok(compose.services[url.hostname], `${url.hostname} is a compose service`);
    assert.ok(compose.services.prometheus?.ports?.some(p => p.endsWith(`:${url.port}`)));
    const panels = dashboard.panels.filter(p => p.type !== 'row');
    assert.ok(panels.length >= 10, `${panels.length} panels`);
    for (const panel of panels) {
      assert.equal(panel.datasource?.uid, ds.uid, panel.title);
      assert.ok((panel.targets ?? []).length > 0, `${panel.title} has queries`);
      for (const target of panel.targets ?? []) {
        assert.equal(target.datasource?.uid ?? ds.uid, ds.uid, panel.title);
        // A dashboard that depends on the scrape job breaks when one path is dropped.
        assert.doesNotMatch(target.expr, /\bjob\b/, panel.title);
      }
    }
  });

  it("mounts prometheus.yml's rule files where Prometheus resolves them", () => {
    const prometheus = compose.services.prometheus!;
    const configPath = /--config\.file=(\S+)/.exec((prometheus.command ?? []).join(' '))?.[1];
    assert.ok(configPath);
    const config = parse(read('prometheus.yml')) as { rule_files?: string[] };
    assert.ok((config.rule_files ?? []).length > 0, 'rule_files in prometheus.yml');
    const mounts = readOnlyMounts(prometheus);
    for (const rel of config.rule_files ?? []) {
      assert.ok(existsSync(path.join(ROOT, rel)), rel);
      const target = path.posix.join(path.posix.dirname(configPath), rel);
      assert.equal(mounts.get(`./${rel}`), target, `${rel} mounted at ${target}`);
    }
  });
});
