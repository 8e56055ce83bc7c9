/**
 * `nbthread 2` end to end (docs/internals/multi-core.md): two data-plane threads serve the
 * same listeners, with one shared view of server state, counters and balancing.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { join } from 'node:path';
import { freePort, startFulcrum, startHttpStub, cliCommand, pollUntil, httpGet, type FulcrumProcess, deadPort } from '../harness';

type Stub = Awaited<ReturnType<typeof startHttpStub>>;

const DEFAULTS = `
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
    timeout queue 10s
`;

function statRows(csv: string): Record<string, string>[] {
  const lines = csv.split('\n').filter((l) => l.length > 0);
  const header = lines[0].replace(/^# /, '').split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
}

function row(csv: string, px: string, sv: string): Record<string, string> {
  const r = statRows(csv).find((x) => x.pxname === px && x.svname === sv);
  if (!r) throw new Error(`no row ${px}/${sv} in\n${csv}`);
  return r;
}

/** Per-thread request counts from `show threads`. */
function threadReqs(out: string): { tid: string; reqs: number }[] {
  return [...out.matchAll(/^Thread (\d+) : id=(0x[0-9a-f]+) .*\n.* reqs=(\d+)/gm)].map((m) => ({ tid: m[2], reqs: Number(m[3]) }));
}

/** `n` GETs, `conc` at a time, each on a new connection (so the kernel spreads them over the threads). */
async function load(port: number, n: number, conc = 8): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      next++;
      statuses.push((await httpGet(port, '/')).status);
    }
  };
  await Promise.all(Array.from({ length: Math.min(conc, n) }, worker));
  return statuses;
}

async function withStubs(names: string[], fn: (stubs: Stub[]) => Promise<void>, handler?: http.RequestListener): Promise<void> {
  const stubs: Stub[] = [];
  try {
    for (const n of names) stubs.push(await startHttpStub(n, 0, handler));
    await fn(stubs);
  } finally {
    for (const s of stubs) await s.close();
  }
}

async function start(cfg: string, front: number): Promise<{ fp: FulcrumProcess; sock: string }> {
  const fp = await startFulcrum(cfg, { waitSocket: '{{DIR}}/stats.sock', waitPort: front });
  return { fp, sock: join(fp.dir, 'stats.sock') };
}

test('nbthread 2: both threads serve, show info says Nbthread 2, show stat totals are the requests sent', { timeout: 60_000 }, async () => {
  await withStubs(['a', 'b'], async ([a, b]) => {
    const front = await freePort();
    const { fp, sock } = await start(`
global
    nbthread 2
    stats socket {{DIR}}/stats.sock level admin
${DEFAULTS}
listen be
    bind 127.0.0.1:${front}
    server a 127.0.0.1:${a.port}
    server b 127.0.0.1:${b.port}
`, front);
    try {
      assert.match(await cliCommand(sock, 'show info'), /^Nbthread: 2$/m);
      const statuses = await load(front, 60);
      assert.deepEqual(statuses.filter((s) => s !== 200), []);
      // Two threads with distinct thread ids, each having served part of the traffic.
      const th = await pollUntil(async () => {
        const t = threadReqs(await cliCommand(sock, 'show threads'));
        return t.length === 2 && t[0].reqs + t[1].reqs >= 60 ? t : undefined;
      }, 'show threads covering the requests') as { tid: string; reqs: number }[];
      assert.notEqual(th[0].tid, th[1].tid);
      assert.ok(th[0].reqs > 0 && th[1].reqs > 0, `both threads serve: ${JSON.stringify(th)}`);
      // Counters of the whole process: the threads' counters are summed. (The harness's port
      // probe is a connection too, answered 4xx: count the 2xx of the frontend.)
      let last = '';
      await pollUntil(async () => {
        const csv = last = await cliCommand(sock, 'show stat');
        const fe = Number(row(csv, 'be', 'FRONTEND').hrsp_2xx);
        const srv = Number(row(csv, 'be', 'a').stot) + Number(row(csv, 'be', 'b').stot);
        const be = Number(row(csv, 'be', 'BACKEND').stot);
        const scur = Number(row(csv, 'be', 'BACKEND').scur);
        return fe === 60 && srv === 60 && be === 60 && scur === 0;
      }, 'show stat totals = 60 requests', 5000).catch((e: Error) => { throw new Error(`${e.message}\n${last}`); });
      assert.equal(a.requests.length + b.requests.length, 60);
    } finally {
      await fp.stop();
    }
  });
});

test('nbthread 2: roundrobin over 4 servers stays an exact round robin across threads', { timeout: 60_000 }, async () => {
  await withStubs(['a', 'b', 'c', 'd'], async (stubs) => {
    const front = await freePort();
    const { fp, sock } = await start(`
global
    nbthread 2
    stats socket {{DIR}}/stats.sock level admin
${DEFAULTS}
listen be
    bind 127.0.0.1:${front}
    balance roundrobin
${stubs.map((s, i) => `    server s${i} 127.0.0.1:${s.port}`).join('\n')}
`, front);
    try {
      const statuses = await load(front, 100, 10);
      assert.deepEqual(statuses.filter((s) => s !== 200), []);
      assert.deepEqual(stubs.map((s) => s.requests.length), [25, 25, 25, 25]);
      const th = threadReqs(await pollUntil(async () => {
        const out = await cliCommand(sock, 'show threads');
        const t = threadReqs(out);
        return t.length === 2 && t[0].reqs + t[1].reqs >= 100 ? out : undefined;
      }, 'show threads') as string);
      assert.ok(th[0].reqs > 0 && th[1].reqs > 0, `both threads took part: ${JSON.stringify(th)}`);
    } finally {
      await fp.stop();
    }
  });
});

test('nbthread 2: a server marked DOWN by the checks is skipped by every thread; disable/enable server reach every thread', { timeout: 60_000 }, async () => {
  await withStubs(['a', 'b', 'c'], async ([a, b, c]) => {
    const front = await freePort();
    const dead = await deadPort();
    const { fp, sock } = await start(`
global
    nbthread 2
    stats socket {{DIR}}/stats.sock level admin
${DEFAULTS}
listen be
    bind 127.0.0.1:${front}
    balance roundrobin
    server a 127.0.0.1:${a.port} check inter 200 fall 1 rise 1
    server b 127.0.0.1:${b.port} check inter 200 fall 1 rise 1
    server c 127.0.0.1:${c.port} check inter 200 fall 1 rise 1
    server dead 127.0.0.1:${dead} check inter 200 fall 1 rise 1
`, front);
    try {
      await pollUntil(async () => row(await cliCommand(sock, 'show stat'), 'be', 'dead').status === 'DOWN', 'dead is DOWN', 8000);
      await pollUntil(async () => {
        const csv = await cliCommand(sock, 'show stat');
        return ['a', 'b', 'c'].every((n) => row(csv, 'be', n).status === 'UP');
      }, 'a, b, c UP', 8000);
      const count = (): number[] => [a, b, c].map((s) => s.requests.filter((r) => r.url === '/').length);
      const base0 = count();
      // No request reaches the DOWN server (it would fail: nothing listens there).
      assert.deepEqual((await load(front, 30)).filter((s) => s !== 200), []);
      assert.deepEqual(count().map((n, i) => n - base0[i]), [10, 10, 10]);
      // disable server on the stats socket: no thread sends to b any more.
      assert.equal(await cliCommand(sock, 'disable server be/b'), '\n');
      const base1 = count();
      assert.deepEqual((await load(front, 30)).filter((s) => s !== 200), []);
      assert.deepEqual(count().map((n, i) => n - base1[i]), [15, 0, 15]);
      // enable server: b is back in every thread's rotation.
      await cliCommand(sock, 'enable server be/b');
      await pollUntil(async () => row(await cliCommand(sock, 'show stat'), 'be', 'b').status === 'UP', 'b UP again', 8000);
      const base2 = count();
      assert.deepEqual((await load(front, 30)).filter((s) => s !== 200), []);
      assert.deepEqual(count().map((n, i) => n - base2[i]), [10, 10, 10]);
    } finally {
      await fp.stop();
    }
  });
});

test('nbthread 2: server maxconn 1 holds across threads (the others queue)', { timeout: 60_000 }, async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const slow: http.RequestListener = (_req, res) => {
    inFlight++;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { 'content-length': '3' });
      res.end('ok\n');
    }, 30);
  };
  await withStubs(['a'], async ([a]) => {
    const front = await freePort();
    const { fp, sock } = await start(`
global
    nbthread 2
    stats socket {{DIR}}/stats.sock level admin
${DEFAULTS}
listen be
    bind 127.0.0.1:${front}
    server a 127.0.0.1:${a.port} maxconn 1
`, front);
    try {
      const statuses = await load(front, 24, 24);
      assert.deepEqual(statuses.filter((s) => s !== 200), []);
      assert.equal(a.requests.length, 24);
      assert.equal(maxInFlight, 1, 'never more than one request at a time on the server');
      const th = threadReqs(await pollUntil(async () => {
        const out = await cliCommand(sock, 'show threads');
        const t = threadReqs(out);
        return t.length === 2 && t[0].reqs + t[1].reqs >= 24 ? out : undefined;
      }, 'show threads') as string);
      assert.ok(th[0].reqs > 0 && th[1].reqs > 0, `both threads queued and served: ${JSON.stringify(th)}`);
      // The counters reach the stats socket within a report period (100 ms).
      const csv = await pollUntil(async () => {
        const c = await cliCommand(sock, 'show stat');
        return row(c, 'be', 'a').scur === '0' && row(c, 'be', 'a').stot === '24' ? c : undefined;
      }, 'server a: scur 0, stot 24') as string;
      assert.ok(Number(row(csv, 'be', 'a').smax) <= 2, `smax ${row(csv, 'be', 'a').smax}`);
    } finally {
      await fp.stop();
    }
  }, slow);
});

test('nbthread 2: set weight on the stats socket reaches every thread (exact 3:1 over the shared position)', { timeout: 60_000 }, async () => {
  await withStubs(['a', 'b'], async ([a, b]) => {
    const front = await freePort();
    const { fp, sock } = await start(`
global
    nbthread 2
    stats socket {{DIR}}/stats.sock level admin
${DEFAULTS}
listen be
    bind 127.0.0.1:${front}
    balance roundrobin
    server a 127.0.0.1:${a.port} weight 10
    server b 127.0.0.1:${b.port} weight 10
`, front);
    try {
      assert.equal(await cliCommand(sock, 'set weight be/a 30'), '\n');
      // The coordinator pushes the change at once; wait until a thread has it (its table rebuilt).
      await pollUntil(async () => row(await cliCommand(sock, 'show stat'), 'be', 'a').weight === '30', 'weight 30');
      // Warm-up requests: both threads have applied the pushed state before counting.
      await load(front, 4, 2);
      const [a0, b0] = [a.requests.length, b.requests.length];
      // The table is a a b a: any 40 consecutive shared positions give exactly 30 + 10.
      assert.deepEqual((await load(front, 40, 4)).filter((s) => s !== 200), []);
      assert.deepEqual([a.requests.length - a0, b.requests.length - b0], [30, 10]);
    } finally {
      await fp.stop();
    }
  });
});
