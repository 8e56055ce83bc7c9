/**
 * The stats page served by Fulcrum (`stats enable/uri/auth/realm/refresh/admin/scope/
 * hide-version/show-node`, `;csv`, `;json`, `;norefresh`, admin POSTs), checked over HTTP
 * and, when /usr/sbin/haproxy is installed, against HAProxy 2.6.12 on the same config
 * (status lines, header names and order, redirect targets).
 */

import test from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { cliCommand, freePorts, pollUntil, startFulcrum, tempDir } from '../harness';
import { fetchHttp, haveHaproxy, startHaproxy, type Fetched } from './helpers';

function config(statsPort: number, s1: number, s2: number, sock: string, extra = ''): string {
  return `global
    stats socket ${sock} level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    log stderr format raw local0
    option httplog
listen stats
    bind 127.0.0.1:${statsPort}
    stats enable
    stats uri /
    stats refresh 10s
    stats admin if TRUE
    stats auth admin:pw
${extra}backend app
    server s1 127.0.0.1:${s1} check inter 1s
    server s2 127.0.0.1:${s2}
`;
}

const statusOf = async (sock: string, srv: string): Promise<string> => {
  const csv = await cliCommand(sock, 'show stat');
  const line = csv.split('\n').find((l) => l.startsWith(`app,${srv},`));
  return line ? line.split(',')[17] : '';
};

test('stats page: auth, HTML rows, refresh header, ;csv, ;json, admin POST, <STATS> LR-- log lines', async () => {
  const [port, s1, s2] = await freePorts(3);
  const f = await startFulcrum(config(port, s1, s2, '{{DIR}}/s.sock'), { waitPort: port });
  const sock = `${f.dir}/s.sock`;
  try {
    const denied = await fetchHttp(port, '/');
    assert.equal(denied.status, 401);
    assert.equal(denied.headers['www-authenticate'], 'Basic realm="HAProxy Statistics"');
    assert.equal((await fetchHttp(port, '/', { auth: 'admin:wrong' })).status, 401);

    const page = await fetchHttp(port, '/', { auth: 'admin:pw' });
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html');
    assert.equal(page.headers.refresh, '10');
    assert.equal(page.headers['transfer-encoding'], 'chunked');
    assert.match(page.body, /<tr class="active_no_check"><td><input class='app-checkbox' type="checkbox" name="s" value="s2"><\/td>/);
    assert.match(page.body, /<option value="maint">Set state to MAINT<\/option>/);
    await pollUntil(async () => (await fetchHttp(port, '/;norefresh', { auth: 'admin:pw' })).body.includes('<tr class="active_down">'), 's1 row turns active_down', 8000);
    const nr = await fetchHttp(port, '/;norefresh', { auth: 'admin:pw' });
    assert.equal(nr.headers.refresh, undefined);

    const csv = await fetchHttp(port, '/;csv', { auth: 'admin:pw' });
    assert.equal(csv.headers['content-type'], 'text/plain');
    const cliCsv = await cliCommand(sock, 'show stat');
    assert.equal(csv.body.split('\n')[0], cliCsv.split('\n')[0]);
    assert.deepEqual(csv.body.split('\n').map((l) => l.split(',').slice(0, 2).join(',')), cliCsv.split('\n').slice(0, -1).map((l) => l.split(',').slice(0, 2).join(',')));
    const json = await fetchHttp(port, '/;json', { auth: 'admin:pw' });
    assert.equal(json.headers['content-type'], 'application/json');
    const rows = JSON.parse(json.body) as { field: { name: string }; value: { value: unknown } }[][];
    assert.ok(rows.some((r) => r.some((x) => x.field.name === 'svname' && x.value.value === 's2')));

    // Admin POST: maint, then ready, then an unknown server and an unknown action.
    const post = (body: string, path = '/'): Promise<Fetched> => fetchHttp(port, path, { method: 'POST', auth: 'admin:pw', body });
    let r = await post('s=s2&action=maint&b=%23' + (await cliCommand(sock, 'show stat')).split('\n').find((l) => l.startsWith('app,BACKEND'))!.split(',')[27]);
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, '/;st=DONE');
    assert.equal(await statusOf(sock, 's2'), 'MAINT');
    await f.waitForOutput(/Server app\/s2 is going DOWN for maintenance\./);
    r = await post('s=s2&action=ready&b=app', '/;norefresh');
    assert.equal(r.headers.location, '/;st=DONE;norefresh');
    assert.equal(await statusOf(sock, 's2'), 'no check');
    await f.waitForOutput(/Server app\/s2 is UP\/READY \(leaving forced maintenance\)\./);
    r = await post('s=s2&action=drain&b=app');
    assert.equal(await statusOf(sock, 's2'), 'DRAIN');
    r = await post('s=s2&action=weight&weight=7&b=app');
    assert.equal(r.headers.location, '/;st=DONE');
    assert.equal((await cliCommand(sock, 'get weight app/s2')).trim(), '7 (initial 1)');
    assert.equal((await post('s=zz&action=maint&b=app')).headers.location, '/;st=ERRP');
    assert.equal((await post('s=s2&action=bogus&b=app')).headers.location, '/;st=ERRP');
    assert.equal((await post('s=s2&s=zz&action=ready&b=app')).headers.location, '/;st=PART');
    assert.equal((await post('action=ready&b=app')).headers.location, '/;st=NONE');
    const done = await fetchHttp(port, '/;st=DONE', { auth: 'admin:pw' });
    assert.match(done.body, /<div class=active_up><a class=lfsb href="\/" title="Remove this message">\[X\]<\/a> Action processed successfully\.<\/div>/);

    // Every answer is intercepted: logged as <proxy>/<STATS> with LR--.
    await f.waitForOutput(/\] stats stats\/<STATS> \d+\/0\/0\/0\/\d+ 303 \d+ - - LR-- .* "POST \/;norefresh HTTP\/1\.1"/);
    await f.waitForOutput(/\] stats stats\/<STATS> \d+\/0\/0\/0\/\d+ 200 \d+ - - LR-- .* "GET \/;csv HTTP\/1\.1"/);
  } finally {
    await f.stop();
  }
});

test('stats page: realm, hide-version, show-node, scope, prefix match, admin denied, Patroni-style listen', async () => {
  const [port, port2, s1, s2] = await freePorts(4);
  const extra = `listen stats2
    bind 127.0.0.1:${port2}
    stats uri /st
    stats realm My\\ Realm
    stats auth u:p
    stats hide-version
    stats show-node n1
    stats scope app
    stats admin if { src 10.9.9.9 }
`;
  const f = await startFulcrum(config(port, s1, s2, '{{DIR}}/s.sock', extra), { waitPort: port2 });
  try {
    assert.equal((await fetchHttp(port2, '/st')).headers['www-authenticate'], 'Basic realm="My Realm"');
    const p = await fetchHttp(port2, '/stx?x', { auth: 'u:p' });
    assert.equal(p.status, 200);
    assert.match(p.body, /<title>Statistics Report for [A-Za-z]+ on n1<\/title>/);
    assert.doesNotMatch(p.body, /version \d/);
    assert.match(p.body, /<a class=px href="#app">app<\/a>/);
    assert.doesNotMatch(p.body, /<a class=px href="#stats">/);
    assert.doesNotMatch(p.body, /type="checkbox"/);
    const csv = await fetchHttp(port2, '/st;csv', { auth: 'u:p' });
    assert.deepEqual(csv.body.trim().split('\n').slice(1).map((l) => l.split(',')[0]), ['app', 'app', 'app']);
    const post = await fetchHttp(port2, '/st', { method: 'POST', auth: 'u:p', body: 's=s2&action=maint&b=app' });
    assert.equal(post.headers.location, '/st;st=DENY');
    // Not the stats URI: the request goes on to the (server-less) listen backend.
    assert.equal((await fetchHttp(port2, '/other', { auth: 'u:p' })).status, 503);
  } finally {
    await f.stop();
  }
});

test('stats http-request rules: deny (403, logged 400 PR--), allow, auth realm (401, logged 400 LR--); auth + http-request refused', async () => {
  const [port] = await freePorts(1);
  const cfg = (auth: string): string => `defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    log stderr format raw local0
    option httplog
listen stats
    bind 127.0.0.1:${port}
    stats uri /
${auth}    stats http-request deny if { path_end ;csv }
    stats http-request allow if { path_end ;json }
    stats http-request auth realm Zone if { path_end ;up }
`;
  const f = await startFulcrum(cfg(''), { waitPort: port });
  try {
    assert.equal((await fetchHttp(port, '/;csv')).status, 403);
    assert.equal((await fetchHttp(port, '/;json')).status, 200);
    const a = await fetchHttp(port, '/;up');
    assert.equal(a.status, 401);
    assert.equal(a.headers['www-authenticate'], 'Basic realm="Zone"');
    assert.equal((await fetchHttp(port, '/')).status, 200);
    await f.waitForOutput(/stats stats\/<STATS> \S+ 400 \d+ - - PR-- .* "GET \/;csv HTTP\/1\.1"/);
    await f.waitForOutput(/stats stats\/<STATS> \S+ 400 \d+ - - LR-- .* "GET \/;up HTTP\/1\.1"/);
  } finally {
    await f.stop();
  }
  const { runFulcrum, writeFile, tempDir: td } = await import('../harness');
  const dir = td();
  const r = await runFulcrum(['-c', '-f', writeFile(dir, 'c.cfg', cfg('    stats auth a:b\n'))]);
  assert.equal(r.code, 1);
  rmSync(dir, { recursive: true, force: true });
  assert.match(r.stderr, /config : proxy 'stats': stats 'auth'\/'realm' and 'http-request' can't be used at the same time\./);
});

test('stats page answers like HAProxy 2.6 (status, header names in order, locations)', { skip: haveHaproxy ? false : 'haproxy not installed' }, async () => {
  const [hp, fp, s1, s2] = await freePorts(4);
  const dir = tempDir();
  const h = await startHaproxy(dir, config(hp, s1, s2, `${dir}/h.sock`), hp);
  const f = await startFulcrum(config(fp, s1, s2, '{{DIR}}/s.sock'), { waitPort: fp });
  try {
    const shape = (r: Fetched): string => `${r.status} ${r.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase()).join(',')} ${r.headers.location ?? ''} ${r.headers['www-authenticate'] ?? ''} ${r.headers.refresh ?? ''}`;
    const cases: [string, { method?: string; body?: string; auth?: string; headers?: Record<string, string> }][] = [
      ['/', {}],
      ['/', { auth: 'admin:pw' }],
      ['/;csv', { auth: 'admin:pw' }],
      ['/;json;norefresh', { auth: 'admin:pw' }],
      ['/;csv', { auth: 'admin:pw', headers: { connection: 'close' } }],
      ['/', { method: 'POST', auth: 'admin:pw', body: 's=s2&action=maint&b=app' }],
      ['/;norefresh', { method: 'POST', auth: 'admin:pw', body: 's=s2&action=ready&b=app' }],
      ['/', { method: 'POST', auth: 'admin:pw', body: 's=nope&action=ready&b=app' }],
    ];
    for (const [path, o] of cases) {
      assert.equal(shape(await fetchHttp(fp, path, o)), shape(await fetchHttp(hp, path, o)), `${o.method ?? 'GET'} ${path}`);
    }
    // The same page structure: proxies in order, row classes, admin checkboxes, actions offered.
    const structure = (html: string): string[] => [...html.matchAll(/<a class=px href="#([^"]+)"|<tr class="([a-z_]+)">|<input class='([^']+)' type="checkbox" name="s" value="([^"]+)">|<option value="([a-z]+)">/g)].map((m) => m.slice(1).filter((x) => x !== undefined).join(' '));
    for (const target of [`${f.dir}/s.sock`, `${dir}/h.sock`]) await pollUntil(async () => (await statusOf(target, 's1')) === 'DOWN', `s1 DOWN on ${target}`, 8000);
    const hs = structure((await fetchHttp(hp, '/;norefresh', { auth: 'admin:pw' })).body);
    const fs = structure((await fetchHttp(fp, '/;norefresh', { auth: 'admin:pw' })).body).filter((x) => x !== 'weight');
    assert.deepEqual(fs, hs);
    // Cell by cell for the backend table (attributes and texts, numbers masked, tooltips left out).
    const cells = (page: string): string[] => {
      const t = page.slice(page.indexOf('<a class=px href="#app">'));
      return [...t.replace(/<div class=tips>.*?<\/div>/gs, '').matchAll(/<tr class="([a-z_]+)">(.*?)(?=<tr|<\/table>)/gs)]
        .map((m) => `${m[1]}: ${[...m[2].matchAll(/<t[dh]([^>]*)>(.*?)<\/t[dh]>/gs)].map((c) => `${c[1].trim()}=${c[2].replace(/<[^>]+>/g, '')}`).join('|').replace(/\d+/g, '#')}`);
    };
    const hc = cells((await fetchHttp(hp, '/;norefresh', { auth: 'admin:pw' })).body);
    const fc = cells((await fetchHttp(fp, '/;norefresh', { auth: 'admin:pw' })).body);
    assert.deepEqual(fc, hc);
    // The same server states afterwards.
    const states = async (target: string): Promise<string[]> => (await cliCommand(target, 'show stat')).split('\n').filter((l) => l.startsWith('app,s')).map((l) => l.split(',').slice(0, 2).concat(l.split(',')[17]).join(','));
    assert.deepEqual(await states(`${f.dir}/s.sock`), await states(`${dir}/h.sock`));
  } finally {
    await f.stop();
    await h.stop();
  }
});
