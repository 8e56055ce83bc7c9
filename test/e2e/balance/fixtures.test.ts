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
import { ROOT, freePort, startFulcrum, startHttpStub, cliCommand } from '../harness';

interface Scenario {
  name: string;
  balance: string;
  options?: string[];
  servers: { name: string; weight: number; backup?: boolean }[];
  steps: ({ requests: number } | { cli: string } | { get: { path: string; headers?: Record<string, string>; from?: string }[] })[];
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

async function run(sc: Scenario): Promise<string[]> {
  const stubs: Awaited<ReturnType<typeof startHttpStub>>[] = [];
  for (const s of sc.servers) {
    stubs.push(await startHttpStub(s.name, 0, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
      res.end(`${s.name}\n`);
    }));
  }
  const front = await freePort();
  const cfg = [
    'global', '    stats socket {{DIR}}/stats.sock level admin',
    'defaults', '    mode http', '    timeout connect 2s', '    timeout client 5s', '    timeout server 5s',
    'listen be', `    bind 127.0.0.1:${front}`, `    balance ${sc.balance}`, ...(sc.options ?? []).map((o) => `    ${o}`),
    ...sc.servers.map((s, i) => `    server ${s.name} 127.0.0.1:${stubs[i].port} weight ${s.weight}${s.backup ? ' backup' : ''}`),
    '',
  ].join('\n');
  const fp = await startFulcrum(cfg, { waitPort: front, waitSocket: '{{DIR}}/stats.sock' });
  const seq: string[] = [];
  try {
    for (const st of sc.steps) {
      if ('cli' in st) await cliCommand(join(fp.dir, 'stats.sock'), st.cli);
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
