/**
 * `fulcrum -c` on load-balancing keywords prints what `haproxy -c` (2.6) prints, line for
 * line (pid and the version/path notices aside). Skipped when haproxy is not installed.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { runFulcrum, tempDir, writeFile } from '../harness';

const HAPROXY = '/usr/sbin/haproxy';

const CASES: [string, string][] = [
  ['bad balance arguments', 'listen be\n  bind 127.0.0.1:0\n  balance uri len x\n  hash-type consistent none\n  hash-balance-factor 50\n  server s1 127.0.0.1:8080\nbackend b2\n  balance hdr()\n  server s1 127.0.0.1:8080\n'],
  ['unknown algorithm and hash-type forms', 'backend be\n  balance foo\n  hash-type avalanche\n  hash-type map-based sdbm x\n  hash-balance-factor\n  balance random(0)\n  balance rdp-cookie(\n  balance url_param\n  server s1 127.0.0.1:8080\n'],
  ['layer 7 hash in tcp mode', 'listen be\n  bind 127.0.0.1:0\n  balance uri\n  server s1 127.0.0.1:8080\nbackend b2\n  balance url_param id check_post 10\n  server s1 127.0.0.1:8080\n'],
  ['valid forms', 'backend be\n  balance hdr(Host) use_domain_only\n  hash-type consistent djb2 avalanche\n  hash-balance-factor 150\n  server s1 127.0.0.1:8080\nbackend b2\n  balance random(3)\n  server s1 127.0.0.1:8080\nbackend b3\n  balance rdp-cookie\n  server s1 127.0.0.1:8080\n'],
  ['balance hash expressions', 'backend be\n  mode http\n  balance hash req.hdr(host),lower\n  server s1 127.0.0.1:8080\nbackend b2\n  mode http\n  balance hash nosuchfetch(x)\n  server s1 127.0.0.1:8080\n'],
];

const normalize = (s: string): string[] => s.split('\n')
  .map((l) => l.replace(/\((\d+)\)/, '(PID)'))
  .filter((l) => l && !/haproxy version is|path to executable is/.test(l));

for (const [name, body] of CASES) {
  test(`fulcrum -c reports like haproxy -c: ${name}`, { skip: existsSync(HAPROXY) ? false : 'haproxy 2.6 not installed', timeout: 20_000 }, async () => {
    const dir = tempDir();
    try {
      const cfg = writeFile(dir, 'lb.cfg', `defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\n${body}`);
      const ref = spawnSync(HAPROXY, ['-c', '-f', cfg], { cwd: dir, encoding: 'utf8', timeout: 10_000 });
      const got = await runFulcrum(['-c', '-f', cfg], { cwd: dir });
      assert.deepEqual(normalize(got.stderr + got.stdout), normalize(ref.stderr + ref.stdout));
      assert.equal(got.code, ref.status);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
