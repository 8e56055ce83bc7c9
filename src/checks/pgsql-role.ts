/**
 * `option pgsql-role-check` (Fulcrum extension; HAProxy has only `pgsql-check`, which never
 * authenticates). The check speaks the PostgreSQL v3 protocol as a client: StartupMessage
 * (user, database), authentication (trust, cleartext password, MD5 and SCRAM-SHA-256, done
 * with node:crypto), then one simple query:
 *
 *   select pg_is_in_recovery(), <replay lag in seconds, 0 when caught up>
 *
 * and decides by role: `primary` passes only when not in recovery, `replica` only when in
 * recovery with a replay lag within `max-lag`, `any` when the query answers at all.
 *
 * Outcomes (check status table, checks/status.ts):
 *  - L7OK  "primary" / "replica, lag 0.0s" (code 0 = not in recovery, 1 = in recovery)
 *  - L7STS "is in recovery" / "is not in recovery" / "replication lag 12.3s exceeds max-lag 10s"
 *  - L7RSP the server's error ("FATAL: password authentication failed for user ...") or a
 *    protocol problem; the password itself never appears in any message.
 *
 * It is one `expect` rule of kind `pgsql-role` whose evaluator drives the conversation
 * through ExpectInput.write, so timeouts, rise/fall, log lines and on-marked-down behave as
 * for every other check.
 */

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { registerExpect, type ExpectInput, type ExpectRule, type ExpectVerdict } from './rules';
import { registerCheckType } from './config';
import { parseTime } from '../config/units';

/** Time value in ms, or the parse error text. */
export function timeMs(v: string): number | string {
  const r = parseTime(v);
  return r.error !== undefined || r.value === undefined ? r.error ?? 'invalid time' : r.value;
}

/** Settings of the check, kept in the rule's `extra` (plain data). */
export interface PgsqlRoleSettings {
  user: string;
  /** Database to connect to (default `postgres`). */
  database?: string;
  /** One of the three password sources (at most one is set). */
  password?: string;
  passwordEnv?: string;
  passwordFile?: string;
  role: 'primary' | 'replica' | 'any';
  /** Largest acceptable replay lag (ms) for `replica`. */
  maxLagMs?: number;
}

/** The query: recovery flag and replay lag in seconds (0 when everything received is replayed). */
export const ROLE_QUERY = "select pg_is_in_recovery()::int, case when not pg_is_in_recovery() or pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0 else coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp()), 0) end";

/** Parses `option pgsql-role-check` arguments; returns the settings or an error message. */
export function parsePgsqlRoleArgs(a: string[], parseTimeMs: (v: string) => number | string): PgsqlRoleSettings | string {
  const kw = `'option pgsql-role-check'`;
  if (a[0] !== 'user' || a[1] === undefined) return `${kw} expects 'user <username>' as argument.`;
  const s: PgsqlRoleSettings = { user: a[1], role: 'primary' };
  let sources = 0;
  for (let i = 2; i < a.length; i++) {
    const w = a[i];
    const v = a[i + 1];
    const known = ['database', 'password', 'password-env', 'password-file', 'role', 'max-lag'];
    if (!known.includes(w)) return `${kw} : unknown argument '${w}' (expects 'database', 'password', 'password-env', 'password-file', 'role' or 'max-lag').`;
    if (v === undefined) return `${kw} : '${w}' expects an argument.`;
    i++;
    if (w === 'database') s.database = v;
    else if (w === 'password') { s.password = v; sources++; }
    else if (w === 'password-env') { s.passwordEnv = v; sources++; }
    else if (w === 'password-file') { s.passwordFile = v; sources++; }
    else if (w === 'role') {
      if (v !== 'primary' && v !== 'replica' && v !== 'any') return `${kw} : 'role' expects 'primary', 'replica' or 'any' (got '${v}').`;
      s.role = v;
    } else {
      const ms = parseTimeMs(v);
      if (typeof ms === 'string') return `${kw} : 'max-lag' : ${ms}.`;
      s.maxLagMs = ms;
    }
  }
  if (sources > 1) return `${kw} : 'password', 'password-env' and 'password-file' are mutually exclusive.`;
  if (s.maxLagMs !== undefined && s.role !== 'replica') return `${kw} : 'max-lag' only applies to 'role replica'.`;
  return s;
}

/** StartupMessage: int32 length | 3.0 | user, database, application_name | NUL. */
export function startupMessage(user: string, database?: string): Buffer {
  const kv: string[] = ['user', user];
  if (database) kv.push('database', database);
  kv.push('application_name', 'fulcrum-check');
  const body = Buffer.concat([Buffer.from([0, 3, 0, 0]), ...kv.map((x) => Buffer.from(x + '\0', 'utf8')), Buffer.from([0])]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length + 4);
  return Buffer.concat([len, body]);
}

/** A typed frontend message: type byte | int32 length | body. */
function msg(type: string, body: Buffer): Buffer {
  const h = Buffer.alloc(5);
  h.write(type, 0, 'latin1');
  h.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([h, body]);
}

function cstr(s: string): Buffer { return Buffer.from(s + '\0', 'utf8'); }

/** `md5` + md5(md5(password + user) + salt), as libpq computes it. */
export function md5Password(user: string, password: string, salt: Buffer): string {
  const inner = createHash('md5').update(password + user, 'utf8').digest('hex');
  return 'md5' + createHash('md5').update(Buffer.concat([Buffer.from(inner, 'latin1'), salt])).digest('hex');
}

/** SCRAM-SHA-256 client state (RFC 5802 / RFC 7677, without channel binding). */
export class ScramClient {
  readonly nonce: string;
  private firstBare = '';
  private serverSignature?: Buffer;

  /** `user` is empty for PostgreSQL, which takes the user from the startup packet. */
  constructor(private readonly password: string, nonce = randomBytes(18).toString('base64'), private readonly user = '') { this.nonce = nonce; }

  /** client-first-message (`n,,n=<user>,r=<nonce>`). */
  first(): string {
    this.firstBare = `n=${this.user},r=${this.nonce}`;
    return `n,,${this.firstBare}`;
  }

  /** client-final-message for the server-first-message, or an error text. */
  final(serverFirst: string): string | { error: string } {
    const attrs = new Map(serverFirst.split(',').map((p) => [p[0], p.slice(2)] as [string, string]));
    const r = attrs.get('r');
    const salt = attrs.get('s');
    const iter = Number(attrs.get('i'));
    if (!r || !salt || !Number.isInteger(iter) || iter < 1) return { error: 'invalid SCRAM server-first-message' };
    if (!r.startsWith(this.nonce)) return { error: 'SCRAM nonce mismatch' };
    const salted = pbkdf2Sync(this.password.normalize('NFKC'), Buffer.from(salt, 'base64'), iter, 32, 'sha256');
    const clientKey = createHmac('sha256', salted).update('Client Key').digest();
    const storedKey = createHash('sha256').update(clientKey).digest();
    const withoutProof = `c=biws,r=${r}`;
    const authMessage = `${this.firstBare},${serverFirst},${withoutProof}`;
    const clientSig = createHmac('sha256', storedKey).update(authMessage).digest();
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i] ^ clientSig[i];
    const serverKey = createHmac('sha256', salted).update('Server Key').digest();
    this.serverSignature = createHmac('sha256', serverKey).update(authMessage).digest();
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** Checks the server-final-message (`v=<signature>`). */
  verify(serverFinal: string): boolean {
    const m = /(?:^|,)v=([^,]+)/.exec(serverFinal);
    if (!m || !this.serverSignature) return false;
    const v = Buffer.from(m[1], 'base64');
    return v.length === this.serverSignature.length && timingSafeEqual(v, this.serverSignature);
  }
}

/** Reads the configured password (env var or file read at each check, so rotation works). */
function passwordOf(s: PgsqlRoleSettings): string | { error: string } | undefined {
  if (s.password !== undefined) return s.password;
  if (s.passwordEnv !== undefined) {
    const v = process.env[s.passwordEnv];
    return v === undefined ? { error: `environment variable '${s.passwordEnv}' is not set` } : v;
  }
  if (s.passwordFile !== undefined) {
    try { return readFileSync(s.passwordFile, 'utf8').replace(/\r?\n$/, ''); } catch (e) {
      return { error: `cannot read password file '${s.passwordFile}' (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }
  return undefined;
}

/** Fields of an ErrorResponse: `SEVERITY: message`. */
function errorText(body: Buffer): string {
  let sev = '';
  let m = '';
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const t = String.fromCharCode(body[i]);
    const end = body.indexOf(0, i + 1);
    if (end < 0) break;
    const v = body.toString('utf8', i + 1, end);
    if (t === 'S' && !sev) sev = v;
    else if (t === 'V') sev = v;
    else if (t === 'M') m = v;
    i = end + 1;
  }
  return sev ? `${sev}: ${m}` : m;
}

interface RoleState {
  pos: number;
  scram?: ScramClient;
  queried: boolean;
  row?: (string | null)[];
}

function fail(status: 'L7RSP' | 'L7STS', info: string, code?: number): ExpectVerdict {
  return { match: false, final: true, conclusive: true, errorStatus: status, errorInfo: info, code };
}

/** Settings from the rule (see the builder below). */
function settingsOf(r: ExpectRule): PgsqlRoleSettings {
  const x = r.extra ?? {};
  return {
    user: x.user ?? '', database: x.database || 'postgres', password: x.password, passwordEnv: x.passwordEnv, passwordFile: x.passwordFile,
    role: (x.role as PgsqlRoleSettings['role']) ?? 'primary', maxLagMs: x.maxLagMs !== undefined ? Number(x.maxLagMs) : undefined,
  };
}

/** The conversation, re-entered each time data arrives. */
export function evalPgsqlRole(r: ExpectRule, input: ExpectInput): ExpectVerdict {
  const st = (input.scratch.pgsqlRole ??= { pos: 0, queried: false }) as RoleState;
  const s = settingsOf(r);
  const data = input.data;
  const write = input.write ?? (() => undefined);
  while (data.length - st.pos >= 5) {
    const type = String.fromCharCode(data[st.pos]);
    const len = data.readUInt32BE(st.pos + 1);
    if (len < 4 || len > 1 << 20) return fail('L7RSP', 'PostgreSQL protocol error');
    if (data.length - st.pos < 1 + len) break;
    const body = data.subarray(st.pos + 5, st.pos + 1 + len);
    st.pos += 1 + len;
    switch (type) {
      case 'E': return fail('L7RSP', errorText(body));
      case 'R': {
        const code = body.readUInt32BE(0);
        if (code === 0) break; // AuthenticationOk
        if (code === 12) { // SASLFinal
          if (!st.scram?.verify(body.subarray(4).toString('utf8'))) return fail('L7RSP', 'SCRAM server signature mismatch');
          break;
        }
        const pw = passwordOf(s);
        if (typeof pw === 'object') return fail('L7RSP', pw.error);
        if (pw === undefined) return fail('L7RSP', 'server asks for a password and none is configured');
        if (code === 3) write(msg('p', cstr(pw)));
        else if (code === 5) write(msg('p', cstr(md5Password(s.user, pw, body.subarray(4, 8)))));
        else if (code === 10) {
          const mechs = body.subarray(4).toString('utf8').split('\0').filter(Boolean);
          if (!mechs.includes('SCRAM-SHA-256')) return fail('L7RSP', `unsupported SASL mechanisms: ${mechs.join(' ')}`);
          st.scram = new ScramClient(pw);
          const first = Buffer.from(st.scram.first(), 'utf8');
          const n = Buffer.alloc(4);
          n.writeUInt32BE(first.length);
          write(msg('p', Buffer.concat([cstr('SCRAM-SHA-256'), n, first])));
        } else if (code === 11) {
          if (!st.scram) return fail('L7RSP', 'unexpected SASL continue');
          const fin = st.scram.final(body.subarray(4).toString('utf8'));
          if (typeof fin === 'object') return fail('L7RSP', fin.error);
          write(msg('p', Buffer.from(fin, 'utf8')));
        } else return fail('L7RSP', `unsupported authentication method ${code}`);
        break;
      }
      case 'Z':
        if (!st.queried) {
          st.queried = true;
          write(msg('Q', cstr(ROLE_QUERY)));
        } else if (st.row) {
          return verdict(s, st.row, write);
        } else return fail('L7RSP', 'empty answer to the role query');
        break;
      case 'D': {
        const n = body.readUInt16BE(0);
        const row: (string | null)[] = [];
        let p = 2;
        for (let i = 0; i < n; i++) {
          const l = body.readInt32BE(p);
          p += 4;
          if (l < 0) { row.push(null); continue; }
          row.push(body.toString('utf8', p, p + l));
          p += l;
        }
        st.row = row;
        break;
      }
      default: break; // S ParameterStatus, K BackendKeyData, N notice, T, C
    }
  }
  return 'wait';
}

function verdict(s: PgsqlRoleSettings, row: (string | null)[], write: (b: Buffer) => void): ExpectVerdict {
  write(msg('X', Buffer.alloc(0)));
  const inRecovery = row[0] === '1';
  const lagS = Number(row[1] ?? 0) || 0;
  const code = inRecovery ? 1 : 0;
  if (s.role === 'primary') {
    if (inRecovery) return fail('L7STS', 'is in recovery', code);
    return { match: true, final: true, successInfo: 'primary', code };
  }
  if (s.role === 'replica') {
    if (!inRecovery) return fail('L7STS', 'is not in recovery', code);
    if (s.maxLagMs !== undefined && lagS * 1000 > s.maxLagMs) {
      return fail('L7STS', `replication lag ${lagS.toFixed(1)}s exceeds max-lag ${s.maxLagMs / 1000}s`, code);
    }
    return { match: true, final: true, successInfo: `replica, lag ${lagS.toFixed(1)}s`, code };
  }
  return { match: true, final: true, successInfo: inRecovery ? `replica, lag ${lagS.toFixed(1)}s` : 'primary', code };
}

registerExpect('pgsql-role', evalPgsqlRole);

registerCheckType('pgsql-role-check', (cfg) => {
  // The keyword validated these words already (pgsql-role-keywords.ts).
  const parsed = parsePgsqlRoleArgs(cfg.args, timeMs);
  const set: PgsqlRoleSettings = typeof parsed === 'string' ? { user: '', role: 'primary' } : parsed;
  const extra: Record<string, string> = { user: set.user, role: set.role };
  if (set.database) extra.database = set.database;
  if (set.password !== undefined) extra.password = set.password;
  if (set.passwordEnv !== undefined) extra.passwordEnv = set.passwordEnv;
  if (set.passwordFile !== undefined) extra.passwordFile = set.passwordFile;
  if (set.maxLagMs !== undefined) extra.maxLagMs = String(set.maxLagMs);
  return {
    proto: 'pgsql',
    rules: [
      { type: 'connect', implicit: true },
      { type: 'send', encoding: 'hex', data: startupMessage(set.user, set.database ?? 'postgres').toString('hex') },
      { type: 'expect', kind: 'pgsql-role', pattern: '', inverse: false, extra },
    ],
  };
});
