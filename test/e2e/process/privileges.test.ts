/**
 * Privilege drop as a system service does it (root only; skipped otherwise): bind as root,
 * then `chroot DIR`, `group`, `user`, before serving. Checks /proc/PID/status (Uid/Gid),
 * /proc/PID/root, that traffic is served, that syslog through a UNIX datagram socket
 * inside the chroot (Debian's /var/lib/haproxy/dev/log set-up) works, that a chroot that
 * cannot be applied is fatal, and that in master-worker mode the worker drops while the
 * master stays root.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, freePorts, startFulcrum, startHttpStub, httpGet, pollUntil, tempDir, runFulcrum, writeFile, cliCommand } from '../harness';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
// The stock example's account is _haproxy; a dedicated name keeps tests that run alongside
// (test/e2e/config expects no _haproxy, and creates its own account) unaffected. The PID in
// the name keeps two suites on one machine from deleting each other's account mid-test.
const USER = `_fulcrumproc${process.pid}`;
let createdUser = false;
let uid = -1;
let gid = -1;

function idOf(flag: '-u' | '-g'): number {
  const r = spawnSync('id', [flag, USER], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : -1;
}

before(() => {
  if (!isRoot) return;
  if (idOf('-u') < 0) {
    const r = spawnSync('useradd', ['-r', '-M', '-U', '-s', '/usr/sbin/nologin', USER], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`useradd ${USER}: ${r.stderr}`);
    createdUser = true;
  }
  uid = idOf('-u');
  gid = idOf('-g');
});

after(() => {
  if (createdUser) spawnSync('userdel', [USER]);
  if (createdUser && spawnSync('getent', ['group', USER]).status === 0) spawnSync('groupdel', [USER]);
});

/** True once src/log (syslog sinks, `log` keyword) is built. */
const hasLog = existsSync(join(ROOT, 'dist', 'src', 'log', 'keywords.js'));
const hasSocat = spawnSync('socat', ['-V']).status === 0;

/** Uid/Gid lines of /proc/PID/status: [real, effective, saved, fs]. */
function ids(pid: number): { uid: number[]; gid: number[]; groups: string } {
  const st = readFileSync(`/proc/${pid}/status`, 'utf8');
  const line = (k: string): string => (new RegExp(`^${k}:[ \\t]*(.*)$`, 'm').exec(st)?.[1] ?? '').trim();
  return { uid: line('Uid').split(/\s+/).map(Number), gid: line('Gid').split(/\s+/).map(Number), groups: line('Groups') };
}

/** A chroot directory as a package would lay it out: root-owned, with dev/ for the log socket. */
function makeChroot(): string {
  const dir = realpathSync(tempDir('fulcrum-chroot-'));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'dev'));
  return dir;
}

const config = (front: number, back: number, chroot: string, extra = ''): string => `
global
${hasLog ? '    log /dev/log local0' : ''}
    chroot ${chroot}
    user ${USER}
    group ${USER}
${extra}
defaults
    mode http
${hasLog ? '    log global\n    option httplog' : ''}
    timeout client 5s
    timeout server 5s
    timeout connect 2s
frontend main
    bind 127.0.0.1:${front}
    default_backend app
backend app
    server app1 127.0.0.1:${back}
`;

/** socat receiving syslog datagrams on a UNIX socket (what rsyslog's imuxsock does). */
function startDgramReceiver(path: string): { proc: ChildProcess; out: () => string; stop: () => void } {
  const proc = spawn('socat', ['-u', `UNIX-RECV:${path},mode=666`, 'STDOUT'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => { out += d; });
  return { proc, out: () => out, stop: () => { if (proc.pid !== undefined && proc.exitCode === null) process.kill(proc.pid, 'SIGTERM'); } };
}

test('chroot + group + user applied before serving; traffic and chrooted syslog work', { skip: !isRoot && 'needs root' }, async (t) => {
  const [front] = await freePorts(1);
  const stub = await startHttpStub('s1');
  const chroot = makeChroot();
  const rx = hasSocat ? startDgramReceiver(join(chroot, 'dev', 'log')) : undefined;
  if (rx) await pollUntil(() => existsSync(join(chroot, 'dev', 'log')), 'the log socket in the chroot');
  const dir = tempDir();
  const pidfile = join(dir, 'fulcrum.pid');
  const fp = await startFulcrum(config(front, stub.port, chroot), { dir, waitPort: front, args: ['-db', '-p', pidfile] });
  try {
    const r = await pollUntil(async () => { const x = await httpGet(front); return x.status === 200 ? x : undefined; }, 'traffic through the chrooted process');
    // Written before the chroot, where /run (here: the test dir) is still reachable.
    assert.equal(readFileSync(pidfile, 'utf8'), `${fp.pid}\n`);
    assert.match(r!.body, /Server: s1/);
    const id = ids(fp.pid);
    assert.deepEqual(id.uid, [uid, uid, uid, uid], 'Uid line');
    assert.deepEqual(id.gid, [gid, gid, gid, gid], 'Gid line');
    assert.equal(id.groups, '', 'supplementary groups are dropped');
    assert.equal(readlinkSync(`/proc/${fp.pid}/root`), chroot);
    assert.doesNotMatch(fp.stderr, /Running as root/);
    if (rx && hasLog) {
      await pollUntil(() => /GET \/ HTTP\/1\.1/.test(rx.out()), `a traffic log line on ${chroot}/dev/log`, 5000);
      assert.match(rx.out(), /^<134>/m, 'local0.info');
    } else t.diagnostic('log line not checked: ' + (!rx ? 'socat missing' : 'src/log not built yet'));
  } finally {
    await fp.stop();
    rx?.stop();
    await stub.close();
  }
});

test('a chroot that cannot be applied is fatal', { skip: !isRoot && 'needs root' }, async () => {
  const dir = tempDir();
  const [front, back] = await freePorts(2);
  const f = writeFile(dir, 'c.cfg', config(front, back, join(dir, 'does-not-exist')));
  const r = await runFulcrum(['-db', '-f', f]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`\\[ALERT\\]    \\(\\d+\\) : \\[fulcrum\\.main\\(\\)\\] Cannot chroot\\(${join(dir, 'does-not-exist').replace(/[/.]/g, '\\$&')}\\)`));
});

test('running as root without user gets a warning', { skip: !isRoot && 'needs root' }, async () => {
  const [front, back] = await freePorts(2);
  const fp = await startFulcrum(`global\ndefaults\n    mode http\n    timeout client 5s\n    timeout server 5s\n    timeout connect 2s\nfrontend main\n    bind 127.0.0.1:${front}\n    default_backend app\nbackend app\n    server app1 127.0.0.1:${back}\n`, { waitPort: front });
  try {
    await fp.waitForOutput(/\[WARNING\]  \(\d+\) : \[fulcrum\.main\(\)\] Running as root without 'user'\/'uid'/);
  } finally {
    await fp.stop();
  }
});

test('master-worker: the worker drops privileges, the master stays root', { skip: !isRoot && 'needs root' }, async () => {
  const [front] = await freePorts(1);
  const stub = await startHttpStub('s1');
  const chroot = makeChroot();
  const dir = tempDir();
  const msock = join(dir, 'master.sock');
  const fp = await startFulcrum(config(front, stub.port, chroot), { dir, waitPort: front, args: ['-W', '-db', '-S', msock] });
  try {
    // The master's socket accepts (waitPort) before the worker, a new process that chroots
    // and drops privileges first, serves: on a busy machine that took more than the default
    // 5 s (one httpGet's own time limit) in a full run, so allow 20 s.
    await pollUntil(async () => (await httpGet(front)).status === 200, 'the worker to serve', 20_000);
    const proc = await cliCommand(msock, 'show proc');
    const worker = Number(/^(\d+)\s+worker/m.exec(proc)?.[1]);
    assert.ok(worker > 0, proc);
    assert.deepEqual(ids(worker).uid, [uid, uid, uid, uid]);
    assert.equal(readlinkSync(`/proc/${worker}/root`), chroot);
    assert.equal(ids(fp.pid).uid[0], 0);
    assert.equal(readlinkSync(`/proc/${fp.pid}/root`), '/');
    // A reload starts a new worker that drops privileges in the same way.
    await cliCommand(msock, 'reload');
    const w2 = await pollUntil(async () => {
      const m = /# workers\n(\d+)\s+worker/.exec(await cliCommand(msock, 'show proc'));
      return m && Number(m[1]) !== worker ? Number(m[1]) : undefined;
    }, 'the reloaded worker', 20_000);
    assert.deepEqual(ids(w2!).uid, [uid, uid, uid, uid]);
    assert.equal((await httpGet(front)).status, 200);
  } finally {
    await fp.stop();
    await stub.close();
  }
});

test('the stock example as a system service: daemon, pidfile, chroot, user, stats socket and syslog inside the chroot', { skip: !isRoot && 'needs root' }, async (t) => {
  const [front] = await freePorts(1);
  const stubs = await Promise.all(['static', 'app1', 'app2', 'app3', 'app4'].map((n) => startHttpStub(n)));
  const chroot = makeChroot();
  const dir = tempDir();
  const pidfile = join(dir, 'haproxy.pid');
  let cfg = readFileSync(join(ROOT, 'examples', 'haproxy.cfg'), 'utf8');
  cfg = cfg.replaceAll('/var/lib/haproxy', chroot).replace('/run/haproxy.pid', pidfile).replaceAll('_haproxy', USER);
  cfg = cfg.replace('bind *:5000', `bind 127.0.0.1:${front}`).replace('127.0.0.1:4331', `127.0.0.1:${stubs[0].port}`);
  for (let i = 1; i <= 4; i++) cfg = cfg.replace(`127.0.0.1:500${i}`, `127.0.0.1:${stubs[i].port}`);
  if (!hasLog) cfg = cfg.replace(/^\s*(log|option\s+httplog|option\s+dontlognull)\b.*$/gm, '');
  const f = writeFile(dir, 'haproxy.cfg', cfg);
  const rx = hasSocat ? startDgramReceiver(join(chroot, 'dev', 'log')) : undefined;
  if (rx) await pollUntil(() => existsSync(join(chroot, 'dev', 'log')), 'the log socket in the chroot');
  let pid = 0;
  try {
    // `daemon`: the command returns once the detached process serves.
    const r = await runFulcrum(['-f', f], { timeoutMs: 15000 });
    assert.equal(r.code, 0, r.stderr);
    pid = Number(readFileSync(pidfile, 'utf8'));
    assert.ok(pid > 0 && existsSync(`/proc/${pid}`), 'the daemon runs');
    assert.deepEqual(ids(pid).uid, [uid, uid, uid, uid]);
    assert.deepEqual(ids(pid).gid, [gid, gid, gid, gid]);
    assert.equal(readlinkSync(`/proc/${pid}/root`), chroot);
    const r1 = await pollUntil(async () => { const x = await httpGet(front, '/'); return x.status === 200 ? x : undefined; }, 'traffic');
    assert.match(r1!.body, /Server: app\d/);
    assert.match((await httpGet(front, '/static/x.css')).body, /Server: static/);
    // The runtime API works from inside the chroot (no /proc there).
    assert.match(await cliCommand(join(chroot, 'stats'), 'show info'), new RegExp(`^Pid: ${pid}$`, 'm'));
    assert.match(await cliCommand(join(chroot, 'stats'), 'show stat'), /^main,FRONTEND,/m);
    assert.match(await cliCommand(join(chroot, 'stats'), 'show servers state'), /^\d+ app \d+ app1 /m);
    if (rx && hasLog) {
      // facility daemon (3), level info: <30>
      await pollUntil(() => /^<30>.*GET \/static\/x\.css HTTP\/1\.1/m.test(rx.out()), 'the traffic log line in the chroot socket');
    } else t.diagnostic('log line not checked');
    process.kill(pid, 'SIGUSR1');
    await pollUntil(() => !existsSync(`/proc/${pid}`) || /State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8')), 'the daemon to stop on SIGUSR1', 8000);
    pid = 0;
  } finally {
    if (pid > 0) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    rx?.stop();
    await Promise.all(stubs.map((s) => s.close()));
  }
});

test('a group or user that cannot be applied is fatal (process started without the right to change ids)', { skip: (!isRoot || spawnSync('setpriv', ['--version']).status !== 0) && 'needs root and setpriv' }, async () => {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  const [front, back] = await freePorts(2);
  const base = `defaults\n    mode http\n    timeout client 5s\n    timeout server 5s\n    timeout connect 2s\nfrontend main\n    bind 127.0.0.1:${front}\n    default_backend app\nbackend app\n    server app1 127.0.0.1:${back}\n`;
  const run = (name: string, global: string): Promise<{ code: number | null; stderr: string }> => {
    const f = writeFile(dir, name, `global\n${global}\n${base}`);
    chmodSync(f, 0o644);
    // nobody, without CAP_SETUID/CAP_SETGID: setgid/setuid to another id fail with EPERM.
    const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(ROOT, 'bin', 'fulcrum'), '-db', '-f', f], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr += d; });
    return new Promise((resolve) => {
      const t = setTimeout(() => { if (child.pid) try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } }, 10000);
      child.on('exit', (code) => { clearTimeout(t); resolve({ code, stderr }); });
    });
  };
  const g = await run('g.cfg', `    group ${USER}`);
  assert.equal(g.code, 1, g.stderr);
  assert.match(g.stderr, new RegExp(`\\[ALERT\\]    \\(\\d+\\) : \\[fulcrum\\.main\\(\\)\\] Cannot set gid ${gid}\\.`));
  const u = await run('u.cfg', `    user ${USER}`);
  assert.equal(u.code, 1, u.stderr);
  assert.match(u.stderr, new RegExp(`\\[ALERT\\]    \\(\\d+\\) : \\[fulcrum\\.main\\(\\)\\] Cannot set uid ${uid}\\.`));
});
