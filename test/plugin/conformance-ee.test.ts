// Conformance over the EE 3.11-3.15 serialized-log corpus (the shared `kong-ai-3.10-plus`
// fixtures, read in place, constructed from Kong's documentation): each log runs through the real
// plugin server to the OTLP receiver, and the spans, events and metrics carry what Kong logged
// (docs/design.md#kong-log-shapes, #failover-and-retries, #guards-and-judges, #mcp-and-a2a).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FlatMetric, FlatSpan } from '../helpers/otlp-receiver';
import { startHarness, type Harness } from '../helpers/plugin-harness';

// Beside the repository clone, like the Kong AI Proxy corpus (test/genai/payloads/corpus.ts).
export const EE_CORPUS_DIR = path.resolve(__dirname, '../../../shared/fixtures/kong-ai-3.10-plus');
const skip: string | false = existsSync(EE_CORPUS_DIR)
  ? false
  : `Kong EE 3.10+ fixtures not found at ${EE_CORPUS_DIR}; EE conformance tests skipped`;

type Obj = Record<string, unknown>;

describe('conformance: Kong EE 3.11-3.15 logs (kong-ai-3.10-plus)', { skip }, () => {
  let h: Harness;
  let n = 0;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.stop();
  });

  /** Runs one fixture under its own service name (own metric stream); returns its request id. */
  async function run(file: string, config: Obj = {}): Promise<{ id: string; service: string }> {
    const text = readFileSync(path.join(EE_CORPUS_DIR, file), 'utf8');
    const log = JSON.parse(text) as Obj;
    const id = String((log.request as Obj).id);
    const service = `conformance-ee-${++n}`;
    const entity = h.entity(`e0000000-0000-4000-8000-${String(n).padStart(12, '0')}`, {
      service_name: service,
      metrics_export_interval_ms: 200,
      ...config,
    });
    const event = await h.runLog(entity, { serialized: text });
    assert.equal(event.pdkCalls, 1);
    return { id, service };
  }

  /** Spans of one request id under one service name (two fixtures share a request id). */
  async function spans(
    { id, service }: { id: string; service: string },
    count: number,
  ): Promise<FlatSpan[]> {
    return h.receiver.waitFor(r => {
      const found = r
        .spans()
        .filter(
          s => s.attributes['kong.request.id'] === id && s.resource['service.name'] === service,
        );
      return found.length >= count ? found : undefined;
    }, 5000);
  }

  /** The metric `name` of one service's stream, once exported. */
  async function metric(service: string, name: string): Promise<FlatMetric> {
    return h.receiver.waitFor(
      r =>
        r
          .metrics()
          .filter(m => m.resource['service.name'] === service && m.name === name)
          .at(-1),
      5000,
    );
  }

  const total = (m: FlatMetric, where: (a: Obj) => boolean = () => true): number =>
    m.points.filter(p => where(p.attributes)).reduce((s, p) => s + (p.sum ?? p.value ?? 0), 0);

  it('a (3.11 failover): one event per failed target, server.* from the target that answered', async () => {
    const ran = await run('a-3.11-ai-proxy-advanced-failover-tried-targets.json');
    const { service } = ran;
    const [span] = await spans(ran, 1);
    const a = span!.attributes;
    assert.equal(span!.name, 'chat gpt-4o');
    assert.equal(span!.traceId, '2f6c9b0e4a7d4c1f8e3b5a7c9d1e3f5a');
    assert.equal(a['server.address'], 'acme-eastus.openai.azure.com');
    assert.equal(a['server.port'], 443);
    assert.equal(a['kong.gen_ai.upstream.failed_attempts'], 1);
    assert.equal(a['kong.gen_ai.upstream.route_type'], 'llm/v1/chat');
    assert.equal(span!.status.code, 'STATUS_CODE_UNSET', 'the call succeeded on the second target');
    const attempts = span!.events.filter(e => e.name === 'kong.gen_ai.upstream.attempt');
    assert.equal(attempts.length, 1);
    assert.deepEqual(attempts[0]!.attributes, {
      'kong.gen_ai.upstream.provider': 'openai',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'server.address': 'api.openai.com',
      'server.port': 443,
      'kong.gen_ai.upstream.route_type': 'llm/v1/chat',
      'kong.gen_ai.upstream.state': 'next',
      'error.type': '429',
    });
    assert.equal(attempts[0]!.timeUnixNano, 1752000000126n * 1_000_000n);
    assert.equal(a['gen_ai.usage.input_tokens'], 1250);
    assert.equal(a['gen_ai.usage.cache_read.input_tokens'], 1024);
    assert.equal(a['kong.gen_ai.usage.input_audio_tokens'], 0);
    assert.equal(a['kong.gen_ai.usage.accepted_prediction_tokens'], 0);
    assert.equal(a['gen_ai.usage.cost'], 0.006225);
    assert.equal(a['kong.gen_ai.usage.cost'], 0.006225);
    // 3.11 logs no request_mode: Kong's metrics have no request_mode label then.
    const latency = await metric(service, 'ai_llm_provider_latency_ms');
    assert.equal(total(latency), 2190);
    assert.ok(latency.points.every(p => !('request_mode' in p.attributes)));
    const duration = await metric(service, 'gen_ai.client.operation.duration');
    assert.equal(duration.points[0]!.attributes['server.port'], 443);
  });

  it('b (3.12 stream): provider latency = meta.llm_latency, request_mode on requests not tokens, chunk metrics', async () => {
    const ran = await run('b-3.12-ai-proxy-stream-ttft.json');
    const { service } = ran;
    const [span] = await spans(ran, 1);
    assert.equal(span!.attributes['gen_ai.response.time_to_first_chunk'], 0.412);
    assert.equal(span!.attributes['kong.gen_ai.usage.estimated'], undefined, 'EE 3.12 counts');
    const latency = await metric(service, 'ai_llm_provider_latency_ms');
    assert.equal(total(latency), 3310);
    assert.equal(latency.points[0]!.attributes.request_mode, 'stream');
    const requests = await metric(service, 'ai_llm_requests_total');
    assert.equal(requests.points[0]!.attributes.request_mode, 'stream');
    const tokens = await metric(service, 'ai_llm_tokens_total');
    assert.ok(tokens.points.every(p => !('request_mode' in p.attributes)));
    assert.equal(
      total(tokens, p => p.token_type === 'completion_tokens'),
      233,
    );
    const ttfc = await metric(service, 'gen_ai.client.operation.time_to_first_chunk');
    assert.equal(total(ttfc), 0.412);
    assert.equal(ttfc.points[0]!.attributes['server.port'], 443);
    const tpoc = await metric(service, 'gen_ai.client.operation.time_per_output_chunk');
    assert.ok(Math.abs(total(tpoc) - 2.94 / 232) < 1e-9);
    // `both` mode keeps the server-named metric the older dashboards read.
    assert.equal(total(await metric(service, 'gen_ai.server.time_to_first_token')), 0.412);
  });

  it('c (3.12 realtime): one span for the session, input/output tokens, Kong labels', async () => {
    const ran = await run('c-3.12-ai-proxy-advanced-realtime.json');
    const { service } = ran;
    const [span] = await spans(ran, 1);
    const a = span!.attributes;
    assert.equal(a['kong.gen_ai.request.mode'], 'realtime');
    assert.equal(a['gen_ai.operation.name'], 'chat');
    assert.equal(a['gen_ai.usage.input_tokens'], 2380);
    assert.equal(a['gen_ai.usage.output_tokens'], 1596);
    assert.equal(a['kong.gen_ai.usage.input_audio_tokens'], 1968);
    assert.equal(a['kong.gen_ai.usage.input_text_tokens'], 412);
    assert.equal(a['kong.gen_ai.usage.output_audio_tokens'], 1284);
    assert.equal(a['kong.gen_ai.usage.cost'], 0.04382);
    // The session: from Kong's handoff to the close (latencies.request - latencies.kong).
    assert.equal(span!.endTimeUnixNano - span!.startTimeUnixNano, 95409n * 1_000_000n);
    const tokens = await metric(service, 'ai_llm_tokens_total');
    assert.equal(
      total(tokens, p => p.token_type === 'prompt_tokens'),
      2380,
    );
    assert.equal(
      total(tokens, p => p.token_type === 'completion_tokens'),
      1596,
    );
    const requests = await metric(service, 'ai_llm_requests_total');
    assert.equal(requests.points[0]!.attributes.request_mode, 'realtime');
    assert.equal(total(await metric(service, 'ai_llm_provider_latency_ms')), 1840);
  });

  for (const [file, kongCost] of [
    ['d-3.15.0.4-anthropic-native-prompt-cache.json', 0.0162315],
    ['d2-3.13-anthropic-native-prompt-cache-undercounted.json', 0.006222],
  ] as const) {
    it(`${file.split('-')[0]} (Anthropic prompt cache): input includes cache reads and writes`, async () => {
      const [span] = await spans(await run(file), 1);
      const a = span!.attributes;
      assert.equal(a['gen_ai.usage.input_tokens'], 12114);
      assert.equal(a['gen_ai.usage.cache_read.input_tokens'], 10240);
      assert.equal(a['gen_ai.usage.cache_creation.input_tokens'], 1850);
      assert.equal(a['gen_ai.usage.cache_creation_input_tokens'], 1850, 'legacy name (both mode)');
      assert.equal(a['gen_ai.usage.cache_read_input_tokens'], 10240);
      assert.equal(a['gen_ai.usage.output_tokens'], 410);
      assert.equal(a['kong.gen_ai.response.service_tier'], 'standard');
      assert.equal(a['kong.gen_ai.usage.cost'], kongCost);
      assert.equal(a['server.address'], 'api.anthropic.com');
      // The native Anthropic response body Kong passed through.
      assert.equal(a['gen_ai.response.id'], 'msg_01XyZAbCdEfGhIjKlMnOpQrS');
      assert.deepEqual(a['gen_ai.response.finish_reasons'], ['end_turn']);
    });
  }

  it('e (3.12 MCP): one span per rpc entry, JSON-RPC error code, MCP and Kong metrics', async () => {
    const ran = await run('e-3.12-mcp-tools-call-two-rpc-one-error.json', {
      capture_message_content: true,
    });
    const { service } = ran;
    const found = await spans(ran, 2);
    const ok = found.find(s => s.name === 'tools/call list_orders')!;
    const bad = found.find(s => s.name === 'tools/call get_invoice')!;
    assert.equal(ok.kind, 'SPAN_KIND_CLIENT');
    assert.equal(ok.attributes['mcp.method.name'], 'tools/call');
    assert.equal(ok.attributes['mcp.session.id'], '5f0e8a2c-7b1d-4c3e-9a6f-2d4b6c8e0a1f');
    assert.equal(ok.attributes['jsonrpc.request.id'], '7');
    assert.equal(ok.attributes['gen_ai.tool.name'], 'list_orders');
    assert.equal(ok.attributes['gen_ai.operation.name'], 'execute_tool');
    assert.equal(ok.attributes['server.address'], 'mcp-server.internal');
    assert.equal(ok.attributes['server.port'], 8080);
    assert.equal(ok.attributes['gen_ai.tool.call.arguments'], '{"status":"open","limit":20}');
    assert.equal(ok.endTimeUnixNano - ok.startTimeUnixNano, 14_000_000n);
    assert.equal(ok.status.code, 'STATUS_CODE_UNSET');
    assert.equal(bad.attributes['error.type'], '-32602');
    assert.equal(bad.attributes['kong.gen_ai.mcp.error'], 'Invalid params');
    assert.equal(bad.status.code, 'STATUS_CODE_ERROR');
    const duration = await metric(service, 'mcp.client.operation.duration');
    assert.equal(
      duration.points.reduce((s, p) => s + (p.count ?? 0), 0),
      2,
    );
    const errors = await metric(service, 'ai_mcp_error_total');
    assert.deepEqual(
      errors.points.map(p => [p.attributes.type, p.attributes.tool_name, p.value]),
      [['Invalid params', 'get_invoice', 1]],
    );
    assert.equal(total(await metric(service, 'ai_mcp_latency_ms')), 17);
    assert.equal(total(await metric(service, 'ai_mcp_response_body_size_bytes')), 260);
  });

  it('f (3.13 MCP ACL): a SERVER span with one event per decision, allow/deny counters, no consumer id', async () => {
    const ran = await run('f-3.13-mcp-acl-audit-allow-deny.json');
    const { service } = ran;
    const [span] = await spans(ran, 1);
    assert.equal(span!.name, 'tools/list');
    assert.equal(span!.kind, 'SPAN_KIND_SERVER', 'Kong answered tools/list itself');
    assert.equal(span!.attributes['mcp.protocol.version'], '2025-06-18');
    const acl = span!.events.filter(e => e.name === 'kong.gen_ai.mcp.acl');
    assert.deepEqual(
      acl.map(e => [
        e.attributes['kong.gen_ai.mcp.primitive_name'],
        e.attributes['kong.gen_ai.mcp.acl.action'],
      ]),
      [
        ['list_orders', 'allow'],
        ['list_users', 'deny'],
      ],
    );
    assert.equal(acl[0]!.attributes['kong.gen_ai.mcp.acl.subject'], 'support');
    assert.ok(
      !JSON.stringify(acl.map(e => e.attributes)).includes('8c5f2d1a'),
      'no consumer id in ACL events',
    );
    assert.equal(total(await metric(service, 'kong.gen_ai.mcp.acl.allowed')), 1);
    const denied = await metric(service, 'kong.gen_ai.mcp.acl.denied');
    assert.equal(denied.points[0]!.attributes['kong.gen_ai.mcp.primitive_name'], 'list_users');
    assert.equal(total(await metric(service, 'mcp.server.operation.duration')), 0.002);
  });

  it('g (3.14 A2A): one span per rpc entry with task facts, Kong A2A metrics', async () => {
    const ran = await run('g-3.14-a2a-message-stream-task.json');
    const { service } = ran;
    const [span] = await spans(ran, 1);
    const a = span!.attributes;
    assert.equal(span!.name, 'a2a message/stream');
    assert.equal(a['kong.a2a.operation'], 'message/stream');
    assert.equal(a['kong.gen_ai.a2a.binding'], 'jsonrpc');
    assert.equal(a['jsonrpc.request.id'], '1');
    assert.equal(a['kong.a2a.task.id'], '8a98bbbf-7d09-4336-b3aa-afe73e3a38d3');
    assert.equal(a['kong.a2a.task.state'], 'completed');
    assert.equal(a['kong.a2a.context.id'], 'df2e34aa-27ce-44ee-b5d3-3130b4f10985');
    assert.equal(a['kong.a2a.streaming'], true);
    assert.equal(a['kong.a2a.ttfb_latency'], 640);
    assert.equal(a['kong.a2a.sse_events_count'], 14);
    assert.equal(a['kong.trace_id'], '1bfc19e17dd9121769882cd9b8bf5de1');
    assert.equal(span!.endTimeUnixNano - span!.startTimeUnixNano, 8950n * 1_000_000n);
    const requests = await metric(service, 'ai_a2a_requests_total');
    assert.deepEqual(
      [requests.points[0]!.attributes.method, requests.points[0]!.attributes.binding],
      ['message/stream', 'jsonrpc'],
    );
    assert.equal(total(await metric(service, 'ai_a2a_ttfb_latency_ms')), 640);
    assert.equal(total(await metric(service, 'ai_a2a_latency_ms')), 8950);
    const states = await metric(service, 'ai_a2a_task_states_total');
    assert.equal(states.points[0]!.attributes.state, 'completed');
    assert.equal(total(await metric(service, 'kong.gen_ai.a2a.ttfb')), 0.64);
  });

  it('h (3.14 Lakera block before any LLM call): a span with error.type, a block count', async () => {
    const ran = await run('h-3.14-lakera-guard-blocked-input-403.json');
    const { service } = ran;
    const [span] = await spans(ran, 1);
    const a = span!.attributes;
    assert.equal(span!.name, 'guard lakera-guard');
    assert.equal(span!.status.code, 'STATUS_CODE_ERROR');
    assert.equal(a['error.type'], '403');
    assert.equal(a['kong.gen_ai.guard.blocked'], true);
    assert.equal(a['kong.gen_ai.guard.mode'], 'INPUT');
    assert.equal(a['kong.gen_ai.guard.block_source'], 'ai-lakera-guard');
    assert.equal(a['kong.gen_ai.guard.block_reason'], 'moderated_content/hate');
    assert.equal(a['kong.gen_ai.guard.input_latency_ms'], 78);
    assert.equal(a['kong.gen_ai.guard.triggered_count'], 1);
    assert.equal(a['kong.gen_ai.guard.faulty_content'], undefined, 'content capture is off');
    const blocks = await metric(service, 'kong.gen_ai.guard.blocks');
    assert.deepEqual(blocks.points[0]!.attributes, {
      'kong.gen_ai.guard.name': 'lakera-guard',
      'kong.gen_ai.guard.block_source': 'ai-lakera-guard',
      'kong.gen_ai.guard.blocked_side': 'input',
    });
    assert.equal(total(blocks), 1);
  });
});
