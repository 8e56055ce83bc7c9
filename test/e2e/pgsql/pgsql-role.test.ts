/**
 * PostgreSQL front door with `option pgsql-role-check` against real PostgreSQL: a primary
 * and a streaming replica (pg_basebackup -R) behind `pg_primary` and `pg_replicas`; every
 * authentication method (trust, password, md5, SCRAM-SHA-256; credentials from the config,
 * an environment variable and a file, never logged); psql and a bounded pgbench through
 * Fulcrum with 0 failed transactions; promotion of the replica + stop of the old primary:
 * writes through the primary port work again within inter x fall (+1 s) and the session
 * held on the demoted replica is shut down (on-marked-down shutdown-sessions, logged KD).
 * Skipped with a message when PostgreSQL is not installed.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { freePorts, startFulcrum, pollUntil, cliCommand, tempDir, writeFile, type FulcrumProcess } from '../harness';
import { PgNode, pgSkipReason, pgTool, runTool, PASSWORDS } from './pg-cluster';

const INTER = 500;
const FALL = 2;

let n1: PgNode | undefined;
let n2: PgNode | undefined;
let fp: FulcrumProcess | undefined;
let PF = 0;
let PR = 0;
const children: ChildProcess[] = [];

before(async () => {
  if (pgSkipReason) return;
  n1 = await PgNode.primary();
  n2 = await PgNode.replicaOf(n1);
  [PF, PR] = await freePorts(2);
  const dir = tempDir();
  writeFile(dir, 'pgpass', `${PASSWORDS.u_password}\n`);
  const servers = `    server node1 127.0.0.1:${n1.port} check\n    server node2 127.0.0.1:${n2.port} check\n`;
  fp = await startFulcrum(`
global
    stats socket {{DIR}}/admin.sock level admin
defaults
    mode tcp
    log stdout format raw local0
    option tcplog
    retries 1
    option redispatch
    timeout connect 500ms
    timeout client 60s
    timeout server 60s
    timeout check 2s
    default-server inter ${INTER} fall ${FALL} rise 1 on-marked-down shutdown-sessions

listen pg_primary
    bind 127.0.0.1:${PF}
    option pgsql-role-check user u_scram password-env PGROLE_PW role primary
${servers}
listen pg_replicas
    bind 127.0.0.1:${PR}
    balance leastconn
    option pgsql-role-check user u_trust role replica max-lag 10s
${servers}
backend auth_password
    option pgsql-role-check user u_password password-file {{DIR}}/pgpass role any
    server node1 127.0.0.1:${n1.port} check
backend auth_md5
    option pgsql-role-check user u_md5 database postgres password ${PASSWORDS.u_md5} role any
    server node1 127.0.0.1:${n1.port} check
backend auth_wrong
    option pgsql-role-check user u_wrong password not-the-password role any
    server node1 127.0.0.1:${n1.port} check
`, { waitPort: PF, dir, env: { PGROLE_PW: PASSWORDS.u_scram } });
});

after(async () => {
  for (const c of children) if (c.exitCode === null && c.pid) try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ }
  await fp?.stop();
  await n2?.destroy();
  await n1?.destroy();
});

/** `show stat` status of be/srv. */
async function status(be: string, srv: string): Promise<string> {
  const out = await cliCommand(`${fp!.dir}/admin.sock`, 'show stat');
  const lines = out.split('\n');
  const head = lines[0].replace(/^# /, '').split(',');
  const row = lines.find((l) => l.startsWith(`${be},${srv},`))?.split(',') ?? [];
  return `${row[head.indexOf('status')]} ${row[head.indexOf('check_status')]}`;
}

async function waitStatus(be: string, srv: string, want: RegExp, ms = 10_000): Promise<string> {
  return pollUntil(async () => { const s = await status(be, srv); return want.test(s) ? s : ''; }, `${be}/${srv} ${want}\n${fp?.stderr}`, ms, 100);
}

function psqlArgs(port: number, sql: string): string[] {
  return ['-X', '-At', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', sql];
}

test('role check: pg_primary has only the primary UP, pg_replicas only the replica; all auth methods', { skip: pgSkipReason, timeout: 60_000 }, async () => {
  assert.match(await waitStatus('pg_primary', 'node1', /^UP (\* )?L7OK/), /UP/);
  assert.match(await waitStatus('pg_primary', 'node2', /^DOWN (\* )?L7STS/), /DOWN/);
  assert.match(await waitStatus('pg_replicas', 'node1', /^DOWN (\* )?L7STS/), /DOWN/);
  assert.match(await waitStatus('pg_replicas', 'node2', /^UP (\* )?L7OK/), /UP/);
  // password (file), md5 (config), SCRAM (environment, pg_primary) pass; a wrong password fails.
  await waitStatus('auth_password', 'node1', /^UP (\* )?L7OK/);
  await waitStatus('auth_md5', 'node1', /^UP (\* )?L7OK/);
  await waitStatus('auth_wrong', 'node1', /^DOWN (\* )?L7RSP/);
  await fp!.waitForOutput(/Server pg_primary\/node2 is DOWN, reason: Layer7 wrong status, code: 1, info: "is in recovery"/);
  await fp!.waitForOutput(/Server pg_replicas\/node1 is DOWN, reason: Layer7 wrong status, code: 0, info: "is not in recovery"/);
  await fp!.waitForOutput(/Server auth_wrong\/node1 is DOWN, reason: Layer7 invalid response, info: "FATAL: password authentication failed for user \\"u_wrong\\""|Server auth_wrong\/node1 is DOWN, reason: Layer7 invalid response, info: "FATAL: password authentication failed for user "u_wrong""/);
  for (const pw of [...Object.values(PASSWORDS), 'not-the-password']) {
    assert.equal(fp!.stderr.includes(pw) || fp!.stdout.includes(pw), false, 'a password appears in the output');
  }
});

test('psql and pgbench -T 10 through Fulcrum: 0 failed transactions', { skip: pgSkipReason, timeout: 90_000 }, async () => {
  const w = await runTool('psql', psqlArgs(PF, 'select pg_is_in_recovery()'));
  assert.equal(w.stdout.trim(), 'f', w.stderr);
  const r = await runTool('psql', psqlArgs(PR, 'select pg_is_in_recovery()'));
  assert.equal(r.stdout.trim(), 't', r.stderr);
  const init = await runTool('pgbench', ['-i', '-s', '1', '-q', '-h', '127.0.0.1', '-p', String(PF), '-U', 'postgres', 'postgres']);
  assert.equal(init.code, 0, init.stderr);
  const run = await runTool('pgbench', ['-T', '10', '-c', '4', '-j', '2', '-h', '127.0.0.1', '-p', String(PF), '-U', 'postgres', 'postgres'], { timeoutMs: 60_000 });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /number of failed transactions: 0 /);
  const tps = /tps = ([\d.]+)/.exec(run.stdout)?.[1];
  process.stdout.write(`# pgbench through Fulcrum: ${tps} tps\n`);
  // Reads through the replica port see the primary's writes (streaming replication).
  const rows = await pollUntil(async () => {
    const c = await runTool('psql', psqlArgs(PR, 'select count(*) from pgbench_branches'));
    return c.stdout.trim() === '1' ? c.stdout.trim() : '';
  }, 'replicated pgbench tables', 15_000, 200);
  assert.equal(rows, '1');
});

test('failover: promote the replica, stop the old primary', { skip: pgSkipReason, timeout: 60_000 }, async () => {
  // A session held through pg_replicas on node2, which is about to stop being a replica.
  const held = spawn(pgTool('psql'), psqlArgs(PR, 'select pg_sleep(50)'), { stdio: 'pipe' });
  children.push(held);
  const exited = new Promise<number | null>((r) => held.on('exit', (code) => r(code)));
  await pollUntil(() => n2!.psql("select count(*) from pg_stat_activity where query like 'select pg_sleep%'") === '1', 'session on node2', 10_000, 100);

  n2!.promote();
  await n1!.stop();
  const t0 = Date.now();
  // Writes through the primary port succeed again within inter x fall + 1 s: attempts are
  // made back to back (each bounded); the first successful one must have started in time.
  const bound = INTER * FALL + 1000;
  let okAfter: number | undefined;
  let last = '';
  for (let i = 0; i < 200 && Date.now() - t0 < bound + 10_000; i++) {
    const start = Date.now() - t0;
    const c = await runTool('psql', psqlArgs(PF, 'create table if not exists failover(x int); insert into failover values (1); select 1'), { timeoutMs: 5000 });
    if (c.code === 0 && /^1$/m.test(c.stdout)) { okAfter = start; break; }
    last = c.stderr;
    await new Promise((r) => setTimeout(r, 20));
  }
  process.stdout.write(`# writes through pg_primary back after ${okAfter} ms (bound ${bound} ms)\n`);
  assert.notEqual(okAfter, undefined, `no write succeeded: ${last}\n${fp!.stderr}`);
  assert.ok(okAfter! <= bound, `first successful write started after ${okAfter} ms > ${bound} ms`);
  assert.match(await status('pg_primary', 'node2'), /^UP/);

  // The held session was shut down by Fulcrum when node2 left pg_replicas.
  const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running'), 10_000))]);
  assert.notEqual(code, 'still running');
  assert.notEqual(code, 0);
  await fp!.waitForOutput(/Server pg_replicas\/node2 is DOWN, reason: Layer7 wrong status, code: 0, info: "is not in recovery"/);
  await pollUntil(() => /pg_replicas pg_replicas\/node2 .* KD /.test(fp!.stdout), `KD log line for the killed session\n${fp!.stdout}`, 5000);
});
