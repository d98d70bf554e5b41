// Socket resolution: explicit flags win, then KONG_PREFIX (Kong's own prefix), then the default;
// the stop helper also honours Kong's explicit socket setting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flagGiven, helperSocketPath, serverPrefix } from '../../src/pluginserver/socket-path';

describe('socket path', () => {
  it('server prefix: --kong-prefix, else KONG_PREFIX, else the default', () => {
    const env = { KONG_PREFIX: '/kong_prefix/' };
    assert.equal(serverPrefix(['--kong-prefix', '/p'], '/p', env), '/p');
    assert.equal(serverPrefix(['-p', '/p'], '/p', env), '/p');
    assert.equal(serverPrefix(['--kong-prefix=/p'], '/p', env), '/p');
    assert.equal(serverPrefix(['--sock-name', 'x'], '/usr/local/kong', env), '/kong_prefix/');
    assert.equal(serverPrefix([], '/usr/local/kong', { KONG_PREFIX: ' ' }), '/usr/local/kong');
    assert.equal(serverPrefix([], '/usr/local/kong', {}), '/usr/local/kong');
    assert.ok(!flagGiven(['--kong-prefixes'], ['--kong-prefix']));
  });

  it('helper socket: flags, else Kong socket setting, else <KONG_PREFIX>/genai_otel.socket', () => {
    const env = { KONG_PREFIX: '/kong_prefix/', KONG_PLUGINSERVER_GENAI_OTEL_SOCKET: '/s/x.sock' };
    assert.equal(
      helperSocketPath(['--kong-prefix', '/a', '--sock-name', 'b.sock'], env),
      '/a/b.sock',
    );
    assert.equal(helperSocketPath(['--sock-name', 'b.sock'], env), '/kong_prefix/b.sock');
    assert.equal(helperSocketPath([], env), '/s/x.sock');
    assert.equal(
      helperSocketPath([], { KONG_PREFIX: '/kong_prefix/' }),
      '/kong_prefix/genai_otel.socket',
    );
    assert.equal(helperSocketPath([], {}), '/usr/local/kong/genai_otel.socket');
  });
});
