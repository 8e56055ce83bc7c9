/**
 * Master-worker mode and reloads: 20 reloads under continuous load (keep-alive and new
 * connections) with no failed request and the new configuration serving after each one;
 * a broken configuration keeps the old worker; an in-flight request survives a reload;
 * `show proc` on the master CLI; systemd notify with -Ws; the classic `-sf PID` hand-over.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, startFulcrum, startHttpStub, httpGet, pollUntil, cliCommand, tempDir, canConnect } from '../harness';

const cfg = (front: number, back: number, extra = ''): string => `
global
    hard-stop-after 10s
${extra}
defaults
    mode http
    timeout client 10s
    timeout server 10s
    timeout connect 2s
    timeout http-keep-alive 10s
frontend main
    bind 127.0.0.1:${front}
    default_backend app
backend app
    server app1 127.0.0.1:${back}
`;

interface Load {
  stop(): Promise<{ ok: number; failures: string[]; retriedOnReusedSocket: number }>;
}

/**
 * Two bounded client loops: one on a keep-alive connection, one opening a new connection
 * per request. A request fails if it gets an error or a non-200 status. The only error not
 * counted is the one RFC 9112 §9.3.1 lets a client retry: a reused idle keep-alive
 * connection closed by the server before any byte of the response (then it is retried).
 */
function startLoad(port: number, maxRequests = 20000, maxMs = 120000): Load {
  let stopping = false;
  let ok = 0;
  let retried = 0;
  const failures: string[] = [];
  const end = Date.now() + maxMs;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const one = (useAgent: boolean): Promise<void> => new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/', agent: useAgent ? agent : false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        if (res.statusCode === 200) ok++;
        else failures.push(`status ${res.statusCode}: ${body.slice(0, 80)}`);
        resolve();
      });
      res.on('error', (e) => { failures.push(`response: ${e.message}`); resolve(); });
    });
    req.setTimeout(15000, () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (req.reusedSocket && (e.code === 'ECONNRESET' || e.message === 'socket hang up')) retried++;
      else failures.push(`${useAgent ? 'keep-alive' : 'new connection'}: ${e.code ?? ''} ${e.message}`);
      resolve();
    });
    req.end();
  });
  let n = 0;
  const loop = async (useAgent: boolean): Promise<void> => {
    while (!stopping && n < maxRequests && Date.now() < end) {
      n++;
      await one(useAgent);
    }
  };
  const loops = [loop(true), loop(false), loop(false)];
  return {
    async stop() {
      stopping = true;
      await Promise.all(loops);
      agent.destroy();
      return { ok, failures, retriedOnReusedSocket: retried };
    },
  };
}

/** PIDs listed under `# workers` (current) and `# old workers` in `show proc`. */
function parseShowProc(text: string): { master: string; current: number[]; old: number[] } {
  const lines = text.split('\n');
  const master = lines.find((l) => /\smaster\s/.test(l)) ?? '';
  const current: number[] = [];
  const old: number[] = [];
  let section = '';
  for (const l of lines) {
    if (l.startsWith('# ')) { section = l.slice(2); continue; }
    const m = /^(\d+)\s+worker\s/.exec(l);
    if (!m) continue;
    (section === 'old workers' ? old : current).push(Number(m[1]));
  }
  return { master, current, old };
}

test('20 reloads under continuous load: no failed request, the new config serves after each', async (t) => {
  const [front] = await freePorts(1);
  const a = await startHttpStub('A');
  const b = await startHttpStub('B');
  const dir = tempDir();
  const msock = join(dir, 'master.sock');
  const fp = await startFulcrum(cfg(front, a.port), { dir, waitPort: front, args: ['-W', '-db', '-S', msock] });
  const load = startLoad(front);
  try {
    await pollUntil(async () => (await httpGet(front)).body.includes('Server: A'), 'the first worker to serve');
    for (let i = 1; i <= 20; i++) {
      const want = i % 2 === 1 ? 'B' : 'A';
      writeFileSync(join(dir, 'fulcrum.cfg'), cfg(front, want === 'A' ? a.port : b.port));
      if (i % 2 === 0) await cliCommand(msock, 'reload');
      else fp.signal('SIGUSR2');
      await pollUntil(async () => parseShowProc(await cliCommand(msock, 'show proc')).master.includes(`${i} [failed: 0]`), `reload ${i} to be counted`, 10000);
      await pollUntil(async () => (await httpGet(front)).body.includes(`Server: ${want}`), `reload ${i} to serve backend ${want}`, 10000);
    }
    const r = await load.stop();
    t.diagnostic(`${r.ok} requests ok, ${r.retriedOnReusedSocket} retried after an idle keep-alive close`);
    assert.deepEqual(r.failures, [], `failed requests during reloads (${r.ok} ok)`);
    assert.ok(r.ok > 20, `the load ran (${r.ok} requests)`);
    // Old workers finish and leave; exactly one current worker remains.
    const final = await pollUntil(async () => {
      const p = parseShowProc(await cliCommand(msock, 'show proc'));
      return p.old.length === 0 && p.current.length === 1 ? p : undefined;
    }, 'old workers to exit', 15000);
    assert.match(final!.master, /master\s+20 \[failed: 0\]/);
    assert.doesNotMatch(fp.stderr, /Current worker|exit-on-failure/);
  } finally {
    await load.stop();
    await fp.stop();
    await a.close();
    await b.close();
  }
});

test('a reload with a broken config keeps the old worker serving and reports the errors', async () => {
  const [front] = await freePorts(1);
  const a = await startHttpStub('A');
  const dir = tempDir();
  const msock = join(dir, 'master.sock');
  const fp = await startFulcrum(cfg(front, a.port), { dir, waitPort: front, args: ['-W', '-db', '-S', msock] });
  try {
    await pollUntil(async () => (await httpGet(front)).status === 200, 'the first worker');
    const before = parseShowProc(await cliCommand(msock, 'show proc'));
    assert.equal(before.current.length, 1);
    writeFileSync(join(dir, 'fulcrum.cfg'), cfg(front, a.port) + '    bogus-keyword here\n');
    fp.signal('SIGUSR2');
    await pollUntil(async () => /\[failed: 1\]/.test(await cliCommand(msock, 'show proc')), 'the failed reload to be counted');
    assert.match(fp.stderr, /\[ALERT\]    \(\d+\) : config : parsing \[.*fulcrum\.cfg:\d+\] : unknown keyword 'bogus-keyword'/);
    assert.match(fp.stderr, /Loading failure!/);
    const after = parseShowProc(await cliCommand(msock, 'show proc'));
    assert.deepEqual(after.current, before.current, 'the old worker must stay the current one');
    assert.equal((await httpGet(front)).status, 200);
    // The master CLI prompt tells about the failure.
    assert.match(await cliCommand(msock, 'prompt\nquit'), /master\[ReloadFailed\]> /);
    // Fixed config: the next reload works and replaces the worker.
    writeFileSync(join(dir, 'fulcrum.cfg'), cfg(front, a.port));
    await cliCommand(msock, 'reload');
    const fixed = await pollUntil(async () => {
      const p = parseShowProc(await cliCommand(msock, 'show proc'));
      return p.current.length === 1 && p.current[0] !== before.current[0] ? p : undefined;
    }, 'a new worker after the fixed reload');
    assert.match(fixed!.master, /master\s+2 \[failed: 1\]/);
    assert.match(await cliCommand(msock, 'prompt\nquit'), /master> /);
    assert.equal((await httpGet(front)).status, 200);
    // SIGTERM to the master: the worker's status is reported as HAProxy 2.6.12 does.
    fp.signal('SIGTERM');
    await fp.waitExit(5000);
    assert.match(fp.stderr, new RegExp(`Current worker \\(${fixed!.current[0]}\\) exited with code 143 \\(Terminated\\)`));
    assert.match(fp.stderr, /All workers exited\. Exiting\.\.\. \(0\)/);
  } finally {
    await fp.stop();
    await a.close();
  }
});

test('a request in flight during a reload completes on the old worker', async () => {
  const [front] = await freePorts(1);
  const held: http.ServerResponse[] = [];
  const slow = await startHttpStub('slow', 0, (req, res) => {
    if (req.url === '/slow') { held.push(res); return; }
    res.writeHead(200, { 'content-length': '2' });
    res.end('ok');
  });
  const dir = tempDir();
  const msock = join(dir, 'master.sock');
  const fp = await startFulcrum(cfg(front, slow.port, '    stats socket {{DIR}}/stats level admin'), { dir, waitPort: front, args: ['-W', '-db', '-S', msock] });
  try {
    await pollUntil(async () => (await httpGet(front)).status === 200, 'the first worker');
    const inflight = httpGet(front, '/slow');
    await pollUntil(() => held.length === 1, 'the slow request to reach the server');
    await cliCommand(msock, 'reload');
    const p = await pollUntil(async () => {
      const s = parseShowProc(await cliCommand(msock, 'show proc'));
      return s.old.length === 1 ? s : undefined;
    }, 'the old worker to be draining');
    assert.equal((await httpGet(front)).status, 200, 'the new worker serves');
    // The master CLI forwards to the current worker (@1) and to any worker by PID (@!PID).
    assert.match(await cliCommand(msock, '@1 show info'), new RegExp(`^Pid: ${p!.current[0]}$`, 'm'));
    assert.match(await cliCommand(msock, `@!${p!.old[0]} show info`), new RegExp(`^Pid: ${p!.old[0]}$`, 'm'));
    assert.match(await cliCommand(msock, '@!1 show info'), /Can't find the target PID/);
    for (const r of held.splice(0)) { r.writeHead(200, { 'content-length': '4' }); r.end('done'); }
    const r = await inflight;
    assert.equal(r.status, 200);
    assert.equal(r.body, 'done');
    await pollUntil(async () => parseShowProc(await cliCommand(msock, 'show proc')).old.length === 0, 'the old worker to exit');
    await fp.waitForOutput(new RegExp(`Former worker \\(${p!.old[0]}\\) exited with code 0`));
    // The old worker leaving must not take the new worker's stats socket file with it.
    assert.match(await cliCommand(join(dir, 'stats'), 'show info'), /^Pid: (\d+)$/m);
    assert.notEqual(Number(/^Pid: (\d+)$/m.exec(await cliCommand(join(dir, 'stats'), 'show info'))![1]), p!.old[0]);
  } finally {
    for (const r of held.splice(0)) r.destroy();
    await fp.stop();
    await slow.close();
  }
});

test('-Ws notifies systemd: READY=1, then RELOADING=1 and READY=1 around a reload', async () => {
  const [front] = await freePorts(1);
  const a = await startHttpStub('A');
  const dir = tempDir();
  const notify = join(dir, 'notify.sock');
  const msock = join(dir, 'master.sock');
  // socat stands in for systemd's notification socket.
  const recv = spawn('socat', ['-u', `UNIX-RECV:${notify}`, 'STDOUT'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let got = '';
  recv.stdout.on('data', (d) => { got += d; });
  const fp = await (async () => {
    await pollUntil(() => existsSync(notify), 'the notify socket');
    // `daemon` as in a stock configuration: -Ws keeps the master in the foreground anyway.
    return startFulcrum(cfg(front, a.port, '    daemon'), { dir, waitPort: front, args: ['-Ws', '-S', msock], env: { NOTIFY_SOCKET: notify } });
  })();
  try {
    await pollUntil(() => got.includes('READY=1'), 'READY=1');
    assert.ok(fp.running, 'the master must not detach under -Ws');
    assert.match(got, new RegExp(`MAINPID=${fp.pid}`));
    fp.signal('SIGUSR2');
    await pollUntil(() => /RELOADING=1[\s\S]*READY=1/.test(got.slice(got.indexOf('READY=1') + 7)), 'RELOADING=1 then READY=1');
    assert.equal((await httpGet(front)).status, 200);
  } finally {
    await fp.stop();
    if (recv.pid !== undefined && recv.exitCode === null) process.kill(recv.pid, 'SIGTERM');
    await a.close();
  }
});

test('-sf PID: a new standalone process takes the port over and the old one finishes', async () => {
  const [front] = await freePorts(1);
  const a = await startHttpStub('A');
  const b = await startHttpStub('B');
  const old = await startFulcrum(cfg(front, a.port), { waitPort: front });
  try {
    await pollUntil(async () => (await httpGet(front)).body.includes('Server: A'), 'the old process');
    const neu = await startFulcrum(cfg(front, b.port), { args: ['-db', '-sf', String(old.pid)] });
    try {
      const ex = await old.waitExit(10000);
      assert.equal(ex.code, 0, old.stderr);
      assert.ok(neu.running, neu.stderr);
      assert.ok(await canConnect(front));
      assert.match((await httpGet(front)).body, /Server: B/);
    } finally {
      await neu.stop();
    }
  } finally {
    await old.stop();
    await a.close();
    await b.close();
  }
});

test('a reload that adds a bind serves it; one that removes a bind closes it once the old worker is gone', async () => {
  const [front, extra] = await freePorts(2);
  const a = await startHttpStub('A');
  const dir = tempDir();
  const msock = join(dir, 'master.sock');
  const withExtra = cfg(front, a.port) + `frontend extra\n    bind 127.0.0.1:${extra}\n    default_backend app\n`;
  const fp = await startFulcrum(cfg(front, a.port), { dir, waitPort: front, args: ['-W', '-db', '-S', msock] });
  try {
    await pollUntil(async () => (await httpGet(front)).status === 200, 'the first worker');
    assert.equal(await canConnect(extra), false);
    writeFileSync(join(dir, 'fulcrum.cfg'), withExtra);
    await cliCommand(msock, 'reload');
    await pollUntil(async () => (await canConnect(extra)) && (await httpGet(extra)).status === 200, 'the added bind to serve');
    assert.equal((await httpGet(front)).status, 200);
    writeFileSync(join(dir, 'fulcrum.cfg'), cfg(front, a.port));
    await cliCommand(msock, 'reload');
    await pollUntil(async () => !(await canConnect(extra)), 'the removed bind to close');
    assert.equal((await httpGet(front)).status, 200);
    assert.match(await cliCommand(msock, 'show proc'), /master\s+2 \[failed: 0\]/);
  } finally {
    await fp.stop();
    await a.close();
  }
});
