/**
 * option pgsql-check against a real PostgreSQL (Debian's postgresql package): a temporary
 * cluster on a free 127.0.0.1 port, `trust` for the check user and `reject` for another.
 * Skipped with a message when the PostgreSQL binaries are absent. The postmaster is stopped
 * by the PID it wrote in postmaster.pid.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chownSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { parseString } from '../../../src/config/parser';
import { compileProxyChecks } from '../../../src/checks/config';
import { runRuleset } from '../../../src/checks/rules';
import { target, until } from './helpers';

function pgBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  for (const v of readdirSync(base).sort().reverse()) {
    const dir = join(base, v, 'bin');
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  return undefined;
}

function userIds(name: string): { uid: number; gid: number } | undefined {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === name) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

const bin = pgBin();
const isRoot = process.getuid?.() === 0;
const pgUser = isRoot ? userIds('postgres') : undefined;
const skip = !bin ? 'PostgreSQL binaries not found under /usr/lib/postgresql/*/bin'
  : isRoot && !pgUser ? "running as root but there is no 'postgres' user to run the cluster"
    : false;

function rs(user: string) {
  const { config } = parseString(`backend pg\n    option pgsql-check user ${user}\n    server s 127.0.0.1:1 check\n`);
  return compileProxyChecks(config.proxies[0]);
}

test('pgsql-check against a real PostgreSQL: trusted user UP, rejected user FATAL', { skip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-pg-'));
  const data = join(dir, 'data');
  const as = (cmd: string, args: string[]) => execFileSync(isRoot ? 'runuser' : cmd, isRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: 'pipe', timeout: 60_000, cwd: dir });
  if (pgUser) chownSync(dir, pgUser.uid, pgUser.gid);
  const port = await freePort();
  let pid: number | undefined;
  try {
    as(join(bin as string, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    // First matching line wins: reject one user over TCP before the trust lines.
    const hba = join(data, 'pg_hba.conf');
    const rest = readFileSync(hba, 'utf8');
    writeFileSync(hba, `host all rejected 127.0.0.1/32 reject\n${rest}`);
    appendFileSync(join(data, 'postgresql.conf'), `\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${dir}'\n`);
    as(join(bin as string, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
    pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const ok = await runRuleset(rs('postgres'), target(port));
    assert.deepEqual([ok.status, ok.code, ok.info], ['L7OK', 0, 'PostgreSQL server is ok']);
    const bad = await runRuleset(rs('rejected'), target(port));
    assert.deepEqual([bad.status, bad.info], ['L7RSP', 'FATAL']);
  } finally {
    if (pid) {
      try { process.kill(pid, 'SIGINT'); } catch { /* already gone */ }
      const alive = () => { try { process.kill(pid!, 0); return true; } catch { return false; } };
      try { await until(() => !alive(), 'postmaster exit', 20_000); } catch { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
