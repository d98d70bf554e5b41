// The process identity in the resource: stable within a process, and Kong's node id only where
// Kong itself put it (KONG_NODE_ID, or <prefix>/kong.id of a hybrid data plane), never invented.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { kongNodeId, processIdentity } from '../../src/export/process-identity';

const ID = '8b3f0c1e-2d4a-4e5f-9a6b-7c8d9e0f1a2b';

describe('process identity', () => {
  it('is the same object for the life of the process', () => {
    const a = processIdentity();
    assert.equal(processIdentity(), a);
    assert.match(a['service.instance.id']!, /^[0-9a-f-]{36}$/);
    assert.equal(a['host.name'], os.hostname());
  });

  it("reads Kong's node id from KONG_NODE_ID, else <KONG_PREFIX>/kong.id", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kong-id-'));
    try {
      assert.equal(kongNodeId({ KONG_PREFIX: dir }), undefined, 'no file, no id');
      fs.writeFileSync(path.join(dir, 'kong.id'), `${ID.toUpperCase()}\n`);
      assert.equal(kongNodeId({ KONG_PREFIX: dir }), ID);
      assert.equal(kongNodeId({ KONG_PREFIX: dir, KONG_NODE_ID: 'not-a-uuid' }), ID);
      const other = ID.replace('8b3f', '1111');
      assert.equal(kongNodeId({ KONG_PREFIX: dir, KONG_NODE_ID: other }), other);
      fs.writeFileSync(path.join(dir, 'kong.id'), 'garbage');
      assert.equal(kongNodeId({ KONG_PREFIX: dir }), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
