/**
 * examples/postgres-*.cfg work as written: `-c` accepts them (and haproxy 2.6 accepts the
 * two HAProxy-compatible ones), and each runs against a real primary + streaming replica
 * with only its addresses moved to free 127.0.0.1 ports:
 *  - Patroni's config, with a stub of Patroni's REST API (200 on the leader only);
 *  - the pgsql-check split, with the pg_hba.conf trick (a reject line per role);
 *  - the pgsql-role-check split, with the check password from the environment.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, startFulcrum, runFulcrum, pollUntil, ROOT, type FulcrumProcess } from '../harness';
import { PgNode, pgSkipReason, runTool } from './pg-cluster';
import { execFileSync } from 'node:child_process';

const EX = join(ROOT, 'examples');
const FILES = ['postgres-patroni.cfg', 'postgres-rw-split-pgsql-check.cfg', 'postgres-rw-split-role-check.cfg'];

test('fulcrum -c accepts every PostgreSQL example; haproxy -c the HAProxy-compatible ones', async () => {
  for (const f of FILES) {
    const r = await runFulcrum(['-c', '-f', join(EX, f)], { env: { FULCRUM_PG_CHECK_PASSWORD: 'x' } });
    assert.equal(r.code, 0, `${f}: ${r.stderr}`);
    assert.match(r.stdout + r.stderr, /Configuration file is valid/);
    assert.doesNotMatch(r.stderr, /WARNING|ALERT/, f);
  }
  if (!existsSync('/usr/sbin/haproxy')) return;
  for (const f of FILES.slice(0, 2)) {
    const out = execFileSync('/usr/sbin/haproxy', ['-c', '-f', join(EX, f)], { stdio: 'pipe' }).toString();
    assert.match(out, /Configuration file is valid/);
  }
});

let n1: PgNode | undefined;
let n2: PgNode | undefined;
const stubs: http.Server[] = [];

before(async () => {
  if (pgSkipReason) return;
  n1 = await PgNode.primary();
  n1.psql('create role haproxy_primary login; create role haproxy_replica login; create role fulcrum_check login');
  n2 = await PgNode.replicaOf(n1);
  // The pg_hba.conf trick of the pgsql-check example: each node rejects the other role's check user.
  n1.prependHba('host all haproxy_replica 127.0.0.1/32 reject');
  n2.prependHba('host all haproxy_primary 127.0.0.1/32 reject');
});

after(async () => {
  for (const s of stubs) s.close();
  await n2?.destroy();
  await n1?.destroy();
});

/** The example with its ports moved: 5432/5433 -> the nodes, other ports -> free ones. */
async function localized(file: string, extra: Record<string, number> = {}): Promise<{ cfg: string; port: (p: number) => number }> {
  let cfg = readFileSync(join(EX, file), 'utf8').replaceAll('*:', '127.0.0.1:');
  const map = new Map<number, number>([[5432, n1!.port], [5433, n2!.port], ...Object.entries(extra).map(([a, b]) => [Number(a), b] as [number, number])]);
  const others = [...new Set([...cfg.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])).filter((p) => !map.has(p)))];
  const free = await freePorts(others.length);
  others.forEach((p, i) => map.set(p, free[i]));
  cfg = cfg.replace(/127\.0\.0\.1:(\d+)/g, (_, p: string) => `127.0.0.1:${map.get(Number(p))}`);
  cfg = cfg.replace(/check port (\d+)/g, (_, p: string) => `check port ${map.get(Number(p)) ?? p}`);
  return { cfg, port: (p) => map.get(p)! };
}

async function inRecovery(port: number): Promise<string> {
  const r = await runTool('psql', ['-X', '-At', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', 'select pg_is_in_recovery()'], { timeoutMs: 10_000 });
  return r.stdout.trim();
}

async function run(file: string, cfg: string, ports: number[], env?: NodeJS.ProcessEnv): Promise<FulcrumProcess> {
  return startFulcrum(cfg, { waitPort: ports[0], env });
}

test('Patroni example: only the leader (REST 200) takes connections on :5000', { skip: pgSkipReason, timeout: 60_000 }, async () => {
  const [api1, api2] = await freePorts(2);
  for (const [port, leader] of [[api1, true], [api2, false]] as const) {
    const s = http.createServer((req, res) => { res.writeHead(leader ? 200 : 503); res.end(leader ? 'leader' : 'replica'); });
    await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
    stubs.push(s);
  }
  const { cfg, port } = await localized('postgres-patroni.cfg', { 8008: api1, 8009: api2 });
  const fp = await run('patroni', cfg, [port(5000)]);
  try {
    await fp.waitForOutput(/Server batman\/postgresql_127\.0\.0\.1_5433 is DOWN, reason: Layer7 wrong status, code: 503/, 15_000);
    for (let i = 0; i < 3; i++) assert.equal(await inRecovery(port(5000)), 'f');
  } finally { await fp.stop(); }
});

test('pgsql-check split example: the pg_hba.conf trick splits roles', { skip: pgSkipReason, timeout: 60_000 }, async () => {
  const { cfg, port } = await localized('postgres-rw-split-pgsql-check.cfg');
  const fp = await run('pgsql-check', cfg, [port(5000), port(5001)]);
  try {
    await fp.waitForOutput(/Server pg_primary\/pg2 is DOWN, reason: Layer7 invalid response, info: "FATAL"/, 15_000);
    await fp.waitForOutput(/Backup Server pg_replicas\/pg1 is DOWN, reason: Layer7 invalid response, info: "FATAL"/, 15_000);
    assert.equal(await inRecovery(port(5000)), 'f');
    assert.equal(await inRecovery(port(5001)), 't');
  } finally { await fp.stop(); }
});

test('pgsql-role-check split example: roles from pg_is_in_recovery(), password from the environment', { skip: pgSkipReason, timeout: 60_000 }, async () => {
  const { cfg, port } = await localized('postgres-rw-split-role-check.cfg');
  const fp = await run('role', cfg, [port(5000), port(5001)], { FULCRUM_PG_CHECK_PASSWORD: 'unused-with-trust' });
  try {
    await fp.waitForOutput(/Server pg_primary\/pg2 is DOWN, reason: Layer7 wrong status, code: 1, info: "is in recovery"/, 15_000);
    await fp.waitForOutput(/Server pg_replicas\/pg1 is DOWN, reason: Layer7 wrong status, code: 0, info: "is not in recovery"/, 15_000);
    await pollUntil(async () => (await inRecovery(port(5000))) === 'f', 'primary through :5000', 5000, 100);
    assert.equal(await inRecovery(port(5001)), 't');
  } finally { await fp.stop(); }
});
