/**
 * Temporary PostgreSQL nodes for the pgsql e2e tests: initdb (as the `postgres` user when
 * running as root) in a temp dir on a free 127.0.0.1 port with its unix socket in that dir,
 * streaming replicas by `pg_basebackup -R`, promotion, and stop by the postmaster's PID.
 * {@link pgSkipReason} says why the suite must be skipped (no binaries, no postgres user).
 */

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chownSync, appendFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, pollUntil } from '../harness';

/** Directory holding initdb/pg_ctl/postgres, newest version first. */
export function pgBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  for (const v of readdirSync(base).sort((a, b) => Number(b) - Number(a))) {
    const dir = join(base, v, 'bin');
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'pg_basebackup'))) return dir;
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

const BIN = pgBin();
const IS_ROOT = process.getuid?.() === 0;
const PG_USER = IS_ROOT ? userIds('postgres') : undefined;

/** Why the PostgreSQL tests cannot run here, or false. */
export const pgSkipReason: string | false = !BIN ? 'PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (install postgresql to run test/e2e/pgsql)'
  : IS_ROOT && !PG_USER ? "running as root but there is no 'postgres' user to run the cluster"
    : !existsSync('/usr/bin/psql') && !existsSync(join(BIN, 'psql')) ? 'psql not found'
      : false;

/** Path of a client program (psql, pgbench): the cluster's bin dir or PATH. */
export function pgTool(name: string): string {
  const p = BIN ? join(BIN, name) : '';
  return p && existsSync(p) ? p : name;
}

/** Runs a server-side program as the cluster owner. */
function asOwner(cmd: string, args: string[], cwd: string): string {
  return execFileSync(IS_ROOT ? 'runuser' : cmd, IS_ROOT ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: 'pipe', timeout: 60_000, cwd }).toString();
}

/** Passwords of the test roles (one per authentication method). */
export const PASSWORDS = { u_password: 'pw-clear-1', u_md5: 'pw-md5-2', u_scram: 'pw-scram-3', u_wrong: 'right-pw-4' };

/** A PostgreSQL node in its own temp dir. */
export class PgNode {
  readonly dir: string;
  readonly data: string;
  pid?: number;

  private constructor(readonly port: number, dir: string) {
    this.dir = dir;
    this.data = join(dir, 'data');
  }

  private static async newDir(): Promise<{ dir: string; port: number }> {
    const dir = mkdtempSync(join(tmpdir(), 'fulcrum-pg-'));
    if (PG_USER) chownSync(dir, PG_USER.uid, PG_USER.gid);
    chmodSync(dir, 0o700);
    return { dir, port: await freePort() };
  }

  private settings(): string {
    return `\nlisten_addresses = '127.0.0.1'\nport = ${this.port}\nunix_socket_directories = '${this.dir}'\n`
      + `fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 50\nwal_level = replica\nmax_wal_senders = 5\nhot_standby = on\nhot_standby_feedback = on\n`;
  }

  /** A new primary with roles for trust, password, md5 and SCRAM authentication. */
  static async primary(): Promise<PgNode> {
    const { dir, port } = await PgNode.newDir();
    const n = new PgNode(port, dir);
    asOwner(join(BIN!, 'initdb'), ['-D', n.data, '-A', 'trust', '-U', 'postgres', '--no-sync'], dir);
    // First matching line wins.
    const hba = ['u_password password', 'u_md5 md5', 'u_scram scram-sha-256', 'u_wrong scram-sha-256']
      .map((l) => { const [u, m] = l.split(' '); return `host all ${u} 127.0.0.1/32 ${m}`; }).join('\n');
    writeFileSync(join(n.data, 'pg_hba.conf'), `${hba}\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\nlocal all all trust\nlocal replication all trust\n`);
    appendFileSync(join(n.data, 'postgresql.conf'), n.settings());
    await n.start();
    n.psql(`set password_encryption = 'scram-sha-256';
create role u_trust login; create role u_password login password '${PASSWORDS.u_password}';
create role u_scram login password '${PASSWORDS.u_scram}'; create role u_wrong login password '${PASSWORDS.u_wrong}';
set password_encryption = 'md5'; create role u_md5 login password '${PASSWORDS.u_md5}';
grant pg_monitor to u_trust, u_password, u_md5, u_scram, u_wrong;`);
    return n;
  }

  /** A streaming replica of `primary` (pg_basebackup -R). */
  static async replicaOf(primary: PgNode): Promise<PgNode> {
    const { dir, port } = await PgNode.newDir();
    const n = new PgNode(port, dir);
    asOwner(join(BIN!, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', n.data, '-R', '-X', 'stream', '--no-sync'], dir);
    appendFileSync(join(n.data, 'postgresql.conf'), n.settings());
    await n.start();
    return n;
  }

  async start(): Promise<void> {
    asOwner(join(BIN!, 'pg_ctl'), ['-D', this.data, '-l', join(this.dir, 'log'), '-w', '-t', '60', 'start'], this.dir);
    this.pid = Number(readFileSync(join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  /** Puts `line` first in pg_hba.conf and reloads the configuration. */
  prependHba(line: string): void {
    const f = join(this.data, 'pg_hba.conf');
    writeFileSync(f, `${line}\n${readFileSync(f, 'utf8')}`);
    this.psql('select pg_reload_conf()');
  }

  promote(): void {
    asOwner(join(BIN!, 'pg_ctl'), ['-D', this.data, '-w', '-t', '30', 'promote'], this.dir);
  }

  /** Runs SQL over the unix socket as postgres; returns unaligned tuples-only output. */
  psql(sql: string): string {
    return execFileSync(pgTool('psql'), ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', this.dir, '-p', String(this.port), '-U', 'postgres', '-d', 'postgres', '-c', sql], { stdio: 'pipe', timeout: 30_000 }).toString().trim();
  }

  /** Stops the postmaster by PID (SIGINT = fast shutdown), SIGKILL after a bound. */
  async stop(): Promise<void> {
    const pid = this.pid;
    this.pid = undefined;
    if (!pid) return;
    const alive = (): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };
    try { process.kill(pid, 'SIGINT'); } catch { /* gone */ }
    try { await pollUntil(() => !alive(), 'postmaster exit', 20_000, 50); } catch { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs a client program; resolves with its exit code and output (never rejects). */
export function runTool(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(pgTool(cmd), args, { env: { ...process.env, ...opts.env }, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
