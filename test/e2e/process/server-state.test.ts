/**
 * server-state-file / load-server-state-from-file: runtime changes (weight, maintenance,
 * address) survive a reload, both the HAProxy way (operator dumps `show servers state` to
 * the file, new process started with -sf) and through the master, which saves the file
 * itself before starting the new worker.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, startFulcrum, startHttpStub, httpGet, pollUntil, cliCommand, tempDir, deadPort } from '../harness';

const cfg = (front: number, p1: number, p2: number, load = 'global'): string => `
global
    stats socket {{DIR}}/stats level admin
    server-state-base {{DIR}}
    server-state-file state
defaults
    mode http
    load-server-state-from-file ${load}
    timeout client 5s
    timeout server 5s
    timeout connect 2s
frontend main
    bind 127.0.0.1:${front}
    default_backend app
backend app
    balance roundrobin
    server app1 127.0.0.1:${p1}
    server app2 127.0.0.1:${p2}
`;

/** Fields of one server's line in `show servers state`. */
function stateOf(dump: string, srv: string): { addr: string; admin: number; uweight: number; port: number } {
  const line = dump.split('\n').find((l) => l.split(' ')[3] === srv);
  assert.ok(line, `no line for ${srv} in:\n${dump}`);
  const f = line.split(' ');
  return { addr: f[4], admin: Number(f[6]), uweight: Number(f[7]), port: Number(f[18]) };
}

test('master-worker: weight, maintenance and address set at runtime survive a reload', async () => {
  const [front] = await freePorts(1);
  const s1 = await startHttpStub('one');
  const s2 = await startHttpStub('two');
  const s3 = await startHttpStub('three');
  const dir = tempDir();
  const stats = join(dir, 'stats');
  const msock = join(dir, 'master.sock');
  const fp = await startFulcrum(cfg(front, s1.port, s2.port), { dir, waitPort: front, args: ['-W', '-db', '-S', msock] });
  try {
    await pollUntil(async () => (await httpGet(front)).status === 200, 'the first worker');
    await pollUntil(async () => (await cliCommand(stats, 'show servers state')).startsWith('1\n'), 'the stats socket');
    assert.equal(await cliCommand(stats, 'set weight app/app1 7'), '\n');
    await cliCommand(stats, 'disable server app/app2');
    await cliCommand(stats, `set server app/app1 addr 127.0.0.1 port ${s3.port}`);
    const worker1 = /# workers\n(\d+)/.exec(await cliCommand(msock, 'show proc'))![1];
    await cliCommand(msock, 'reload');
    await pollUntil(async () => {
      const m = /# workers\n(\d+)/.exec(await cliCommand(msock, 'show proc'));
      return m && m[1] !== worker1;
    }, 'the new worker');
    // The new worker owns the stats socket once it serves.
    const dump = await pollUntil(async () => {
      const d = await cliCommand(stats, 'show servers state');
      return stateOf(d, 'app1').uweight === 7 ? d : undefined;
    }, 'the restored weight', 8000);
    assert.equal(stateOf(dump!, 'app1').port, s3.port, 'address set at runtime');
    assert.equal(stateOf(dump!, 'app2').admin & 1, 1, 'forced maintenance');
    // Traffic follows the restored state: app2 in maintenance, app1 moved to the third stub.
    for (let i = 0; i < 4; i++) assert.match((await httpGet(front)).body, /Server: three/);
    assert.match(readFileSync(join(dir, 'state'), 'utf8'), /^1\n# be_id be_name srv_id srv_name/);
  } finally {
    await fp.stop();
    await Promise.all([s1.close(), s2.close(), s3.close()]);
  }
});

test('standalone: the state dumped by the operator is loaded by the next process (-sf)', async () => {
  const [front] = await freePorts(1);
  const s1 = await startHttpStub('one');
  const s2 = await startHttpStub('two');
  const dir = tempDir();
  const stats = join(dir, 'stats');
  const old = await startFulcrum(cfg(front, s1.port, s2.port, 'local'), { dir, waitPort: front });
  try {
    await pollUntil(async () => (await cliCommand(stats, 'show servers state')).startsWith('1\n'), 'the stats socket');
    await cliCommand(stats, 'set server app/app1 state maint');
    await cliCommand(stats, 'set weight app/app2 3');
    // `load-server-state-from-file local`: the file is <server-state-base>/<backend name>.
    writeFileSync(join(dir, 'app'), await cliCommand(stats, 'show servers state app'));
    const neu = await startFulcrum(cfg(front, s1.port, s2.port, 'local'), { dir, args: ['-db', '-sf', String(old.pid)] });
    try {
      await old.waitExit(8000);
      const d = await pollUntil(async () => {
        const x = await cliCommand(stats, 'show servers state');
        return stateOf(x, 'app2').uweight === 3 ? x : undefined;
      }, 'the new process to load the state', 8000);
      assert.equal(stateOf(d!, 'app1').admin & 1, 1);
      for (let i = 0; i < 3; i++) assert.match((await httpGet(front)).body, /Server: two/);
    } finally {
      await neu.stop();
    }
  } finally {
    await old.stop();
    await Promise.all([s1.close(), s2.close()]);
  }
});

test('master-worker: a server its checks found DOWN is still DOWN after a reload until checks pass again', async () => {
  const [front] = await freePorts(1);
  const downPort = await deadPort();
  const s1 = await startHttpStub('one');
  const dir = tempDir();
  const stats = join(dir, 'stats');
  const msock = join(dir, 'master.sock');
  const conf = (inter: string): string => cfg(front, s1.port, downPort).replace(`server app2 127.0.0.1:${downPort}`, `server app2 127.0.0.1:${downPort} check inter ${inter} rise 3 fall 1`);
  const fp = await startFulcrum(conf('100ms'), { dir, waitPort: front, args: ['-W', '-db', '-S', msock] });
  let revived: Awaited<ReturnType<typeof startHttpStub>> | undefined;
  try {
    await pollUntil(async () => /^\d+ app \d+ app2 \S+ 0 /m.test(await cliCommand(stats, 'show servers state')), 'app2 DOWN by its checks', 8000);
    // The server comes back, and the next configuration checks it slowly: right after the
    // reload it must still be DOWN (from the state file), not UP by default.
    revived = await startHttpStub('two', downPort);
    writeFileSync(join(dir, 'fulcrum.cfg'), conf('2s').replaceAll('{{DIR}}', dir));
    const worker1 = /# workers\n(\d+)/.exec(await cliCommand(msock, 'show proc'))![1];
    await cliCommand(msock, 'reload');
    await pollUntil(async () => {
      const m = /# workers\n(\d+)/.exec(await cliCommand(msock, 'show proc'));
      return m && m[1] !== worker1 && new RegExp(`^Pid: ${m[1]}$`, 'm').test(await cliCommand(stats, 'show info'));
    }, 'the new worker on the stats socket');
    assert.match(await cliCommand(stats, 'show servers state'), /^\d+ app \d+ app2 \S+ 0 /m, 'DOWN right after the reload');
    for (let i = 0; i < 3; i++) assert.match((await httpGet(front)).body, /Server: one/);
    // Three good checks later it is UP again.
    await pollUntil(async () => /^\d+ app \d+ app2 \S+ 2 /m.test(await cliCommand(stats, 'show servers state')), 'app2 UP after rise checks', 20000);
  } finally {
    await fp.stop();
    await s1.close();
    await revived?.close();
  }
});
