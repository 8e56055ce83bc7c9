/**
 * End to end: bin/fulcrum in front of stub HTTP servers that answer their own name must hand
 * requests to servers in exactly the order HAProxy 2.6.12 did (test/fixtures/lb/*.json,
 * recorded by test/fixtures/lb/record-haproxy.ts with the same config, requests and
 * runtime API commands). One process per scenario, requests one at a time on fresh
 * connections, commands on the stats socket between batches.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, freePort, startFulcrum, startHttpStub, cliCommand, pollUntil } from '../harness';

interface Scenario {
  name: string;
  balance: string;
  options?: string[];
  servers: { name: string; weight: number; backup?: boolean; maxconn?: number }[];
  steps: ({ requests: number } | { cli: string } | { hold: number } | { get: { path: string; headers?: Record<string, string>; from?: string }[] })[];
  sequence: string[];
}

function load(file: string): Scenario[] {
  return (JSON.parse(readFileSync(join(ROOT, 'test/fixtures/lb', `${file}.json`), 'utf8')) as { scenarios: Scenario[] }).scenarios;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((res, rej) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, headers: { ...headers, connection: 'close' } }, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d) => { body += d; });
      r.on('end', () => res(body.trim()));
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', rej);
  });
}

/** Holds answers at the stubs during `hold` steps (same protocol as the recorder). */
class Holding {
  active = false;
  private waiter: ((name: string) => void) | null = null;
  private readonly pending: (() => void)[] = [];

  arrived(name: string, release: () => void): void {
    this.pending.push(release);
    const w = this.waiter;
    this.waiter = null;
    w?.(name);
  }

  /** `settled(k)` resolves once the proxy accounts exactly k requests still open. */
  async run(n: number, send: () => Promise<string>, settled: (open: number) => Promise<unknown>): Promise<string[]> {
    this.active = true;
    const names: string[] = [];
    const answers: Promise<string>[] = [];
    for (let i = 0; i < n; i++) {
      const reached = new Promise<string>((r) => { this.waiter = r; });
      answers.push(send());
      names.push(await pollUntilResolved(reached, `held request ${i + 1} reaching a server`));
    }
    this.active = false;
    for (let i = 0; i < n; i++) {
      this.pending.shift()!();
      await answers[i];
      await settled(n - i - 1);
    }
    return names;
  }
}

/** Waits for `p` at most 5 s. */
function pollUntilResolved<T>(p: Promise<T>, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_r, rej) => { t = setTimeout(() => rej(new Error(`timed out: ${what}`)), 5000); })]).finally(() => clearTimeout(t));
}

/** True when `show stat` reports `open` current sessions in total on the servers of `be`. */
async function openSessions(sock: string, open: number): Promise<boolean> {
  const csv = await cliCommand(sock, 'show stat');
  const rows = csv.split('\n').filter((l) => l.startsWith('be,') && !l.startsWith('be,FRONTEND,') && !l.startsWith('be,BACKEND,'));
  return rows.length > 0 && rows.reduce((a, l) => a + Number(l.split(',')[4]), 0) === open;
}

async function run(sc: Scenario): Promise<string[]> {
  const stubs: Awaited<ReturnType<typeof startHttpStub>>[] = [];
  const held = new Holding();
  for (const s of sc.servers) {
    stubs.push(await startHttpStub(s.name, 0, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
      if (held.active) held.arrived(s.name, () => res.end(`${s.name}\n`));
      else res.end(`${s.name}\n`);
    }));
  }
  const front = await freePort();
  const cfg = [
    'global', '    stats socket {{DIR}}/stats.sock level admin',
    'defaults', '    mode http', '    timeout connect 2s', '    timeout client 5s', '    timeout server 5s',
    'listen be', `    bind 127.0.0.1:${front}`, `    balance ${sc.balance}`, ...(sc.options ?? []).map((o) => `    ${o}`),
    ...sc.servers.map((s, i) => `    server ${s.name} 127.0.0.1:${stubs[i].port} weight ${s.weight}${s.backup ? ' backup' : ''}${s.maxconn ? ` maxconn ${s.maxconn}` : ''}`),
    '',
  ].join('\n');
  const fp = await startFulcrum(cfg, { waitPort: front, waitSocket: '{{DIR}}/stats.sock' });
  const seq: string[] = [];
  try {
    for (const st of sc.steps) {
      const sock = join(fp.dir, 'stats.sock');
      if ('cli' in st) await cliCommand(sock, st.cli);
      else if ('hold' in st) seq.push(...await held.run(st.hold, () => get(front, '/'), (open) => pollUntil(() => openSessions(sock, open), `${open} sessions left open on the servers`)));
      else if ('get' in st) for (const r of st.get) seq.push(await get(front, r.path, r.headers));
      else for (let i = 0; i < st.requests; i++) seq.push(await get(front, '/'));
    }
  } finally {
    await fp.stop();
    for (const s of stubs) await s.close();
  }
  return seq;
}

for (const file of ['roundrobin', 'static-rr', 'first', 'leastconn', 'hash']) {
  for (const sc of load(file)) {
    // Scenarios with other client addresses (balance source) would need sources other than
    // 127.0.0.1, which e2e tests do not use; the unit replay covers them.
    const skip = sc.steps.some((st) => 'get' in st && st.get.some((r) => r.from !== undefined)) ? 'needs client addresses other than 127.0.0.1 (covered by test/unit/lb/hash-fixtures)' : false;
    test(`fulcrum balances like HAProxy 2.6: ${file}/${sc.name}`, { timeout: 30_000, skip }, async () => {
      assert.equal((await run(sc)).join(' '), sc.sequence.join(' '));
    });
  }
}
