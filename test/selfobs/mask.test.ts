// Masking for log lines: URL credentials, Authorization values, header maps, secret-named fields
// and serialized logs never reach a line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/selfobs/logger';
import { maskForLog, maskText, maskUrlCredentials } from '../../src/selfobs/mask';

describe('masking', () => {
  it('drops URL passwords and bare URL tokens, keeps the rest of the URL', () => {
    assert.equal(
      maskUrlCredentials('bad http://otel:pa$$w0rd@collector:4318/v1/traces end'),
      'bad http://otel:***@collector:4318/v1/traces end',
    );
    assert.equal(maskUrlCredentials('https://tok3n@h/x'), 'https://***@h/x');
    assert.equal(maskUrlCredentials('http://collector:4318/v1'), 'http://collector:4318/v1');
  });

  it('drops Authorization, Bearer, Basic and Api-Token values from text', () => {
    const out = maskText(
      'Authorization: Api-Token dt0c01.ABC and Bearer abc.def.ghi and Basic dXNlcjpwdw==',
    );
    for (const secret of ['dt0c01.ABC', 'abc.def.ghi', 'dXNlcjpwdw==']) {
      assert.ok(!out.includes(secret), out);
    }
  });

  it('masks header maps, secret fields and long strings in RPC arguments', () => {
    const serialized = JSON.stringify({ request: { headers: { authorization: 'Bearer x' } } });
    const args = [
      {
        Name: 'genai-otel',
        Config: JSON.stringify({ a: 1 }).repeat(40),
        config: {
          headers: { Authorization: 'Api-Token SECRET1', 'X-Key': 'SECRET2' },
          metrics_headers: { 'X-M': 'SECRET3' },
          traces_endpoint: 'http://u:SECRET4@c:4318/v1/traces',
          client_secret: 'SECRET5',
          service_name: 'kong',
        },
      },
      [1, 'kong.log.serialize', `${serialized}${' '.repeat(300)}`],
      new Uint8Array(10),
    ];
    const text = JSON.stringify(maskForLog(args));
    for (const secret of ['SECRET1', 'SECRET2', 'SECRET3', 'SECRET4', 'SECRET5', 'Bearer x']) {
      assert.ok(!text.includes(secret), `${secret} in ${text}`);
    }
    assert.ok(text.includes('"service_name":"kong"'), text);
    assert.ok(text.includes('"Authorization":"***"'), text);
    assert.ok(text.includes('<bin 10 bytes>'), text);
    assert.ok(/<\d+ chars>/.test(text), text);
  });

  it('is bounded on hostile input (deep and wide)', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i += 1) deep = { a: deep };
    const wide = Array.from({ length: 100_000 }, (_, i) => i);
    assert.ok(JSON.stringify(maskForLog([deep, wide])).length < 100_000);
  });

  it('every logger line is masked, whatever its source', () => {
    const lines: string[] = [];
    const log = createLogger({ write: l => lines.push(l) });
    log.error('export to http://user:hunter2@h:4318 failed; Authorization: Bearer tok123456');
    assert.equal(lines.length, 1);
    assert.ok(!lines[0]!.includes('hunter2') && !lines[0]!.includes('tok123456'), lines[0]);
  });
});
