/**
 * `fulcrum top` in a real terminal (tmux, on a private tmux server socket): it lists every
 * server of a running bin/fulcrum, a key press disables the selected server (checked with
 * `show stat`), the detail view explains why a server is DOWN, and on a `level user` socket
 * the refusal shows as `Permission denied`; a TCP stats socket works too. Skipped when tmux is not installed.
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import http from 'node:http';
import { BIN, cliCommand, freePorts, pollUntil, startFulcrum } from '../harness';

const TMUX = ['/usr/bin/tmux', '/bin/tmux'].find((p) => existsSync(p));

test('fulcrum top in tmux: servers, disable key, DOWN explanation, Permission denied', { skip: TMUX ? false : 'tmux not installed', timeout: 60000 }, async () => {
  const [fePort, upPort, downPort, cliPort] = await freePorts(4);
  const up = http.createServer((_q, r) => r.end('ok')).listen(upPort, '127.0.0.1');
  const f = await startFulcrum(`global
    stats socket {{DIR}}/admin.sock level admin
    stats socket {{DIR}}/user.sock level user
    stats socket 127.0.0.1:${cliPort} level operator
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${fePort}
    default_backend app
backend app
    server web1 127.0.0.1:${upPort} check inter 500ms
    server web2 127.0.0.1:${downPort} check inter 500ms
`, { waitPort: fePort });
  const tsock = join(f.dir, 'tmux.sock');
  const tmux = (...args: string[]): string => execFileSync(TMUX!, ['-S', tsock, ...args], { encoding: 'utf8', timeout: 5000 });
  const screen = (s: string): string => tmux('capture-pane', '-p', '-t', s);
  const admin = join(f.dir, 'admin.sock');
  try {
    await pollUntil(async () => /app,web2,.*,DOWN,/.test(await cliCommand(admin, 'show stat')), 'web2 DOWN', 8000);
    tmux('new-session', '-d', '-s', 'adm', '-x', '220', '-y', '40', `${process.execPath} ${BIN} top -s ${admin} -i 0.5`);
    // Keep this private tmux server up when a session's top quits: otherwise the next
    // new-session can reach the server while it exits ("server exited unexpectedly", seen in
    // a full run). kill-server in finally still ends it.
    tmux('set-option', '-s', 'exit-empty', 'off');
    await pollUntil(() => { const s = screen('adm'); return s.includes('app/web1') && s.includes('app/web2') && s.includes('app/BACKEND'); }, 'top shows the servers', 8000);
    const s0 = screen('adm');
    assert.match(s0, /app\/web1\s+UP\s+L[47]OK/);
    assert.match(s0, /app\/web2\s+DOWN\s+L4CON.*Layer4 connection problem: Connection refused/);

    // Filter to web2, open the detail view: why is it DOWN?
    tmux('send-keys', '-t', 'adm', '/', 'web2', 'Enter');
    tmux('send-keys', '-t', 'adm', 'Enter');
    await pollUntil(() => screen('adm').includes('the health check failed: L4CON'), 'detail view explains DOWN', 5000);
    assert.match(screen('adm'), /Failed checks: \d+; UP->DOWN transitions: 1/);

    // Filter to web1 and press d: disable server app/web1.
    tmux('send-keys', '-t', 'adm', 'Enter', '/', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'web1', 'Enter');
    await pollUntil(() => /^>\s+app\/web1/m.test(screen('adm')), 'web1 selected', 5000);
    tmux('send-keys', '-t', 'adm', 'd');
    await pollUntil(async () => /app,web1,.*,MAINT,/.test(await cliCommand(admin, 'show stat')), 'web1 in MAINT via show stat', 5000);
    await pollUntil(() => screen('adm').includes('disable server app/web1: done'), 'action reported', 5000);
    await pollUntil(() => /app\/web1\s+MAINT/.test(screen('adm')), 'MAINT shown', 5000);
    tmux('send-keys', '-t', 'adm', 'e');
    await pollUntil(async () => !/app,web1,.*,MAINT,/.test(await cliCommand(admin, 'show stat')), 'web1 enabled again', 5000);
    tmux('send-keys', '-t', 'adm', 'q');

    // A user-level socket refuses the action: the answer is shown.
    tmux('new-session', '-d', '-s', 'usr', '-x', '220', '-y', '40', `${process.execPath} ${BIN} top -s ${join(f.dir, 'user.sock')} -i 0.5 -f web1`);
    await pollUntil(() => screen('usr').includes('app/web1'), 'user top shows web1', 8000);
    tmux('send-keys', '-t', 'usr', 'd');
    await pollUntil(() => screen('usr').includes('disable server app/web1: Permission denied'), 'Permission denied shown', 5000);
    assert.doesNotMatch(await cliCommand(admin, 'show stat'), /app,web1,.*,MAINT,/);
    tmux('send-keys', '-t', 'usr', 'q');

    // A TCP stats socket works the same (host:port).
    tmux('new-session', '-d', '-s', 'tcp', '-x', '220', '-y', '40', `${process.execPath} ${BIN} top -s 127.0.0.1:${cliPort} -i 0.5`);
    await pollUntil(() => /app\/web2\s+DOWN/.test(screen('tcp')) && screen('tcp').includes(`[127.0.0.1:${cliPort}]`), 'top over TCP', 8000);
  } finally {
    try { tmux('kill-server'); } catch { /* already gone */ }
    await f.stop();
    up.close();
  }
});
