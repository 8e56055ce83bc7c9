/**
 * Debian's hatop (unchanged) against Fulcrum's stats socket: it must initialise (prompt,
 * set timeout cli 60, show info, show stat), draw the server rows, and its hotkeys F10/F9
 * (disable/enable server) and F8 (weight +10) must act, as checked with socat.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { tempDir, pollUntil, startFulcrum, freePorts } from '../harness';
import { haveCommand, startCliServer, socat, TmuxSession } from './clients';

const CONFIG = `
global
    stats socket {{DIR}}/admin level admin
defaults
    mode http
backend app
    server app1 127.0.0.1:28081
    server app2 127.0.0.1:28082
`;

const skip = !haveCommand('hatop') || !haveCommand('tmux') || !haveCommand('socat') ? 'hatop, tmux or socat not installed' : false;

function statusOf(path: string, server: string): string {
  const line = socat(path, 'show stat').split('\n').find((l) => l.startsWith(`app,${server},`)) ?? '';
  return line.split(',')[17];
}

test('hatop shows the servers and its hotkeys disable/enable/reweight a server', { skip }, async () => {
  const dir = tempDir();
  const srv = await startCliServer(dir, CONFIG);
  const sock = join(dir, 'admin');
  const tmux = new TmuxSession(`hatop -s ${sock} -i 1`);
  try {
    const screen = await pollUntil(() => { const s = tmux.capture(); return /\napp2 +1 /.test(s) ? s : ''; }, 'hatop server rows', 10000);
    assert.match(screen, /Fulcrum Version: \d+\.\d+\.\d+/);
    assert.match(screen, /\n>>> app\n/);
    assert.match(screen, /\nBACKEND +2 UP /);
    // The cursor starts on the proxy line; one step down selects app1.
    tmux.keys('Down');
    tmux.keys('F10');
    await pollUntil(() => statusOf(sock, 'app1') === 'MAINT', 'app1 in MAINT after F10', 8000);
    await pollUntil(() => /\napp1 +1 MAINT /.test(tmux.capture()), 'hatop shows MAINT', 8000);
    tmux.keys('F9');
    await pollUntil(() => statusOf(sock, 'app1') === 'no check', 'app1 back after F9', 8000);
    tmux.keys('F8');
    await pollUntil(() => socat(sock, 'get weight app/app1') === '11 (initial 1)\n\n', 'weight +10 after F8', 8000);
    tmux.keys('q');
  } finally {
    tmux.kill();
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hatop against bin/fulcrum: rows, F10 puts the server in MAINT, F9 back', { skip }, async () => {
  const [fePort, s1, s2] = await freePorts(3);
  const fp = await startFulcrum(`
global
    stats socket {{DIR}}/admin level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend main
    bind 127.0.0.1:${fePort}
    default_backend app
backend app
    server app1 127.0.0.1:${s1}
    server app2 127.0.0.1:${s2}
`, { waitSocket: '{{DIR}}/admin' });
  const sock = join(fp.dir, 'admin');
  const tmux = new TmuxSession(`hatop -s ${sock} -i 1`);
  try {
    await pollUntil(() => /\napp2 +1 /.test(tmux.capture()), 'hatop server rows', 10000);
    assert.match(tmux.capture(), /\n>>> main\n/);
    // Lines: '>>> main', FRONTEND, blank, '>>> app', app1: the cursor starts on the first.
    tmux.keys('Down', 'Down', 'Down', 'Down');
    tmux.keys('F10');
    await pollUntil(() => statusOf(sock, 'app1') === 'MAINT', 'app1 in MAINT after F10', 8000);
    await fp.waitForOutput(/Server app\/app1 is going DOWN for maintenance\./);
    tmux.keys('F9');
    await pollUntil(() => statusOf(sock, 'app1') === 'no check', 'app1 back after F9', 8000);
    tmux.keys('q');
  } finally {
    tmux.kill();
    await fp.stop();
  }
});
