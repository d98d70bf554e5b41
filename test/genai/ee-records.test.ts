// The pure EE 3.10+ readers (docs/design.md#failover-and-retries, #guards-and-judges,
// #mcp-and-a2a): pairing of tried targets with tries, guard verdicts and what they never keep,
// judge placement, MCP and A2A entries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { upstreamAttempts } from '../../src/genai/attempts';
import { callsFromLog } from '../../src/genai/calls';
import { evaluations } from '../../src/genai/evaluations';
import { guardVerdicts } from '../../src/genai/guards';
import { requestRecords } from '../../src/genai/request-records';
import { eeA2aLog, eeBlockedLog, eeGuardedJudgedLog, eeMcpLog } from '../fixtures/ee-logs';
import * as F from '../fixtures/serialized-logs';

const target = (host: string) => ({ provider: 'openai', model: 'm', host, port: 443 });

describe('upstream attempts', () => {
  it('pairs targets with tries from the end and reads statuses from the tries or the status list', () => {
    const a = upstreamAttempts(
      [target('a.example'), target('b.example'), target('c.example')],
      // Only the last two tries logged: the first target pairs with nothing.
      [{ state: 'failed', code: 502, balancer_start: F.STARTED_AT }, { balancer_start: 5 }],
      '500, 502, 200',
    );
    assert.equal(a.answered?.host, 'c.example');
    assert.deepEqual(
      a.failed.map(f => [f.host, f.status, f.state, f.startMs]),
      [
        ['a.example', 500, undefined, undefined],
        ['b.example', 502, 'failed', F.STARTED_AT],
      ],
    );
    assert.equal(a.answered?.startMs, undefined, 'a non-epoch balancer_start is no time');
  });

  it('has no attempts without tried_targets, and ignores junk statuses and ports', () => {
    assert.deepEqual(upstreamAttempts(undefined, [], '200'), { failed: [] });
    const a = upstreamAttempts([{ host: 'x', port: 70000 }, { host: 'y' }], [{ code: 99 }], 'a, b');
    assert.equal(a.failed[0]!.port, undefined);
    assert.equal(a.failed[0]!.status, undefined);
  });

  it('a 3.11 log: server.* from the answering target, upstream status from the list', () => {
    const log = F.log39({ upstreamStatus: '429, 200' });
    const proxy = (log.ai as Record<string, Record<string, unknown>>).proxy!;
    proxy.tried_targets = [target('api.openai.com'), { ...target('gw.internal'), port: 8080 }];
    const [call] = callsFromLog(log);
    assert.deepEqual([call!.server.address, call!.server.port], ['gw.internal', 8080]);
    assert.equal(call!.outcome.upstreamStatus, 200);
    assert.equal(call!.outcome.isError, false);
    assert.equal(call!.failedAttempts?.[0]?.status, 429);
  });
});

describe('guard verdicts', () => {
  it('reads blocked side, source, reason and facts; never credentials or raw PII items', () => {
    const verdicts = guardVerdicts({
      proxy: {
        'lakera-guard': {
          input_block_reason: '',
          output_block_reason: 'prompt_attack',
          output_block_source: 'ai-lakera-guard',
          lakera_project_id: 'p',
          api_key: 'sk-secret',
          client_secret: 'x',
          input_block_detail: [{ detector_type: 'x' }],
        },
      },
      sanitizer: { pii_identified: 1, sanitized_items: [{ original: 'jane@example.com' }] },
    });
    assert.equal(verdicts.length, 2);
    const [lakera, sanitizer] = verdicts;
    assert.equal(lakera!.blocked, true);
    assert.equal(lakera!.blockedSide, 'output');
    assert.equal(lakera!.blockReason, 'prompt_attack');
    assert.deepEqual(lakera!.facts, { lakera_project_id: 'p' });
    assert.equal(sanitizer!.blocked, false);
    assert.deepEqual(sanitizer!.facts, { pii_identified: 1 });
  });

  it("reads Azure Content Safety's audit categories, numbers or strings", () => {
    const [audit] = guardVerdicts({
      audit: { azure_content_safety: { Hate: 'High', Violence: 4, 'Bad Key!': 1 } },
    });
    assert.equal(audit?.blocked, true);
    assert.equal(audit?.blockReason, 'hate,violence');
    assert.deepEqual(audit?.facts, { category_hate: 'High', category_violence: 4 });
  });

  it('a guarded call carries its verdicts and the judge score; the judge is no call', () => {
    const calls = callsFromLog(eeGuardedJudgedLog());
    assert.equal(calls.length, 1);
    assert.deepEqual(
      calls[0]!.guards?.map(g => g.name),
      ['aws-guardrails', 'sanitizer'],
    );
    assert.deepEqual(calls[0]!.evaluations, [
      { name: 'llm_accuracy', score: 87, judgeModel: 'gpt-4.1', judgeProvider: 'openai' },
    ]);
  });

  it('reads the judge under ai.proxy too', () => {
    const judge = { meta: { response_model: 'j' }, usage: { llm_accuracy: 40 } };
    assert.equal(evaluations({ proxy: { 'ai-llm-as-judge': judge } })[0]?.score, 40);
    assert.deepEqual(evaluations({ proxy: { 'ai-llm-as-judge': { usage: {} } } }), []);
  });
});

describe('request records', () => {
  it('a guard block without an LLM call is a record, not a call', () => {
    const log = eeBlockedLog();
    assert.equal(callsFromLog(log).length, 0);
    const records = requestRecords(log, false);
    assert.equal(records?.blockedGuards?.[0]?.blockReason, 'jailbreak');
    assert.equal(records?.context.proxied, false);
    assert.equal(records?.context.durationMs, 31, 'the whole request: Kong answered');
    assert.equal(requestRecords(log, true), undefined, 'with calls, guards ride on the call');
  });

  it('MCP: entries, JSON-RPC code from the payload, ACL without consumer ids', () => {
    const records = requestRecords(eeMcpLog(), false)!;
    const [rpc] = records.mcp!.rpcs;
    assert.equal(rpc!.errorCode, -32603);
    assert.equal(rpc!.toolArguments, '{"q":"x"}');
    assert.equal(records.context.serverAddress, 'tools.internal.example');
    assert.ok(!JSON.stringify(records.mcp!.audit).includes('secret-id'));
    // A numeric JSON-RPC id is kept as its text.
    const log = eeMcpLog();
    (
      (log.ai as Record<string, Record<string, unknown[]>>).mcp!.rpc![0] as Record<string, unknown>
    ).id = 12;
    assert.equal(requestRecords(log, false)!.mcp!.rpcs[0]!.id, '12');
  });

  it('A2A: one entry per rpc, nothing for an empty list or a log without ai', () => {
    const records = requestRecords(eeA2aLog(), false)!;
    assert.deepEqual(
      records.a2a?.map(r => [r.method, r.binding, r.taskState, r.error]),
      [['tasks/get', 'rest', 'failed', 'upstream_error']],
    );
    assert.equal(requestRecords({ ai: { a2a: { rpc: [] } } }, false), undefined);
    assert.equal(requestRecords({}, false), undefined);
  });
});
