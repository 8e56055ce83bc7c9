/**
 * Servers resolved at run time through a `resolvers` section pointing at the test's own DNS
 * responder on 127.0.0.1: changing the answer moves traffic within `hold valid`; a
 * server-template fills its slots from A answers (unused slots MAINT (resolution)) or from SRV
 * answers (ports from the records); NXDOMAIN past `hold nx` puts the server in maintenance.
 * Log lines and `show resolvers` layout as HAProxy 2.6.12 prints them.
 */

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { freePorts, startFulcrum, pollUntil, cliCommand, httpGet, type FulcrumProcess } from '../harness';
import { startDnsServer, type DnsServer } from './dns-server';

const closers: (() => Promise<void>)[] = [];
after(async () => { for (const c of closers.reverse()) await c().catch(() => undefined); });

/** An HTTP server on host:port answering its name. */
async function stub(name: string, host: string, port: number): Promise<void> {
  const s = http.createServer((_q, r) => { r.writeHead(200, { 'X-Srv': name }); r.end(name); });
  await new Promise<void>((res, rej) => { s.once('error', rej); s.listen(port, host, res); });
  closers.push(() => new Promise<void>((res) => { s.closeAllConnections(); s.close(() => res()); }));
}

async function start(dns: DnsServer, sock: number, body: string): Promise<FulcrumProcess> {
  const fp = await startFulcrum(`
global
  stats socket 127.0.0.1:${sock} level admin
resolvers r
  nameserver ns1 127.0.0.1:${dns.port}
  hold valid 200ms
  hold obsolete 0s
  hold nx 300ms
  hold timeout 300ms
  resolve_retries 2
  timeout resolve 100ms
  timeout retry 200ms
  accepted_payload_size 1232
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
  log stdout format raw local0
${body}`);
  closers.push(() => fp.stop());
  return fp;
}

test('A answers: changing the answer moves traffic; NX past hold nx -> MAINT', async () => {
  const [port, fe, sock] = await freePorts(3);
  await stub('one', '127.0.0.1', port);
  await stub('two', '127.0.0.2', port);
  const dns = await startDnsServer();
  closers.push(() => dns.close());
  dns.set('app.test', 'A', ['127.0.0.1']);
  const fp = await start(dns, sock, `listen l1
  bind 127.0.0.1:${fe}
  server app app.test:${port} resolvers r resolve-prefer ipv4 init-addr none
`);
  // Starts in MAINT (resolution), then gets its address from the DNS.
  await fp.waitForOutput(/l1\/app changed its IP from \(none\) to 127\.0\.0\.1 by r\/ns1\./);
  await fp.waitForOutput(/Server l1\/app \('app\.test'\) is UP\/READY \(resolves again\)\./);
  await fp.waitForOutput(/Server l1\/app administratively READY thanks to valid DNS answer\./);
  assert.equal((await httpGet(fe, '/')).headers['x-srv'], 'one');

  dns.set('app.test', 'A', ['127.0.0.2']);
  await pollUntil(async () => (await httpGet(fe, '/')).headers['x-srv'] === 'two', 'traffic on the new address', 5000, 50);
  await fp.waitForOutput(/l1\/app changed its IP from 127\.0\.0\.1 to 127\.0\.0\.2 by r\/ns1\./);

  const sr = await cliCommand(sock, 'show resolvers');
  assert.match(sr, /^Resolvers section r\n nameserver ns1:\n  sent:        \d+\n  snd_error:   0\n  valid:       \d+\n  update:      \d+\n  cname:       0\n  cname_error: 0\n  any_err:     0\n  nx:          0\n  timeout:     0\n  refused:     0\n  other:       0\n  invalid:     0\n  too_big:     0\n  truncated:   0\n  outdated:    \d+\n/);
  assert.ok(Number(/update:\s+(\d+)/.exec(sr)![1]) >= 2);
  assert.match(await cliCommand(sock, 'show resolvers nope'), /Can't find that resolvers section/);

  dns.rcode('app.test', 3);
  await fp.waitForOutput(/Server l1\/app is going DOWN for maintenance \(DNS NX status\)\. 0 active and 0 backup servers left\./, 5000);
  const stat = await cliCommand(sock, 'show stat');
  assert.match(stat, /^l1,app,.*MAINT \(resolution\)/m);
  assert.equal((await httpGet(fe, '/')).status, 503);
  assert.match(await cliCommand(sock, 'show resolvers r'), /nx:          [1-9]/);

  dns.rcode('app.test', undefined);
  await pollUntil(async () => (await httpGet(fe, '/')).headers['x-srv'] === 'two', 'back after NX', 5000, 50);

  // set server fqdn: the address is kept until the new name resolves (as 2.6.12).
  dns.set('other.test', 'A', ['127.0.0.1']);
  assert.equal(await cliCommand(sock, 'set server l1/app fqdn other.test'), "l1/app changed its FQDN from app.test to other.test by 'stats socket command'\n\n");
  await fp.waitForOutput(/l1\/app changed its IP from 127\.0\.0\.2 to 127\.0\.0\.1 by r\/ns1\./);
  assert.equal((await httpGet(fe, '/')).headers['x-srv'], 'one');
  assert.match(await cliCommand(sock, 'show servers state l1'), / app 127\.0\.0\.1 .* other\.test /);
  assert.equal(await cliCommand(sock, 'set server l1/app fqdn'), 'set server <b>/<s> fqdn requires a FQDN.\n\n');
  assert.equal(await cliCommand(sock, 'set server l1/app fqdn bad_name!'), "invalid fqdn 'bad_name!' by 'stats socket command'\n\n");
});

test('server-template from A and SRV answers', async () => {
  const [port, p2, fe1, fe2, sock] = await freePorts(5);
  await stub('a', '127.0.0.1', port);
  await stub('b', '127.0.0.2', port);
  await stub('c', '127.0.0.3', port);
  await stub('srv-b', '127.0.0.1', p2);
  const dns = await startDnsServer();
  closers.push(() => dns.close());
  dns.set('tpl.test', 'A', ['127.0.0.1', '127.0.0.2']);
  dns.set('_http._tcp.svc.test', 'SRV', [{ priority: 0, weight: 10, port, target: 'x.svc.test' }, { priority: 0, weight: 512, port: p2, target: 'y.svc.test' }]);
  dns.set('x.svc.test', 'A', ['127.0.0.3']);
  dns.set('y.svc.test', 'A', ['127.0.0.1']);
  const fp = await start(dns, sock, `listen l2
  bind 127.0.0.1:${fe1}
  balance roundrobin
  server-template web 3 tpl.test:${port} resolvers r resolve-prefer ipv4 init-addr none
listen l3
  bind 127.0.0.1:${fe2}
  balance roundrobin
  server-template sv 1-3 _http._tcp.svc.test resolvers r resolve-prefer ipv4 init-addr none
`);
  await fp.waitForOutput(/l2\/web2 changed its IP from \(none\) to 127\.0\.0\.2 by DNS cache\./);
  const stat = await cliCommand(sock, 'show stat');
  assert.match(stat, /^l2,web1,.*,no check,/m);
  assert.match(stat, /^l2,web3,.*,MAINT \(resolution\),/m);
  const seen = new Set<string>();
  for (let i = 0; i < 6; i++) seen.add(String((await httpGet(fe1, '/')).headers['x-srv']));
  assert.deepEqual([...seen].sort(), ['a', 'b']);

  // A third address fills the third slot.
  dns.set('tpl.test', 'A', ['127.0.0.1', '127.0.0.2', '127.0.0.3']);
  await fp.waitForOutput(/l2\/web3 changed its IP from \(none\) to 127\.0\.0\.3 by r\/ns1\./);
  await pollUntil(async () => {
    const s = new Set<string>();
    for (let i = 0; i < 6; i++) s.add(String((await httpGet(fe1, '/')).headers['x-srv']));
    return s.size === 3;
  }, 'three servers in use', 5000, 50);
  // Back to one address: two slots go to maintenance.
  dns.set('tpl.test', 'A', ['127.0.0.2']);
  await fp.waitForOutput(/Server l2\/web1 is going DOWN for maintenance \(No IP for server \)\./);
  await fp.waitForOutput(/Server l2\/web3 is going DOWN for maintenance \(No IP for server \)\./);
  for (let i = 0; i < 4; i++) assert.equal((await httpGet(fe1, '/')).headers['x-srv'], 'b');

  // SRV: each record gives a slot its target and port; the third slot stays in maintenance.
  await fp.waitForOutput(/l3\/sv1 changed its FQDN from \(null\) to x\.svc\.test by 'SRV record'/);
  await fp.waitForOutput(/l3\/sv2 changed its FQDN from \(null\) to y\.svc\.test by 'SRV record'/);
  await pollUntil(async () => {
    const s = new Set<string>();
    for (let i = 0; i < 6; i++) s.add(String((await httpGet(fe2, '/')).headers['x-srv']));
    return s.has('c') && s.has('srv-b');
  }, 'both SRV targets in use', 5000, 50);
  assert.match(await cliCommand(sock, 'show stat'), /^l3,sv3,.*,MAINT \(resolution\),/m);
  assert.equal(await cliCommand(sock, 'set server l3/sv1 fqdn x.test'), 'set server <b>/<s> fqdn failed because SRV resolution is configured.\n\n');
  // SRV weights become server weights: 10 -> 1, 512 -> 3 (weight / 256 + 1).
  const state = await cliCommand(sock, 'show servers state l3');
  assert.match(state, /^\d+ l3 \d+ sv1 127\.0\.0\.3 2 0 1 /m);
  assert.match(state, /^\d+ l3 \d+ sv2 127\.0\.0\.1 2 0 3 /m);
});

test('config: resolvers section errors and unknown resolvers reference', async () => {
  const { runFulcrum, tempDir, writeFile } = await import('../harness');
  const dir = tempDir();
  const bad = writeFile(dir, 'bad.cfg', `
resolvers r
  nameserver ns1 127.0.0.1:53
  hold bogus 1s
backend b
  server s1 app.test:80 resolvers nope init-addr none
  server-template t 0 app.test:80
`);
  const r = await runFulcrum(['-c', '-f', bad]);
  assert.notEqual(r.code, 0);
  // Messages as haproxy 2.6.12 -c prints them for the same file.
  assert.match(r.stderr, /parsing \[[^\]]+:4\] : 'hold' unknown <event>: 'bogus', expects either 'nx', 'timeout', 'valid', 'obsolete' or 'other'\./);
  assert.match(r.stderr, /config : \[[^\]]+:7\] : Wrong server-template number or range arg '0'\./);
  const bad2 = writeFile(dir, 'bad2.cfg', `
resolvers r
  nameserver ns1 127.0.0.1:53
  hold valid 1x
  timeout foo 1s
defaults
  timeout connect 1s
  timeout client 1s
  timeout server 1s
backend b
  server s1 app.test:80 resolvers nope init-addr none
  server s2 app.test:80 resolvers r init-addr bogus
  server s3 app.test:80 resolvers r resolve-prefer ipv5 init-addr none
`);
  const r2 = await runFulcrum(['-c', '-f', bad2]);
  assert.match(r2.stderr, /parsing \[[^\]]+:4\]: unexpected character 'x' in argument to <hold>\./);
  assert.match(r2.stderr, /parsing \[[^\]]+:5\] : 'timeout' expects 'retry' or 'resolve' and <time> as arguments got 'foo'\./);
  assert.match(r2.stderr, /config : \[[^\]]+:12\] : 'server b\/s2' : 'init-addr' : unknown init-addr method 'bogus', supported methods are 'libc', 'last', 'none'\.\./);
  assert.match(r2.stderr, /config : \[[^\]]+:13\] : 'server b\/s3' : 'resolve-prefer' expects either ipv4 or ipv6 as argument\.\./);
  const good = writeFile(dir, 'good.cfg', `
resolvers r
  nameserver ns1 127.0.0.1:53
  hold valid 5s
  timeout resolve 1s
  timeout retry 1s
  resolve_retries 3
defaults
  timeout connect 1s
  timeout client 1s
  timeout server 1s
backend b
  default-server resolvers r init-addr last,libc,none resolve-prefer ipv4 resolve-opts allow-dup-ip
  server-template t 1-3 app.test:80
  server s1 127.0.0.1:80 id 7
`);
  const g = await runFulcrum(['-c', '-f', good]);
  // Valid (exit 2 only because the file has no listener, as haproxy -c says for it).
  assert.match(g.stdout, /Configuration file has no error but will not start \(no listener\)/, g.stderr);
  assert.doesNotMatch(g.stderr, /ALERT/);
});

test('resolve-prefer: AAAA first by default, A with ipv4, fallback when a family is missing; resolve-net', async () => {
  const [port, fe1, fe2, fe3, fe4, sock] = await freePorts(6);
  await stub('v4', '127.0.0.1', port);
  await stub('v6', '::1', port);
  const dns = await startDnsServer();
  closers.push(() => dns.close());
  dns.set('dual.test', 'A', ['127.0.0.1']);
  dns.set('dual.test', 'AAAA', ['::1']);
  dns.set('only4.test', 'A', ['127.0.0.1']);
  dns.set('multi.test', 'A', ['127.0.0.2', '127.0.0.1']);
  const fp = await start(dns, sock, `listen rn
  bind 127.0.0.1:${fe4}
  server s multi.test:${port} resolvers r resolve-prefer ipv4 resolve-net 127.0.0.1/32 init-addr none
listen p6
  bind 127.0.0.1:${fe1}
  server s dual.test:${port} resolvers r init-addr none
listen p4
  bind 127.0.0.1:${fe2}
  server s dual.test:${port} resolvers r resolve-prefer ipv4 init-addr none
listen f4
  bind 127.0.0.1:${fe3}
  server s only4.test:${port} resolvers r init-addr none
`);
  await fp.waitForOutput(/p6\/s changed its IP from \(none\) to ::1 by r\/ns1\./);
  await fp.waitForOutput(/p4\/s changed its IP from \(none\) to 127\.0\.0\.1 by r\/ns1\./);
  await fp.waitForOutput(/f4\/s changed its IP from \(none\) to 127\.0\.0\.1 by r\/ns1\./);
  // resolve-net: the address in 127.0.0.1/32 wins over the first one of the answer.
  await fp.waitForOutput(/rn\/s changed its IP from \(none\) to 127\.0\.0\.1 by r\/ns1\./);
  assert.equal((await httpGet(fe1, '/')).headers['x-srv'], 'v6');
  assert.equal((await httpGet(fe2, '/')).headers['x-srv'], 'v4');
  assert.equal((await httpGet(fe3, '/')).headers['x-srv'], 'v4');
  assert.ok(dns.queries.includes('only4.test/28') && dns.queries.includes('only4.test/1'));
  assert.match(await cliCommand(sock, 'show resolvers'), /any_err:     [1-9]/);
});

test('no answer past hold timeout -> MAINT (DNS timeout status), back when answers return', async () => {
  const [port, fe, sock] = await freePorts(3);
  await stub('t', '127.0.0.1', port);
  const dns = await startDnsServer();
  closers.push(() => dns.close());
  dns.set('slow.test', 'A', ['127.0.0.1']);
  const fp = await start(dns, sock, `listen lt
  bind 127.0.0.1:${fe}
  server s slow.test:${port} resolvers r resolve-prefer ipv4 init-addr none
`);
  await fp.waitForOutput(/lt\/s changed its IP from \(none\) to 127\.0\.0\.1 by r\/ns1\./);
  dns.drop('slow.test', true);
  // resolve_retries 2 x timeout retry 200ms, then hold timeout 300ms since the last valid answer.
  await fp.waitForOutput(/Server lt\/s is going DOWN for maintenance \(DNS timeout status\)\. 0 active and 0 backup servers left\./, 5000);
  assert.equal((await httpGet(fe, '/')).status, 503);
  dns.drop('slow.test', false);
  await pollUntil(() => (fp.stdout.match(/Server lt\/s \('slow\.test'\) is UP\/READY \(resolves again\)\./g) ?? []).length === 2, 'second UP/READY', 5000);
  assert.equal((await httpGet(fe, '/')).headers['x-srv'], 't');
});

test('init-addr last: the address saved in the server-state file', async () => {
  const [port, fe, fe2, sock] = await freePorts(4);
  await stub('saved', '127.0.0.1', port);
  const dns = await startDnsServer();
  closers.push(() => dns.close());
  const { tempDir, writeFile } = await import('../harness');
  const dir = tempDir();
  writeFile(dir, 'state', `1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port\n2 ll 1 app 127.0.0.1 2 0 1 1 10 1 0 0 0 0 0 0 gone.test ${port} - 0 0 - - 0\n`);
  const fp = await startFulcrum(`
global
  stats socket 127.0.0.1:${sock} level admin
  server-state-file ${dir}/state
resolvers r
  nameserver ns1 127.0.0.1:${dns.port}
  hold valid 200ms
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
  load-server-state-from-file global
listen ll
  bind 127.0.0.1:${fe}
  server app gone.test:${port} resolvers r init-addr last,none
listen ln
  bind 127.0.0.1:${fe2}
  server app gone.test:${port} init-addr last,none
`);
  closers.push(() => fp.stop());
  await pollUntil(async () => (await httpGet(fe, '/').catch(() => ({ headers: {} as Record<string, string> }))).headers['x-srv'] === 'saved', `traffic to the saved address\n${fp.stderr}`, 5000, 50);
  assert.match(await cliCommand(sock, 'show servers state ll'), / app 127\.0\.0\.1 2 0 /);
  // Without an entry in the file the next method applies: none -> MAINT (resolution).
  assert.match(await cliCommand(sock, 'show servers state ln'), / app - 2 32 /);
});
