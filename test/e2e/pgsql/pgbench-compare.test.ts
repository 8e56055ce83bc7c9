/**
 * Measurement, not an assertion on speed: pgbench TPS direct vs through Fulcrum vs through
 * HAProxy 2.6 with the same configuration (mode tcp, pgsql-check), in one run. Opt-in:
 * FULCRUM_PG_BENCH=1 (it takes about a minute); FULCRUM_PG_BENCH_SECONDS sets -T (default 10).
 * Both proxies must still answer with 0 failed transactions.
 */

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, startFulcrum, pollUntil, canConnect, tempDir, type FulcrumProcess } from '../harness';
import { PgNode, pgSkipReason, runTool } from './pg-cluster';

const skip = pgSkipReason || (!process.env.FULCRUM_PG_BENCH ? 'set FULCRUM_PG_BENCH=1 to measure pgbench direct vs Fulcrum vs HAProxy' : false);
const SECS = Number(process.env.FULCRUM_PG_BENCH_SECONDS ?? 10);

let node: PgNode | undefined;
let fp: FulcrumProcess | undefined;
let hap: ChildProcess | undefined;

after(async () => {
  await fp?.stop();
  if (hap?.pid && hap.exitCode === null) process.kill(hap.pid, 'SIGTERM');
  await node?.destroy();
});

async function bench(port: number, args: string[]): Promise<{ tps: number; failed: string }> {
  const r = await runTool('pgbench', [...args, '-T', String(SECS), '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'postgres'], { timeoutMs: (SECS + 60) * 1000 });
  assert.equal(r.code, 0, r.stderr);
  return { tps: Number(/tps = ([\d.]+)/.exec(r.stdout)?.[1] ?? 0), failed: /number of failed transactions: (\d+)/.exec(r.stdout)?.[1] ?? '?' };
}

test('pgbench TPS: direct vs Fulcrum vs HAProxy', { skip, timeout: 600_000 }, async () => {
  node = await PgNode.primary();
  const [pf, ph] = await freePorts(2);
  const cfg = (port: number): string => `
global
    maxconn 200
defaults
    mode tcp
    timeout connect 4s
    timeout client 30m
    timeout server 30m
    timeout check 5s
listen pg
    bind 127.0.0.1:${port}
    option pgsql-check user postgres
    server pg1 127.0.0.1:${node!.port} check inter 2s
`;
  fp = await startFulcrum(cfg(pf), { waitPort: pf });
  const hasHap = existsSync('/usr/sbin/haproxy');
  if (hasHap) {
    const dir = tempDir();
    writeFileSync(join(dir, 'h.cfg'), cfg(ph));
    hap = spawn('/usr/sbin/haproxy', ['-db', '-f', join(dir, 'h.cfg')], { stdio: 'ignore' });
    await pollUntil(() => canConnect(ph), 'haproxy listening', 5000);
  }
  const init = await runTool('pgbench', ['-i', '-s', '10', '-q', '-h', '127.0.0.1', '-p', String(node.port), '-U', 'postgres', 'postgres'], { timeoutMs: 120_000 });
  assert.equal(init.code, 0, init.stderr);
  const rows: string[] = [];
  for (const [label, args] of [['TPC-B -c 8 -j 4', ['-c', '8', '-j', '4']], ['select-only -S -c 16 -j 4', ['-S', '-c', '16', '-j', '4']]] as const) {
    // Interleaved: direct, Fulcrum, HAProxy, in the same run on the same data.
    const d = await bench(node.port, [...args]);
    const f = await bench(pf, [...args]);
    const h = hasHap ? await bench(ph, [...args]) : undefined;
    assert.equal(f.failed, '0');
    if (h) assert.equal(h.failed, '0');
    rows.push(`${label.padEnd(28)} direct ${d.tps.toFixed(0).padStart(7)}  fulcrum ${f.tps.toFixed(0).padStart(7)} (${(100 * f.tps / d.tps).toFixed(0)}%)  haproxy ${h ? h.tps.toFixed(0).padStart(7) : '   n/a'}${h ? ` (${(100 * h.tps / d.tps).toFixed(0)}%)` : ''}`);
  }
  process.stdout.write(`# pgbench -T ${SECS}, scale 10\n${rows.map((r) => `# ${r}`).join('\n')}\n`);
});
