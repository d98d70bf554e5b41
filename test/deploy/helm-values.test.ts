// deploy/helm/values.yaml against the image it runs: every plugin-server setting is the
// Dockerfile's own (same names, same paths), the socket both Kong and the server derive from the
// chart's prefix is one path, readiness includes the plugin server, and the stop path and grace
// period fit together.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  helperSocketPath,
  KONG_DEFAULT_SOCK_NAME,
  serverPrefix,
} from '../../src/pluginserver/socket-path';
import { execForm, ROOT, runtimeStage } from './dockerfile';

interface Values {
  image: { repository: string; tag: string };
  env: Record<string, string>;
  customEnv: Record<string, string>;
  podAnnotations: Record<string, string>;
  readinessProbe: { httpGet: unknown; exec: { command: string[] } };
  lifecycle: { preStop: { exec: { command: string[] } } };
  terminationGracePeriodSeconds: number;
}

const values = parse(fs.readFileSync(path.join(ROOT, 'deploy/helm/values.yaml'), 'utf8')) as Values;
const image = runtimeStage();
/** The chart turns `env.<key>` into KONG_<KEY> and `customEnv.<key>` into <KEY>. */
const chartEnv = new Map<string, string>([
  ...Object.entries(values.env).map(([k, v]) => [`KONG_${k.toUpperCase()}`, String(v)] as const),
  ...Object.entries(values.customEnv).map(([k, v]) => [k.toUpperCase(), String(v)] as const),
]);
const declared = (mainEnv: string): Set<string> =>
  new Set(mainEnv.split(';').map(s => s.trim().replace(/^env\s+/, '')));
const words = (command: string): string[] => command.split(/\s+/);
const flag = (command: string, name: string): string | undefined => {
  const w = words(command);
  const i = w.indexOf(name);
  return i >= 0 ? w[i + 1] : undefined;
};

describe('deploy/helm/values.yaml agrees with the Dockerfile', () => {
  it('sets the plugin server exactly as the image does', () => {
    const keys = [...image.env.keys()].filter(
      k =>
        k.startsWith('KONG_PLUGINSERVER_') || k === 'KONG_NGINX_MAIN_ENV' || k === 'KONG_PLUGINS',
    );
    assert.ok(keys.length >= 4, keys.join());
    for (const key of keys) assert.equal(chartEnv.get(key), image.env.get(key), key);
    // …and nothing the image does not.
    for (const key of chartEnv.keys()) {
      if (key.startsWith('KONG_PLUGINSERVER_')) assert.ok(image.env.has(key), key);
    }
  });

  it("derives one socket path from the chart's prefix on both sides", () => {
    const prefix = values.env.prefix!;
    assert.equal(prefix, '/kong_prefix/', "the chart's default prefix (an emptyDir)");
    const name = values.env.pluginserver_names!;
    assert.equal(chartEnv.get(`KONG_PLUGINSERVER_${name.toUpperCase()}_SOCKET`), undefined);
    // Kong 3.9 (conf_loader): conf.prefix .. "/" .. name .. ".socket"
    const kongSide = path.posix.normalize(`${prefix}/${name}.socket`);
    const start = chartEnv.get(`KONG_PLUGINSERVER_${name.toUpperCase()}_START_CMD`)!;
    assert.ok(declared(chartEnv.get('KONG_NGINX_MAIN_ENV')!).has('KONG_PREFIX'));
    const argv = words(start).slice(2);
    const serverSide = path.posix.join(
      serverPrefix(argv, '/usr/local/kong', { KONG_PREFIX: prefix }),
      flag(start, '--sock-name')!,
    );
    assert.equal(serverSide, kongSide);
    // The stop helper, run in the container's environment, finds the same socket.
    assert.equal(helperSocketPath([], { KONG_PREFIX: prefix }), kongSide);
    assert.equal(flag(start, '--sock-name'), KONG_DEFAULT_SOCK_NAME);
  });

  it('passes every OTEL_*/KONG_GENAI_OTEL_* variable it sets through nginx', () => {
    const mainEnv = declared(chartEnv.get('KONG_NGINX_MAIN_ENV')!);
    for (const key of chartEnv.keys()) {
      if (/^(OTEL_|KONG_GENAI_OTEL_)/.test(key)) assert.ok(mainEnv.has(key), key);
    }
  });

  it('is ready only when Kong is ready and the plugin server listens', () => {
    assert.equal(values.readinessProbe.httpGet, null, "replaces the chart's HTTP probe");
    const probe = values.readinessProbe.exec.command;
    const healthcheck = execForm(image, 'HEALTHCHECK');
    assert.deepEqual(probe, healthcheck, "the image's HEALTHCHECK, word for word");
    const status = image.env.get('KONG_STATUS_LISTEN')!;
    assert.ok(probe[2]!.includes(`127.0.0.1:${status.split(':').pop()}/status/ready`));
  });

  it("stops through the image's entrypoint, within the grace period", () => {
    const entrypoint = execForm(image, 'ENTRYPOINT');
    const copy = image.lines.find(
      l => l.keyword === 'COPY' && l.args.endsWith(` ${entrypoint[0]}`),
    );
    assert.equal(copy?.args, `deploy/docker/kong-entrypoint.sh ${entrypoint[0]}`);
    assert.deepEqual(execForm(image, 'CMD'), ['kong', 'docker-start']);
    assert.equal(image.lines.find(l => l.keyword === 'STOPSIGNAL')?.args, 'SIGQUIT');
    const script = fs.readFileSync(path.join(ROOT, 'deploy/docker/kong-entrypoint.sh'), 'utf8');
    assert.match(script, /trap stop QUIT TERM INT/);
    assert.ok(script.includes('genai-otel-pluginserver.js --flush-and-wait'));
    const preStop = values.lifecycle.preStop.exec.command.join(' ');
    const drain = Number(/sleep (\d+)/.exec(preStop)?.[1]);
    assert.match(preStop, /kill -QUIT 1$/);
    const stopWait = Number(/GENAI_OTEL_STOP_WAIT_SECONDS:-(\d+)/.exec(script)?.[1]);
    // drain + helper (10 s flush wait) + Kong's graceful stop (10 s, as `kong quit`) + server wait
    assert.ok(values.terminationGracePeriodSeconds >= drain + 10 + 10 + stopWait);
  });

  it('exposes the Prometheus endpoint the annotations name', () => {
    const port = values.customEnv.kong_genai_otel_prometheus_port;
    assert.equal(values.podAnnotations['prometheus.io/scrape'], 'true');
    assert.equal(values.podAnnotations['prometheus.io/port'], port);
    const exposed = image.lines.filter(l => l.keyword === 'EXPOSE').flatMap(l => words(l.args));
    assert.ok(exposed.includes(port!), `EXPOSE ${port}`);
    assert.ok(values.image.repository !== '' && typeof values.image.tag === 'string');
  });
});
