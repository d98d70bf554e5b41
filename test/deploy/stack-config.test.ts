// The docker-compose demo stack cannot run here (no Docker engine, no Kong), so its files are
// checked statically: kong.yml against our zod schema and Kong's published 3.9 JSON schemas,
// docker-compose.yml with docker-compose 1.29, and names, ports, paths and plugin-server settings
// against each other across Dockerfile, docker-compose.yml, kong.yml and the collector/Prometheus
// configs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { DEFAULT_MOCK_LLM_PORT, MOCK_LLM_ROUTES } from '../../mock-llm/server';
import { ConfigSchema, type ConfigInput } from '../../schemas/config';
import { parseDockerfile, type Stage } from './dockerfile';

const ROOT = path.resolve(__dirname, '../..');
const KONG_SCHEMAS = path.resolve(__dirname, '../../../shared/fixtures/kong-plugin-schemas/3.9');
const PLUGIN = 'genai-otel';
/** Kong OSS 3.9 ai-proxy `route_type` one_of: no embeddings (EE 3.11+). */
const AI_PROXY_ROUTE_TYPES = ['llm/v1/chat', 'llm/v1/completions', 'preserve'];

const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
const yamlFile = <T>(file: string): T => parse(read(file)) as T;

// ---------------------------------------------------------------------------------------------
// kong.yml

interface PluginYaml {
  name: string;
  config?: Record<string, unknown>;
  protocols?: string[];
  /** Scope: the enclosing or referenced route/service/consumer (by name). */
  route?: string;
  service?: string;
  consumer?: string;
}
interface RouteYaml {
  name: string;
  plugins?: PluginYaml[];
}
interface KongYaml {
  _format_version: string;
  services?: { name: string; routes?: RouteYaml[]; plugins?: PluginYaml[] }[];
  routes?: RouteYaml[];
  consumers?: { username?: string; keyauth_credentials?: unknown[]; plugins?: PluginYaml[] }[];
  plugins?: PluginYaml[];
}
interface PluginEntity extends PluginYaml {
  config: Record<string, unknown>;
  where: string;
}
/** The ai-proxy fields these checks read. */
interface AiProxyConfig {
  route_type: string;
  auth: { header_name?: string; header_value?: string };
  model: {
    provider: string;
    options: { upstream_url: string; input_cost: number; output_cost: number };
  };
  logging: { log_statistics?: boolean; log_payloads?: boolean };
}

const kong = yamlFile<KongYaml>('kong.yml');

function collectPlugins(): PluginEntity[] {
  const out: PluginEntity[] = [];
  const add = (list: PluginYaml[] | undefined, scope: Partial<PluginYaml>, where: string) => {
    for (const [i, p] of (list ?? []).entries()) {
      out.push({ ...scope, ...p, config: p.config ?? {}, where: `${where}plugins[${i}]` });
    }
  };
  add(kong.plugins, {}, '');
  for (const s of kong.services ?? []) {
    add(s.plugins, { service: s.name }, `services.${s.name}.`);
    for (const r of s.routes ?? []) add(r.plugins, { route: r.name }, `routes.${r.name}.`);
  }
  for (const r of kong.routes ?? []) add(r.plugins, { route: r.name }, `routes.${r.name}.`);
  for (const c of kong.consumers ?? [])
    add(c.plugins, { consumer: c.username }, `consumers.${c.username}.`);
  return out;
}

const plugins = collectPlugins();
const routes: RouteYaml[] = [
  ...(kong.services ?? []).flatMap(s => s.routes ?? []),
  ...(kong.routes ?? []),
];
const routeNames = new Set(routes.map(r => r.name));
const pluginsOf = (name: string) => plugins.filter(p => p.name === name);
const genaiConfig = (p: PluginEntity): ConfigInput => p.config;
const aiProxyConfig = (p: PluginEntity): AiProxyConfig => p.config as unknown as AiProxyConfig;

/** Kong's published JSON schemas describe the whole plugin entity; ours validate its config. */
function strictCopy(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictCopy);
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: Record<string, unknown> = Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [k, strictCopy(v)]),
  );
  // Kong rejects unknown fields; the published schemas leave objects open, so close them here.
  if (copy.properties !== undefined && copy.additionalProperties === undefined) {
    copy.additionalProperties = false;
  }
  return copy;
}

const schemaFileOf = (plugin: string): string =>
  plugin.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase()) + '.json';

describe('kong.yml', () => {
  it('is declarative 3.0 with unique names and resolvable plugin references', () => {
    assert.equal(kong._format_version, '3.0');
    const serviceNames = (kong.services ?? []).map(s => s.name);
    const consumers = (kong.consumers ?? []).map(c => c.username);
    assert.equal(new Set(serviceNames).size, serviceNames.length, 'duplicate service names');
    assert.equal(routeNames.size, routes.length, 'duplicate route names');
    for (const p of plugins) {
      if (p.route !== undefined)
        assert.ok(routeNames.has(p.route), `${p.where}: no route ${p.route}`);
      if (p.service !== undefined) {
        assert.ok(serviceNames.includes(p.service), `${p.where}: no service ${p.service}`);
      }
      if (p.consumer !== undefined) {
        assert.ok(consumers.includes(p.consumer), `${p.where}: no consumer ${p.consumer}`);
      }
    }
    // Kong allows one plugin of a name per (route, service, consumer) scope.
    const scopes = plugins.map(p => `${p.name}|${p.route}|${p.service}|${p.consumer}`);
    assert.equal(new Set(scopes).size, scopes.length, 'a plugin is configured twice in one scope');
  });

  it('every genai-otel config validates against ConfigSchema (strict: Kong rejects unknown fields)', () => {
    const configs = pluginsOf(PLUGIN);
    assert.ok(configs.length >= 2);
    for (const p of configs) {
      const result = ConfigSchema.strict().safeParse(p.config);
      assert.ok(result.success, `${p.where}: ${JSON.stringify(result.error?.issues)}`);
    }
    const capture = configs.map(p => genaiConfig(p).capture_message_content === true);
    assert.ok(
      capture.includes(true) && capture.includes(false),
      'want one config with content, one without',
    );
    const withContent = genaiConfig(configs.find(p => p.config.capture_message_content === true)!);
    assert.ok(
      (withContent.redact_patterns ?? []).length > 0,
      'content capture comes with redaction',
    );
  });

  it('every other plugin validates against Kong 3.9 published JSON schemas', t => {
    if (!existsSync(KONG_SCHEMAS)) {
      t.skip(`Kong's published plugin schemas not found at ${KONG_SCHEMAS}`);
      return;
    }
    const ajv = new Ajv({ strict: false, allErrors: true });
    const unpublished = new Set<string>();
    let checked = 0;
    for (const p of plugins.filter(x => x.name !== PLUGIN)) {
      const file = path.join(KONG_SCHEMAS, schemaFileOf(p.name));
      if (!existsSync(file)) {
        unpublished.add(p.name);
        continue;
      }
      const validate = ajv.compile(
        strictCopy(JSON.parse(readFileSync(file, 'utf8'))) as Record<string, unknown>,
      );
      // Relations are implied by nesting or given by name in declarative config: validate the
      // entity's own fields.
      const entity = { config: p.config, ...(p.protocols ? { protocols: p.protocols } : {}) };
      assert.ok(validate(entity), `${p.where} (${p.name}): ${ajv.errorsText(validate.errors)}`);
      checked += 1;
    }
    assert.ok(checked > 0, 'no plugin had a published schema');
    if (unpublished.size > 0) {
      t.diagnostic(
        `no published 3.9 schema here for: ${[...unpublished].join(', ')} (not checked)`,
      );
    }
  });

  it('ai-proxy routes target the mock, log statistics and payloads, and are observed', () => {
    const aiProxies = pluginsOf('ai-proxy');
    assert.ok(aiProxies.length >= 3);
    const routeTypes = new Set(aiProxies.map(p => aiProxyConfig(p).route_type));
    assert.deepEqual([...routeTypes].sort(), ['llm/v1/chat', 'llm/v1/completions']);
    for (const p of aiProxies) {
      const c = aiProxyConfig(p);
      assert.ok(AI_PROXY_ROUTE_TYPES.includes(c.route_type), `${p.where}: ${c.route_type}`);
      assert.equal(c.model.provider, 'openai');
      assert.ok(c.auth.header_name && c.auth.header_value, `${p.where}: dummy auth header`);
      assert.equal(c.logging.log_statistics, true, `${p.where}: log_statistics`);
      assert.equal(c.logging.log_payloads, true, `${p.where}: log_payloads`);
      assert.ok(c.model.options.input_cost > 0 && c.model.options.output_cost > 0, p.where);
      const url = new URL(c.model.options.upstream_url);
      assert.equal(url.hostname, 'mock-llm', `${p.where}: upstream host is the compose service`);
      assert.equal(Number(url.port), DEFAULT_MOCK_LLM_PORT, p.where);
      const expected =
        c.route_type === 'llm/v1/chat' ? MOCK_LLM_ROUTES.chat : MOCK_LLM_ROUTES.completions;
      assert.equal(url.pathname, expected, `${p.where}: full provider path`);
      const observed = pluginsOf(PLUGIN).some(g => g.route === p.route || g.route === undefined);
      assert.ok(observed, `${p.where}: route ${p.route} has no genai-otel`);
    }
  });

  it('a key-auth route has a consumer with a key', () => {
    const keyAuth = pluginsOf('key-auth');
    assert.ok(keyAuth.length >= 1);
    assert.ok(keyAuth.every(p => pluginsOf('ai-proxy').some(a => a.route === p.route)));
    const consumer = (kong.consumers ?? []).find(c => (c.keyauth_credentials ?? []).length > 0);
    assert.ok(consumer?.username, 'a consumer with keyauth_credentials and a username');
  });
});

// ---------------------------------------------------------------------------------------------
// Dockerfile

const docker = parseDockerfile(read('Dockerfile'));
const stageNamed = (name: string): Stage => {
  const stage = docker.stages.find(s => s.name === name);
  assert.ok(stage, `Dockerfile stage ${name}`);
  return stage;
};
const runtime = docker.stages[docker.stages.length - 1]!;
const runtimeEnv = (key: string): string => {
  const value = runtime.env.get(key);
  assert.ok(value !== undefined, `Dockerfile runtime ENV ${key}`);
  return value;
};
/** The value after a CLI flag in a command line. */
const flag = (command: string, name: string): string | undefined => {
  const words = command.split(/\s+/);
  const i = words.indexOf(name);
  return i >= 0 ? words[i + 1] : undefined;
};
const healthcheckOf = (stage: Stage): string[] => {
  const line = stage.lines.find(l => l.keyword === 'HEALTHCHECK');
  assert.ok(line, `HEALTHCHECK in stage ${stage.name}`);
  return JSON.parse(/CMD\s+(\[.*\])\s*$/s.exec(line.args)![1]!) as string[];
};

/** Maps a path inside the runtime image back to the build output, via the COPY that put it there. */
function repoPathOf(containerPath: string): string | undefined {
  const workdir = stageNamed('build').lines.find(l => l.keyword === 'WORKDIR')?.args ?? '/';
  for (const { keyword, args } of runtime.lines) {
    if (keyword !== 'COPY' || !args.includes('--from=build')) continue;
    const [src = '', dest = ''] = args.split(/\s+/).filter(w => !w.startsWith('--'));
    if (containerPath === dest || containerPath.startsWith(`${dest}/`)) {
      return path.posix.relative(workdir, src + containerPath.slice(dest.length));
    }
  }
  return undefined;
}

/** Environment variables the plugin server reads (names in the plugin's sources). */
function envNamesReadByPlugin(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.ts')) {
        for (const m of read(rel).matchAll(/\b(?:OTEL|KONG_GENAI_OTEL)_[A-Z0-9_]*[A-Z0-9]\b/g)) {
          names.add(m[0]);
        }
      }
    }
  };
  for (const dir of ['plugins', 'schemas', 'src']) walk(dir);
  return names;
}

const nginxMainEnv = (): Set<string> =>
  new Set(
    runtimeEnv('KONG_NGINX_MAIN_ENV')
      .split(';')
      .map(s => s.trim().replace(/^env\s+/, '')),
  );

describe('Dockerfile', () => {
  it('is Kong 3.9 with Node 24 LTS copied from the official Node image', () => {
    assert.equal(docker.globals.get('KONG_IMAGE'), 'kong:3.9');
    assert.equal(docker.globals.get('NODE_IMAGE'), 'node:24-bookworm-slim');
    assert.equal(runtime.name, 'runtime', 'Kong is the last (default) stage');
    assert.equal(runtime.image, 'kong:3.9');
    const build = stageNamed('build');
    assert.match(build.image, /^node:24(-|$)/);
    const builds = build.lines
      .filter(l => l.keyword === 'RUN')
      .map(l => l.args)
      .join('\n');
    for (const step of ['npm ci', 'npm run build', 'npm prune --omit=dev'])
      assert.ok(builds.includes(step), step);
    const copies = runtime.lines.filter(l => l.keyword === 'COPY').map(l => l.args);
    assert.ok(copies.includes('--from=build /usr/local/bin/node /usr/local/bin/node'));
  });

  it('configures one plugin server whose names, socket and commands agree (traps 1-6)', () => {
    const names = runtimeEnv('KONG_PLUGINSERVER_NAMES')
      .split(',')
      .map(s => s.trim());
    assert.deepEqual(names, ['genai_otel']);
    const key = names[0]!.toUpperCase().replace(/-/g, '_');
    const settings = [...runtime.env.keys()].filter(
      k => k.startsWith('KONG_PLUGINSERVER_') && k !== 'KONG_PLUGINSERVER_NAMES',
    );
    // No socket setting: Kong 3.9 derives <prefix>/<name>.socket, the server <KONG_PREFIX>/<sock-name>.
    assert.deepEqual(
      settings.sort(),
      ['QUERY_CMD', 'START_CMD'].map(s => `KONG_PLUGINSERVER_${key}_${s}`),
    );
    const start = runtimeEnv(`KONG_PLUGINSERVER_${key}_START_CMD`);
    const query = runtimeEnv(`KONG_PLUGINSERVER_${key}_QUERY_CMD`);
    for (const command of [start, query]) {
      assert.match(command, /^\/usr\/local\/bin\/node \/\S+ /, 'absolute node and entry paths');
      assert.doesNotMatch(command, /\$\{?\w/, 'every variable expanded at build time');
    }
    assert.equal(flag(start, '--kong-prefix'), undefined, 'the prefix comes from KONG_PREFIX');
    assert.equal(flag(start, '--sock-name'), `${names[0]}.socket`, "Kong 3.9's default name");
    assert.ok(nginxMainEnv().has('KONG_PREFIX'), 'KONG_PREFIX reaches the plugin server');
    assert.ok(query.split(/\s+/).includes('--dump-all-plugins'));
    assert.ok(
      !/(^|\s)(-v+|--verbose)(\s|$)/.test(query),
      'no -v in the query command (stdout is parsed)',
    );
    assert.equal(start.split(/\s+/)[1], query.split(/\s+/)[1], 'same entry for start and query');
    assert.equal(flag(start, '--plugins-directory'), flag(query, '--plugins-directory'));
    const dump = JSON.parse(read('schemas/genai-otel.kong.json')) as { Name: string }[];
    const plugins = runtimeEnv('KONG_PLUGINS').split(',');
    assert.ok(plugins.includes('bundled') && plugins.includes(dump[0]!.Name));
  });

  it('points the plugin server at dist/plugins of the build output and an existing entry', t => {
    const start = runtimeEnv('KONG_PLUGINSERVER_GENAI_OTEL_START_CMD');
    assert.equal(repoPathOf(flag(start, '--plugins-directory')!), 'dist/plugins');
    if (existsSync(path.join(ROOT, 'dist/plugins'))) {
      assert.deepEqual(readdirSync(path.join(ROOT, 'dist/plugins')), ['genai-otel.js']);
    } else {
      t.diagnostic('dist/ not built: the plugins directory contents were not checked');
    }
    const entry = repoPathOf(start.split(/\s+/)[1]!);
    const custom = 'dist/bin/genai-otel-pluginserver.js';
    const stock = 'node_modules/kong-pdk/bin/kong-js-pluginserver';
    assert.ok(entry === custom || entry === stock, `entry ${entry}`);
    const source = entry === custom ? 'bin/genai-otel-pluginserver.ts' : stock;
    if (!existsSync(path.join(ROOT, source))) {
      t.skip(
        `${source} is not in the repo yet: the image build would fail; switch PLUGINSERVER_ENTRY`,
      );
    }
  });

  it('declares every env variable the plugin reads in KONG_NGINX_MAIN_ENV', () => {
    const declared = nginxMainEnv();
    for (const name of envNamesReadByPlugin())
      assert.ok(declared.has(name), `${name} not in KONG_NGINX_MAIN_ENV`);
  });

  it('health-checks Kong through the status API and the plugin-server socket', () => {
    const status = runtimeEnv('KONG_STATUS_LISTEN');
    const check = healthcheckOf(runtime).join(' ');
    assert.ok(check.includes(`127.0.0.1:${status.split(':').pop()}/status/ready`), check);
    assert.ok(
      check.includes("process.env.KONG_PREFIX || '/usr/local/kong', 'genai_otel.socket'"),
      check,
    );
  });

  it('builds the mock from the whole dist/mock-llm folder, which the build emits', () => {
    const mock = stageNamed('mock-llm');
    assert.match(mock.image, /^node:24(-|$)/);
    const copies = mock.lines.filter(l => l.keyword === 'COPY').map(l => l.args);
    assert.deepEqual(copies, ['--from=build /app/dist/mock-llm/ ./']);
    const cmd = JSON.parse(mock.lines.find(l => l.keyword === 'CMD')?.args ?? '[]') as string[];
    assert.deepEqual(cmd, ['node', 'main.js'], 'runs the entry of the copied folder');
    assert.ok(
      existsSync(path.join(ROOT, 'mock-llm/main.ts')),
      'mock-llm/main.ts compiles to main.js',
    );
    assert.equal(Number(mock.env.get('MOCK_LLM_PORT')), DEFAULT_MOCK_LLM_PORT);
    const buildConfig = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
    assert.ok(
      buildConfig.include.includes('mock-llm/**/*.ts'),
      'tsconfig.build.json must include mock-llm/**/*.ts',
    );
  });

  it('compiles the mock to a folder that needs only Node built-ins and its own files', t => {
    const dir = path.join(ROOT, 'dist/mock-llm');
    if (!existsSync(dir)) {
      t.skip('dist/ not built: run `npm run build` to check the compiled mock');
      return;
    }
    const files = readdirSync(dir).filter(f => f.endsWith('.js'));
    assert.ok(files.includes('main.js'), 'dist/mock-llm/main.js, the image CMD');
    const builtins = new Set(builtinModules);
    let relative = 0;
    for (const file of files) {
      const code = readFileSync(path.join(dir, file), 'utf8');
      for (const [call, arg = ''] of code.matchAll(/\brequire\(([^)]*)\)/g)) {
        const literal = /^(["'])(.*)\1$/.exec(arg.trim());
        assert.ok(literal, `${file}: ${call} is not a string literal`);
        const name = literal[2]!;
        if (name.startsWith('./')) {
          const target = path.resolve(dir, `${name}.js`);
          assert.equal(path.dirname(target), dir, `${file}: ${call} leaves dist/mock-llm`);
          assert.ok(existsSync(target), `${file}: ${call} has no ${path.basename(target)}`);
          relative += 1;
        } else {
          assert.ok(
            name.startsWith('node:') || builtins.has(name),
            `${file}: ${call} is not a Node built-in (no node_modules in the image)`,
          );
        }
      }
    }
    assert.ok(relative > 0, 'the folder is several modules that require each other');
  });
});

// ---------------------------------------------------------------------------------------------
// docker-compose.yml, otel-collector.yaml, prometheus.yml

interface ComposeService {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[]; start_interval?: string };
  depends_on?: string[] | Record<string, { condition?: string; required?: boolean }>;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  include?: unknown;
}
interface CollectorYaml {
  receivers: Record<string, { protocols?: { http?: { endpoint?: string } } }>;
  processors?: Record<string, unknown>;
  exporters: Record<string, { endpoint?: string }>;
  service: { pipelines: Record<string, Partial<Record<PipelineKind, string[]>>> };
}
type PipelineKind = 'receivers' | 'processors' | 'exporters';
interface PrometheusYaml {
  scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
}

const compose = yamlFile<ComposeFile>('docker-compose.yml');
const service = (name: string): ComposeService => {
  const svc = compose.services[name];
  assert.ok(svc, `compose service ${name}`);
  return svc;
};
const envOf = (svc: ComposeService): Record<string, string> => svc.environment ?? {};
/** `./file:/target[:ro]` volume entries as [source, target]. */
const mounts = (svc: ComposeService): string[][] =>
  (svc.volumes ?? []).map(v => v.split(':').slice(0, 2));
const mounted = (svc: ComposeService, source: string, target: string | undefined): boolean =>
  mounts(svc).some(([src, dst]) => src === source && dst === target);
const hostPort = (target: string | undefined): [string, number] => {
  const [host = '', port = ''] = (target ?? '').split(':');
  return [host, Number(port)];
};

/** Runs a validator binary when installed; undefined when it is not. */
function runTool(command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const missing =
    result.error !== undefined && 'code' in result.error && result.error.code === 'ENOENT';
  return missing ? undefined : result;
}

describe('docker-compose.yml', () => {
  it('validates with docker-compose 1.29 (`config -q`)', t => {
    const result = runTool('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q']);
    if (result === undefined) {
      t.skip('docker-compose not installed (CI installs it): compose file not validated');
      return;
    }
    assert.equal(result.status, 0, result.stderr);
  });

  it('uses no compose feature that docker-compose 1.29 rejects, and strings under YAML 1.1', () => {
    assert.equal(compose.include, undefined);
    const yaml11 = parse(read('docker-compose.yml'), { version: '1.1' }) as ComposeFile;
    for (const [name, svc] of Object.entries(compose.services)) {
      assert.equal(svc.healthcheck?.start_interval, undefined, name);
      const deps = Array.isArray(svc.depends_on) ? {} : (svc.depends_on ?? {});
      for (const dep of Object.values(deps)) assert.equal(dep.required, undefined, name);
      // PyYAML reads `off`/`on`/`yes` unquoted as booleans, which compose refuses.
      for (const [key, value] of Object.entries(yaml11.services[name]?.environment ?? {})) {
        assert.ok(['string', 'number'].includes(typeof value), `${name}.environment.${key}`);
      }
    }
  });

  it('runs Kong DB-less from kong.yml with the agreed ports, after a healthy mock', () => {
    const kongSvc = service('kong');
    const kongEnv = envOf(kongSvc);
    assert.equal(kongSvc.build?.target, runtime.name);
    assert.equal(kongEnv.KONG_DATABASE, 'off');
    assert.ok(mounted(kongSvc, './kong.yml', kongEnv.KONG_DECLARATIVE_CONFIG));
    const statusPort = runtimeEnv('KONG_STATUS_LISTEN').split(':').pop();
    for (const port of ['8000', statusPort]) {
      assert.ok(kongSvc.ports?.includes(`${port}:${port}`), `kong port ${port}`);
    }
    assert.ok(kongSvc.healthcheck, 'kong healthcheck timing (its test: the image HEALTHCHECK)');
    assert.ok(service('jaeger').ports?.includes('16686:16686'));
    assert.ok(service('prometheus').ports?.includes('9090:9090'));
    assert.match(service('jaeger').image ?? '', /^jaegertracing\/jaeger:2\./, 'Jaeger v2');
    assert.match(service('otel-collector').image ?? '', /^otel\/opentelemetry-collector-contrib:/);

    const deps = kongSvc.depends_on;
    assert.ok(deps && !Array.isArray(deps));
    assert.equal(deps['mock-llm']?.condition, 'service_healthy');
    const mock = service('mock-llm');
    const mockStage = stageNamed(mock.build?.target ?? '');
    assert.ok(mock.healthcheck && healthcheckOf(mockStage).join(' ').includes('/health'));
    assert.equal(Number(envOf(mock).MOCK_LLM_PORT), DEFAULT_MOCK_LLM_PORT);
  });

  it('passes every OTEL_*/KONG_GENAI_OTEL_* variable set for Kong through nginx', () => {
    const declared = nginxMainEnv();
    for (const name of Object.keys(envOf(service('kong')))) {
      if (/^(OTEL_|KONG_GENAI_OTEL_)/.test(name)) assert.ok(declared.has(name), name);
    }
  });

  it('wires genai-otel -> collector -> Jaeger and Prometheus consistently', () => {
    const collectorSvc = service('otel-collector');
    const configPath = /--config=(\S+)/.exec((collectorSvc.command ?? []).join(' '))?.[1];
    assert.ok(mounted(collectorSvc, './otel-collector.yaml', configPath));
    const collector = yamlFile<CollectorYaml>('otel-collector.yaml');
    const [otlpHost, otlpPort] = hostPort(collector.receivers.otlp?.protocols?.http?.endpoint);
    assert.equal(otlpHost, '0.0.0.0', 'reachable from the Kong container');
    for (const p of pluginsOf(PLUGIN)) {
      const config = genaiConfig(p);
      for (const [signal, url] of [
        ['traces', config.traces_endpoint],
        ['metrics', config.metrics_endpoint],
      ] as const) {
        const parsed = new URL(url ?? '');
        assert.deepEqual(
          [parsed.hostname, Number(parsed.port), parsed.pathname],
          ['otel-collector', otlpPort, `/v1/${signal}`],
          `${p.where} ${signal}`,
        );
      }
    }
    for (const [signal, pipeline] of Object.entries(collector.service.pipelines)) {
      for (const kind of ['receivers', 'processors', 'exporters'] as const) {
        for (const id of pipeline[kind] ?? []) {
          assert.ok(collector[kind]?.[id] !== undefined, `${signal}: ${kind} ${id}`);
        }
      }
    }
    const traceExporters = collector.service.pipelines.traces?.exporters ?? [];
    const jaegerExporter = traceExporters.find(id => id.startsWith('otlp'));
    assert.ok(jaegerExporter, 'traces go out over OTLP');
    assert.deepEqual(hostPort(collector.exporters[jaegerExporter]?.endpoint), ['jaeger', 4317]);
    // Jaeger v2 takes OTLP by default (v1's COLLECTOR_OTLP_ENABLED is gone) and must expose it.
    assert.ok(service('jaeger').expose?.includes('4317'), 'Jaeger exposes OTLP/gRPC');
    assert.ok(collector.service.pipelines.metrics?.exporters?.includes('prometheus'));
    const [, promPort] = hostPort(collector.exporters.prometheus?.endpoint);

    const promSvc = service('prometheus');
    const promConfig = /--config\.file=(\S+)/.exec((promSvc.command ?? []).join(' '))?.[1];
    assert.ok(mounted(promSvc, './prometheus.yml', promConfig));
    const targets = yamlFile<PrometheusYaml>('prometheus.yml').scrape_configs.flatMap(c =>
      c.static_configs.flatMap(s => s.targets),
    );
    assert.ok(targets.includes(`otel-collector:${promPort}`), 'scrapes the collector exporter');
    const pullPort = envOf(service('kong')).KONG_GENAI_OTEL_PROMETHEUS_PORT;
    if (pullPort !== undefined) {
      assert.ok(targets.includes(`kong:${pullPort}`), 'scrapes the plugin endpoint');
    }
    for (const target of targets) {
      assert.ok(compose.services[hostPort(target)[0]], `target ${target} is a compose service`);
    }
  });

  it('prometheus.yml passes promtool', t => {
    const result = runTool('promtool', ['check', 'config', 'prometheus.yml']);
    if (result === undefined) {
      t.skip('promtool not installed: prometheus.yml checked for targets only');
      return;
    }
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });
});
