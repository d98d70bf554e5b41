// `--config` takes what users have: a bare config, a plugin entry or a whole kong.yml, JSON or
// YAML; and refuses, naming the key, what it would otherwise silently ignore.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { configFromDocument, readConfigFile, unknownKeys } from '../../src/replay/config-file';

const ok = (result: ReturnType<typeof configFromDocument>) => {
  assert.ok(result.ok, result.ok ? '' : result.message);
  return result;
};
const fails = (result: ReturnType<typeof configFromDocument>, message: RegExp) => {
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.message, message);
};

const kongYml = {
  _format_version: '3.0',
  services: [
    {
      name: 'llm',
      url: 'http://llm:8080',
      plugins: [{ name: 'genai-otel', config: { sample_ratio: 0.1 } }],
      routes: [
        {
          name: 'chat',
          paths: ['/chat'],
          plugins: [{ name: 'genai-otel', config: { sample_ratio: 0.2 } }],
        },
        { name: 'other', paths: ['/o'], plugins: [{ name: 'ai-proxy', config: {} }] },
      ],
    },
  ],
  plugins: [{ name: 'genai-otel', route: 'private', config: { sample_ratio: 0.3 } }],
};

describe('--config shapes', () => {
  it('takes a bare config, a plugin entry and an entry without config', () => {
    const bare = ok(configFromDocument({ sample_ratio: 0.5 }));
    assert.deepEqual(
      [bare.ok && bare.config.sample_ratio, bare.ok && bare.source],
      [0.5, 'plugin config'],
    );
    const entry = ok(
      configFromDocument({ name: 'genai-otel', enabled: true, config: { sample_ratio: 0.25 } }),
    );
    assert.equal(entry.ok && entry.config.sample_ratio, 0.25);
    assert.equal(ok(configFromDocument({ name: 'genai-otel' })).ok && true, true);
  });

  it('refuses an entry for another plugin, plugin fields outside config, and a non-mapping', () => {
    fails(
      configFromDocument({ name: 'file-log', config: {} }),
      /plugin 'file-log', not 'genai-otel'/,
    );
    fails(
      configFromDocument({ name: 'genai-otel', sample_ratio: 1 }),
      /unknown key 'sample_ratio' \(the plugin's fields go under 'config'\)/,
    );
    fails(configFromDocument([1]), /must be a mapping, got an array/);
    fails(
      configFromDocument({ name: 'genai-otel', config: 'x' }),
      /'config' must be a mapping, got a string/,
    );
  });

  it('names every unknown key, nested ones included', () => {
    fails(
      configFromDocument({ sample_rate: 1, headerz: {} }),
      /unknown keys 'sample_rate', 'headerz'/,
    );
    assert.deepEqual(
      unknownKeys({ pricing: [{ model: 'gpt-*', input: 1, output: 2, currency: 'EUR' }] }),
      ['pricing[0].currency'],
    );
    assert.deepEqual(unknownKeys({ headers: { 'x-any-name': 'v' }, sample_ratio: null }), []);
  });

  it('lists the entries of a kong.yml with several and selects by index or route', () => {
    fails(
      configFromDocument(kongYml),
      /3 'genai-otel' entries; choose one with --plugin-index or --route:\n {2}--plugin-index 0: plugins\[0\] \(route private\)\n {2}--plugin-index 1: services\[0\]\(llm\)\.plugins\[0\]\n {2}--plugin-index 2: services\[0\]\(llm\)\.routes\[0\]\(chat\)\.plugins\[0\] \(route chat\)/,
    );
    const byIndex = ok(configFromDocument(kongYml, { pluginIndex: 1 }));
    assert.equal(byIndex.ok && byIndex.config.sample_ratio, 0.1);
    assert.equal(byIndex.ok && byIndex.source, 'kong.yml services[0](llm).plugins[0]');
    const byRoute = ok(configFromDocument(kongYml, { route: 'chat' }));
    assert.equal(byRoute.ok && byRoute.config.sample_ratio, 0.2);
    const topLevel = ok(configFromDocument(kongYml, { route: 'private' }));
    assert.equal(topLevel.ok && topLevel.config.sample_ratio, 0.3);
    fails(
      configFromDocument(kongYml, { pluginIndex: 3 }),
      /--plugin-index 3: the kong.yml has 3 'genai-otel' entries/,
    );
    fails(
      configFromDocument(kongYml, { route: 'other' }),
      /no 'genai-otel' entry on route 'other'/,
    );
    fails(
      configFromDocument({ _format_version: '3.0', services: [] }),
      /has no 'genai-otel' plugin/,
    );
    fails(
      configFromDocument({ sample_ratio: 1 }, { route: 'chat' }),
      /select within a kong\.yml only/,
    );
  });

  it('uses the only entry of a kong.yml without a selection, and checks its keys', () => {
    const single = {
      _format_version: '3.0',
      plugins: [{ name: 'genai-otel', config: { semconv: 'latest' } }],
    };
    const r = ok(configFromDocument(single));
    assert.equal(r.ok && r.config.semconv, 'latest');
    fails(
      configFromDocument({
        _format_version: '3.0',
        plugins: [{ name: 'genai-otel', config: { semconf: 'latest' } }],
      }),
      /invalid config \(kong\.yml plugins\[0\]\): unknown key 'semconf'/,
    );
  });

  it('reads the repository kong.yml (YAML) and a JSON file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'genai-otel-config-'));
    const json = path.join(dir, 'c.json');
    writeFileSync(json, JSON.stringify({ name: 'genai-otel', config: { sample_ratio: 0.75 } }));
    const fromJson = readConfigFile(json);
    assert.equal(fromJson.ok && fromJson.config.sample_ratio, 0.75);
    const repo = readConfigFile(path.resolve(__dirname, '../../kong.yml'), { pluginIndex: 0 });
    assert.ok(repo.ok, repo.ok ? '' : repo.message);
    const empty = path.join(dir, 'empty.yaml');
    writeFileSync(empty, '');
    assert.ok(readConfigFile(empty).ok, 'an empty file is the empty config');
  });
});
