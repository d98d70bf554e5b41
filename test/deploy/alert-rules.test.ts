// The shipped alert rules: promtool validates them and runs their unit tests, and every alert has
// at least one case where it must fire and one where it must stay silent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { ensurePrometheus, PROMTOOL } from '../helpers/prometheus';

const ROOT = path.resolve(__dirname, '../..');
const RULES = 'deploy/prometheus/alerts.yml';
const RULE_TESTS = 'deploy/prometheus/alerts.test.yml';

interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
}
interface RuleTests {
  rule_files: string[];
  tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}
const yamlFile = <T>(file: string): T => parse(readFileSync(path.join(ROOT, file), 'utf8')) as T;

function promtool(args: string[]) {
  return spawnSync(PROMTOOL, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('Prometheus alert rules', () => {
  let unavailable: string | undefined;
  before(() => {
    unavailable = ensurePrometheus();
  });

  it('pass `promtool check rules`', t => {
    if (unavailable !== undefined) return t.skip(`promtool unavailable: ${unavailable}`);
    const result = promtool(['check', 'rules', RULES]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /SUCCESS: \d+ rules found/);
  });

  it('pass their unit tests (`promtool test rules`)', t => {
    if (unavailable !== undefined) return t.skip(`promtool unavailable: ${unavailable}`);
    const result = promtool(['test', 'rules', RULE_TESTS]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /SUCCESS/);
  });

  it('have a firing and a silent unit test for every alert', () => {
    const rules = yamlFile<RuleFile>(RULES);
    const tests = yamlFile<RuleTests>(RULE_TESTS);
    assert.deepEqual(tests.rule_files, [path.basename(RULES)]);
    const alerts = rules.groups.flatMap(g => g.rules.flatMap(r => r.alert ?? []));
    assert.deepEqual(
      alerts.sort(),
      [
        'GenAICostBudgetBurn',
        'GenAIHighErrorRatio',
        'GenAIHighLatencyP95',
        'GenAISlowTimeToFirstToken',
        'GenAITelemetryDropping',
        'GenAITelemetryExportFailing',
        'GenAITokenSpike',
      ],
      'error ratio, p95 latency, time to first token, cost burn, token spikes, export failures',
    );
    const cases = tests.tests.flatMap(t => t.alert_rule_test ?? []);
    for (const alert of alerts) {
      const mine = cases.filter(c => c.alertname === alert);
      assert.ok(
        mine.some(c => (c.exp_alerts ?? []).length > 0),
        `${alert}: no case where it fires`,
      );
      assert.ok(
        mine.some(c => (c.exp_alerts ?? []).length === 0),
        `${alert}: no case where it stays silent`,
      );
    }
  });

  it('keep the hourly budget in one recording rule that the cost alert reads', () => {
    const rules = yamlFile<RuleFile>(RULES).groups.flatMap(g => g.rules);
    const budget = rules.find(r => r.record === 'kong_genai:cost_budget_per_hour');
    assert.ok(budget, 'recording rule kong_genai:cost_budget_per_hour');
    assert.match(budget.expr, /^vector\(\d+(\.\d+)?\)$/);
    const burn = rules.find(r => r.alert === 'GenAICostBudgetBurn');
    assert.match(burn?.expr ?? '', /kong_genai:cost_budget_per_hour/);
    // Recording rules are evaluated in order within a group: the budget must come first.
    assert.ok(rules.indexOf(budget) < rules.indexOf(burn!));
  });
});
