// Stopping without loss, with Kong's real process tree: a parent (nginx's worker 0) spawns the
// plugin server, and on stop sends it SIGTERM and exits at once; then everything left in its
// process group is SIGKILLed, as the container's processes are once nginx's master (PID 1) exits.
// The stop helper, run before (Kubernetes preStop), must leave nothing recorded unexported: what
// was queued is exported before the helper returns, and what is recorded afterwards promptly.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as F from '../fixtures/serialized-logs';
import { withRequestId } from '../helpers/fault-tools';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';
import { BUILT_PLUGINS_DIR, ROOT } from '../helpers/plugin-harness';
import { dumpAllPlugins } from '../helpers/plugin-server';
import { KongEmulator, type PluginEntity } from '../kong-emulator/emulator';

const OUR_ENTRY = path.join(ROOT, 'dist/bin/genai-otel-pluginserver.js');

/** nginx's worker 0 in miniature: spawn the server; on "stop", SIGTERM it and exit at once. */
const PARENT = `
const { spawn } = require('node:child_process');
const [entry, plugins, prefix] = process.argv.slice(2);
const child = spawn(process.execPath, [entry, '--plugins-directory', plugins, '--kong-prefix', prefix,
  '--sock-name', 'genai_otel.socket'], { stdio: ['ignore', 'inherit', 'inherit'] });
process.stdout.write(child.pid + '\\n');
const stop = () => { child.kill('SIGTERM'); process.exit(0); };
process.stdin.on('data', stop);
process.on('SIGQUIT', stop);
`;

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

function requestsTotal(receiver: OtlpReceiver): number {
  const m = receiver.metrics().filter(x => x.name === 'ai_llm_requests_total');
  // Cumulative: the latest export of each series holds the total.
  const latest = new Map<string, number>();
  for (const metric of m) {
    for (const p of metric.points) latest.set(JSON.stringify(p.attributes), p.value ?? 0);
  }
  return [...latest.values()].reduce((a, b) => a + b, 0);
}

const ENTRYPOINT = path.join(ROOT, 'deploy/docker/kong-entrypoint.sh');
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

const entity = (receiver: OtlpReceiver, n: number): PluginEntity => ({
  id: `5e000000-0000-4000-8000-00000000000${n}`,
  seq: 1,
  config: {
    traces_endpoint: receiver.tracesUrl,
    metrics_endpoint: receiver.metricsUrl,
    // Nothing would leave on its own before the stop.
    scheduled_delay_ms: 60_000,
    metrics_export_interval_ms: 3_600_000,
  },
  routeId: `r5e00000-0000-4000-8000-00000000000${n}`,
});

async function waitForSocket(socketPath: string, output: () => string): Promise<void> {
  for (let i = 0; i < 400 && !fs.existsSync(socketPath); i += 1) await sleep(25);
  assert.ok(fs.existsSync(socketPath), `server did not listen: ${output()}`);
}

describe('stop helper with a parent that dies right after signalling', () => {
  let receiver: OtlpReceiver;
  let prefix: string;
  let parent: ChildProcess | undefined;
  let emu: KongEmulator | undefined;
  before(async () => {
    receiver = await startOtlpReceiver();
    prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'stop-helper-'));
  });
  after(async () => {
    await emu?.close();
    if (parent?.pid !== undefined) {
      try {
        process.kill(-parent.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await receiver?.close();
    fs.rmSync(prefix, { recursive: true, force: true });
  });

  it('exports everything recorded before the process group is killed', async () => {
    const socketPath = path.join(prefix, 'genai_otel.socket');
    const parentFile = path.join(prefix, 'parent.cjs');
    fs.writeFileSync(parentFile, PARENT);
    parent = spawn(process.execPath, [parentFile, OUR_ENTRY, BUILT_PLUGINS_DIR, prefix], {
      detached: true, // its own process group, which the "container" kills
      stdio: ['pipe', 'pipe', 'pipe'],
      env,
    });
    let stderr = '';
    parent.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const parentExited = new Promise<void>(resolve => parent!.once('exit', () => resolve()));
    await waitForSocket(socketPath, () => stderr);

    const dump = await dumpAllPlugins(BUILT_PLUGINS_DIR, OUR_ENTRY);
    emu = await KongEmulator.connect({ socketPath, pluginInfo: dump.json[0]! });
    const route = entity(receiver, 1);
    const record = async (id: string): Promise<void> => {
      const r = await emu!.runLog(route, { serialized: withRequestId(F.log39(), id) });
      assert.equal(r.error, undefined);
    };
    for (let i = 0; i < 5; i += 1) await record(`stop-before-${i}`);
    assert.equal(receiver.spans().length, 0, 'nothing exported before the helper');

    // preStop: the helper returns only once the server exported what it held.
    const helper = await new Promise<{ code: number | null; stderr: string }>(resolve => {
      const p = execFile(
        process.execPath,
        [
          OUR_ENTRY,
          '--flush-and-wait',
          '--kong-prefix',
          prefix,
          '--sock-name',
          'genai_otel.socket',
        ],
        { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeout: 20_000 },
        (_error, _stdout, err) => resolve({ code: p.exitCode, stderr: err }),
      );
    });
    assert.equal(helper.code, 0, helper.stderr);
    assert.match(helper.stderr, /flushed 2 provider\(s\)/);
    assert.equal(receiver.spans().length, 5, 'queued spans exported before the helper returned');
    assert.equal(requestsTotal(receiver), 5, 'the metric interval exported too');

    // Kong still serves while it drains; what it records now leaves promptly.
    for (let i = 0; i < 3; i += 1) await record(`stop-after-${i}`);
    await receiver.waitFor(() => receiver.spans().length === 8 || undefined, 10_000);
    await receiver.waitFor(() => requestsTotal(receiver) === 8 || undefined, 10_000);

    // nginx stops: worker 0 signals and exits; then the whole group is killed.
    parent.stdin!.write('stop\n');
    await parentExited;
    process.kill(-parent.pid!, 'SIGKILL');
    const ids = new Set(receiver.spans().map(s => s.attributes['kong.request.id']));
    assert.equal(ids.size, 8);
  });
});

describe('the image entrypoint stops Kong without losing telemetry', () => {
  let receiver: OtlpReceiver;
  let prefix: string;
  let wrapper: ChildProcess | undefined;
  let emu: KongEmulator | undefined;
  before(async () => {
    receiver = await startOtlpReceiver();
    prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'stop-entry-'));
  });
  after(async () => {
    await emu?.close();
    if (wrapper?.pid !== undefined) {
      try {
        process.kill(-wrapper.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await receiver?.close();
    fs.rmSync(prefix, { recursive: true, force: true });
  });

  it('on the stop signal: helper, SIGQUIT to Kong, then waits for the server', async () => {
    const socketPath = path.join(prefix, 'genai_otel.socket');
    fs.writeFileSync(path.join(prefix, 'parent.cjs'), PARENT);
    // Kong's entrypoint stand-in: nginx's master (here the parent) replaces it, as `exec` does.
    const fakeKong = path.join(prefix, 'kong-entrypoint');
    fs.writeFileSync(
      fakeKong,
      `#!/bin/sh\nexec "${process.execPath}" "${prefix}/parent.cjs" "${OUR_ENTRY}" "${BUILT_PLUGINS_DIR}" "${prefix}"\n`,
      { mode: 0o755 },
    );
    wrapper = spawn('/bin/sh', [ENTRYPOINT, 'kong', 'docker-start'], {
      detached: true, // the "container": everything left in this group is killed at the end
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...env,
        KONG_ENTRYPOINT: fakeKong,
        GENAI_OTEL_FLUSH_CMD: `${process.execPath} ${OUR_ENTRY} --flush-and-wait --kong-prefix ${prefix} --sock-name genai_otel.socket`,
      },
    });
    let output = '';
    wrapper.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    wrapper.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>(resolve =>
      wrapper!.once('exit', code => resolve(code)),
    );
    await waitForSocket(socketPath, () => output);

    const dump = await dumpAllPlugins(BUILT_PLUGINS_DIR, OUR_ENTRY);
    const kong = await KongEmulator.connect({ socketPath, pluginInfo: dump.json[0]! });
    emu = kong;
    for (let i = 0; i < 6; i += 1) {
      const r = await kong.runLog(entity(receiver, 2), {
        serialized: withRequestId(F.log39(), `entry-${i}`),
      });
      assert.equal(r.error, undefined);
    }
    assert.equal(receiver.spans().length, 0);

    process.kill(wrapper.pid!, 'SIGQUIT'); // docker stop: the image's STOPSIGNAL
    assert.equal(await exited, 0, output);
    process.kill(-wrapper.pid!, 'SIGKILL'); // PID 1 gone: the rest of the container dies
    assert.equal(new Set(receiver.spans().map(s => s.attributes['kong.request.id'])).size, 6);
    assert.equal(requestsTotal(receiver), 6);
    assert.match(output, /flushed 2 provider\(s\)/);
  });
});
