// The summary line's pieces: masked URLs, endpoint hints, exit codes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  endpointHints,
  EXIT,
  exitCode,
  maskUrl,
  summaryLine,
  type RunReport,
} from '../../src/replay/report';

const report = (over: Partial<RunReport> = {}): RunReport => ({
  input: 'x.jsonl',
  entries: 1,
  calls: 1,
  sampled: 1,
  skips: new Map(),
  notes: new Map(),
  ...over,
});
const exported = (traceFailures: number, metricFailures: number, dropped = 0) => ({
  traces: {
    url: 'https://u:p@otlp.example/v1/traces',
    failures: traceFailures,
    spansLost: traceFailures,
    spansDropped: dropped,
  },
  metrics: { url: 'https://otlp.example/v1/metrics?api_key=abc', failures: metricFailures },
});

describe('replay report', () => {
  it('masks credentials in URLs', () => {
    assert.equal(maskUrl('https://user:pw@host:4318/v1/traces'), 'https://***@host:4318/v1/traces');
    assert.equal(
      maskUrl('https://host/v1/traces?api-key=s&x=1'),
      'https://host/v1/traces?api-key=***&x=1',
    );
    assert.equal(maskUrl('not a url//u:p@x'), 'not a url//***@x');
  });

  it('hints at the usual endpoint mistakes', () => {
    assert.match(endpointHints('http://c:4318', 'traces').join(), /no \/v1\/traces path/);
    assert.match(endpointHints('http://c:4317/v1/traces', 'traces').join(), /4317 is OTLP\/gRPC/);
    assert.match(endpointHints('https://c:4318/v1/metrics', 'metrics').join(), /plain HTTP there/);
    assert.match(endpointHints('http://c:443/v1/traces', 'traces').join(), /use https/);
    assert.match(endpointHints('https://c/v1/traces', 'traces').join(), /NODE_EXTRA_CA_CERTS/);
    assert.deepEqual(endpointHints('http://c:4318/v1/traces', 'traces'), [
      "is an OTLP/HTTP receiver listening on c:4318? (the Collector's default port is 4318)",
    ]);
  });

  it('exits 1 on any failed export or dropped span, 3 when nothing was read, else 0', () => {
    assert.equal(exitCode(report()), EXIT.ok);
    assert.equal(exitCode(report({ exported: exported(0, 0) })), EXIT.ok);
    assert.equal(exitCode(report({ exported: exported(1, 0) })), EXIT.exportFailed);
    assert.equal(exitCode(report({ exported: exported(0, 1) })), EXIT.exportFailed);
    assert.equal(exitCode(report({ exported: exported(0, 0, 2) })), EXIT.exportFailed);
    assert.equal(exitCode(report({ entries: 0, calls: 0, sampled: 0 })), EXIT.noInput);
    const late = { ...exported(0, 0), unfinishedAfterMs: 30_000 };
    assert.equal(exitCode(report({ exported: late })), EXIT.exportFailed);
    assert.match(
      summaryLine(report({ exported: late }), false),
      /export still running after 30 s: what was not sent by then is lost; hint: the collector accepts connections but answers slowly/,
    );
  });

  it('says what failed, where and why in one line', () => {
    const line = summaryLine(report({ exported: exported(0, 2) }), false);
    assert.equal(line.includes('\n'), false);
    assert.equal(
      line,
      'replay FAILED 1 log entry from x.jsonl: 1 LLM call; 1 span exported to https://***@otlp.example/v1/traces; metric export to https://otlp.example/v1/metrics?api_key=*** FAILED (2 failed requests); hint: TLS: a private CA must be given to Node with NODE_EXTRA_CA_CERTS=<ca.pem>, and the certificate must name the host',
    );
  });
});
