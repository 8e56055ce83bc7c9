/**
 * Cookie persistence, expected bytes and %tsc flags recorded from HAProxy 2.6.12 on loopback
 * with the same configurations: insert (+ nocache/httponly/secure/domain/attr), indirect,
 * prefix, rewrite, maxidle/maxlife dates, postonly, DRAIN, and a server going DOWN and back
 * with and without `option persist` / `option redispatch`.
 */

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { freePorts, startFulcrum, rawExchange, pollUntil, cliCommand, type FulcrumProcess } from '../harness';

interface Stub { name: string; port: number; server: http.Server; close(): Promise<void> }

/** A server answering `X-Srv: name`, echoing the Cookie it saw, and Set-Cookie / Cache-Control from the query. */
async function stub(name: string, port: number): Promise<Stub> {
  const server = http.createServer((q, r) => {
    const h: Record<string, string> = { 'X-Srv': name, 'X-Cookie': q.headers.cookie ?? '-' };
    const u = new URL(q.url ?? '/', 'http://x');
    const sc = u.searchParams.get('sc');
    if (sc) h['Set-Cookie'] = sc;
    const cc = u.searchParams.get('cc');
    if (cc) h['Cache-Control'] = cc;
    r.writeHead(200, h);
    r.end(name);
  });
  await new Promise<void>((res, rej) => { server.once('error', rej); server.listen(port, '127.0.0.1', res); });
  return { name, port, server, close: () => new Promise<void>((res) => { server.closeAllConnections(); server.close(() => res()); }) };
}

const procs: FulcrumProcess[] = [];
const stubs: Stub[] = [];
after(async () => {
  for (const p of procs) await p.stop();
  for (const s of stubs) await s.close().catch(() => undefined);
});

/** Sends one request; returns lowercased header lines (without Date) and the body. */
async function req(port: number, path: string, cookie?: string, method = 'GET'): Promise<{ headers: string[]; srv: string; seen: string; raw: string }> {
  const raw = await rawExchange(port, `${method} ${path} HTTP/1.1\r\nHost: x\r\n${cookie ? `Cookie: ${cookie}\r\n` : ''}${method === 'POST' ? 'Content-Length: 0\r\n' : ''}Connection: close\r\n\r\n`);
  const head = raw.split('\r\n\r\n')[0].split('\r\n').slice(1);
  const get = (n: string): string => head.find((l) => l.toLowerCase().startsWith(`${n}: `))?.slice(n.length + 2) ?? '';
  return { headers: head, srv: get('x-srv'), seen: get('x-cookie'), raw };
}
const setCookies = (h: string[]): string[] => h.filter((l) => /^set-cookie:/i.test(l)).map((l) => l.slice(12));
const cacheControls = (h: string[]): string[] => h.filter((l) => /^cache-control:/i.test(l)).map((l) => l.slice(15));

test('cookie modes: Set-Cookie bytes, stripping and %tsc as HAProxy 2.6.12', async () => {
  const [p1, p2, f1, f2, f3, f4, f5, f6] = await freePorts(8);
  const s1 = await stub('s1', p1);
  const s2 = await stub('s2', p2);
  stubs.push(s1, s2);
  const servers = `  server s1 127.0.0.1:${p1} cookie c1\n  server s2 127.0.0.1:${p2} cookie c2\n`;
  const fp = await startFulcrum(`
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
  log stdout format raw local0
  option httplog
frontend f1
  bind 127.0.0.1:${f1}
  default_backend b_ins
frontend f2
  bind 127.0.0.1:${f2}
  default_backend b_indirect
frontend f3
  bind 127.0.0.1:${f3}
  default_backend b_prefix
frontend f4
  bind 127.0.0.1:${f4}
  default_backend b_rewrite
listen f5
  bind 127.0.0.1:${f5}
  cookie SRV insert indirect maxidle 30m maxlife 8h
${servers}listen f6
  bind 127.0.0.1:${f6}
  cookie SRV insert nocache postonly
${servers}backend b_ins
  cookie SRV insert nocache httponly secure domain .a.com domain .b.com attr SameSite=Lax
${servers}backend b_indirect
  cookie SRV insert indirect nocache
${servers}backend b_prefix
  cookie JSESSIONID prefix
${servers}backend b_rewrite
  cookie JSESSIONID rewrite
${servers}`);
  procs.push(fp);
  await pollUntil(async () => new Promise<boolean>((r) => { const c = net.connect(f6, '127.0.0.1', () => { c.destroy(); r(true); }); c.on('error', () => r(false)); }), 'listener');

  const flags = '; path=/; domain=.a.com; domain=.b.com; HttpOnly; Secure; SameSite=Lax';
  // insert: no cookie -> inserted (NI); valid -> no Set-Cookie, server sees it (VN); invalid -> II.
  let r = await req(f1, '/');
  assert.deepEqual(setCookies(r.headers), [`SRV=c1${flags}`]);
  assert.deepEqual(cacheControls(r.headers), []);
  r = await req(f1, '/', 'SRV=c2');
  assert.equal(r.srv, 's2');
  assert.equal(r.seen, 'SRV=c2');
  assert.deepEqual(setCookies(r.headers), []);
  r = await req(f1, '/', 'a=1; SRV=zz; b=2');
  assert.equal(r.seen, 'a=1; SRV=zz; b=2');
  assert.deepEqual(setCookies(r.headers), [`SRV=${r.srv === 's1' ? 'c1' : 'c2'}${flags}`]);
  // The server's own SRV cookie is replaced by the inserted one.
  r = await req(f1, '/?sc=SRV%3Dserverval', 'SRV=zz');
  assert.deepEqual(setCookies(r.headers), [`SRV=${r.srv === 's1' ? 'c1' : 'c2'}${flags}`]);
  // nocache: a cacheable response gets Cache-control: private after the cookie; 'public' alone is not cacheable.
  r = await req(f1, '/?cc=max-age%3D60');
  assert.deepEqual(cacheControls(r.headers), ['max-age=60', 'private']);
  r = await req(f1, '/?cc=public');
  assert.deepEqual(cacheControls(r.headers), ['public']);

  // indirect: cookie removed from the request; the server's SRV cookie deleted on a direct hit (VD).
  r = await req(f2, '/', 'a=1; SRV=c2; b=2');
  assert.equal(r.srv, 's2');
  assert.equal(r.seen, 'a=1; b=2');
  r = await req(f2, '/?sc=SRV%3Dx', 'SRV=c2');
  assert.equal(r.seen, '-');
  assert.deepEqual(setCookies(r.headers), []);

  // prefix: server cookie prefixed (NR), prefix removed from the request (VN).
  r = await req(f3, '/?sc=JSESSIONID%3Dabc%3B%20path%3D%2F');
  assert.deepEqual(setCookies(r.headers), [`JSESSIONID=${r.srv === 's1' ? 'c1' : 'c2'}~abc; path=/`]);
  r = await req(f3, '/', 'x=1; JSESSIONID=c2~abc');
  assert.equal(r.srv, 's2');
  assert.equal(r.seen, 'x=1; JSESSIONID=abc');

  // rewrite: the server's cookie value becomes the server's cookie (NR); valid cookie kept (VN).
  r = await req(f4, '/?sc=JSESSIONID%3Dabc%3B%20path%3D%2F');
  assert.deepEqual(setCookies(r.headers), [`JSESSIONID=${r.srv === 's1' ? 'c1' : 'c2'}; path=/`]);
  r = await req(f4, '/', 'JSESSIONID=c2');
  assert.equal(r.srv, 's2');
  assert.equal(r.seen, 'JSESSIONID=c2');

  // maxidle/maxlife: dates appended; a dateless valid cookie is refreshed (VU); an expired one is ignored (E).
  r = await req(f5, '/');
  const sc = setCookies(r.headers);
  assert.match(sc[0], /^SRV=c[12]\|[A-Za-z0-9+/]{5}\|[A-Za-z0-9+/]{5}; path=\/$/);
  r = await req(f5, '/', 'SRV=c2');
  assert.equal(r.srv, 's2');
  assert.match(setCookies(r.headers)[0], /^SRV=c2\|/);
  // last date = 4 (1970), no first date: expired by maxidle (E).
  r = await req(f5, '/', 'SRV=c2|AAAAB');
  assert.match(setCookies(r.headers)[0], /^SRV=c[12]\|/);
  // A cookie just issued is used without a new Set-Cookie.
  const fresh = sc[0].split(';')[0].slice(4);
  r = await req(f5, '/', `SRV=${fresh}`);
  assert.equal(r.srv, fresh.startsWith('c1') ? 's1' : 's2');

  // postonly: GET gets no cookie, POST does.
  r = await req(f6, '/');
  assert.deepEqual(setCookies(r.headers), []);
  r = await req(f6, '/', undefined, 'POST');
  assert.equal(setCookies(r.headers).length, 1);

  await fp.waitForOutput(/f6\/s[12] .* --NI .*"POST/);
  const log = fp.stdout;
  for (const re of [/f1 b_ins\/s1 .* --NI /, /f1 b_ins\/s2 .* --VN /, /b_ins\/s[12] .* --II .*"GET \/ HTTP/, /f2 b_indirect\/s2 .* --VN /,
    /f2 b_indirect\/s2 .* --VD /, /f3 b_prefix\/s[12] .* --NR /, /f4 b_rewrite\/s[12] .* --NR /, /f5\/s2 .* --VU /, /f5\/s[12] .* --EI /, /f6\/s[12] .* --NN /]) {
    assert.match(log, re);
  }
});

test('persistence across a server going DOWN and back, option persist / redispatch, DRAIN', async () => {
  const [p1, p2, fa, fb, fc, sock] = await freePorts(6);
  let s1 = await stub('s1', p1);
  const s2 = await stub('s2', p2);
  stubs.push(s2);
  const servers = `  server s1 127.0.0.1:${p1} cookie c1 check inter 100 fall 1 rise 1\n  server s2 127.0.0.1:${p2} cookie c2 check inter 100 fall 1 rise 1\n`;
  const fp = await startFulcrum(`
global
  stats socket 127.0.0.1:${sock} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
  log stdout format raw local0
  option httplog
  retries 2
listen redisp
  bind 127.0.0.1:${fa}
  cookie SRV insert indirect
  option redispatch
${servers}listen persist
  bind 127.0.0.1:${fb}
  cookie SRV insert indirect
  option persist
  option redispatch
${servers}listen persist_noredisp
  bind 127.0.0.1:${fc}
  cookie SRV insert indirect
  option persist
${servers}`);
  procs.push(fp);
  await pollUntil(async () => (await req(fa, '/', 'SRV=c1')).srv === 's1', 'proxy up');

  // s1 goes DOWN.
  await s1.close();
  await pollUntil(async () => /Server redisp\/s1 is DOWN/.test(fp.stderr) && /Server persist\/s1 is DOWN/.test(fp.stderr) && /persist_noredisp\/s1 is DOWN/.test(fp.stderr), 's1 DOWN', 8000);
  // Without option persist: the cookie is ignored (D), s2 serves and a new cookie is inserted.
  let r = await req(fa, '/', 'SRV=c1');
  assert.equal(r.srv, 's2');
  assert.deepEqual(setCookies(r.headers), ['SRV=c2; path=/']);
  // option persist + redispatch: s1 is tried, then the request is redispatched to s2 (retried once).
  r = await req(fb, '/', 'SRV=c1');
  assert.equal(r.srv, 's2');
  assert.deepEqual(setCookies(r.headers), ['SRV=c2; path=/']);
  // option persist without redispatch: the dead server keeps the request -> 503.
  r = await req(fc, '/', 'SRV=c1');
  assert.match(r.raw, /^HTTP\/1\.1 503 /);

  // s1 back: the old cookie leads to it again.
  s1 = await stub('s1', p1);
  stubs.push(s1);
  await pollUntil(async () => (fp.stderr.match(/\/s1 is UP/g) ?? []).length >= 3, 's1 UP', 8000);
  r = await req(fa, '/', 'SRV=c1');
  assert.equal(r.srv, 's1');
  assert.deepEqual(setCookies(r.headers), []);

  // DRAIN: persistent traffic still reaches s1, new clients never do.
  await cliCommand(sock, 'set server redisp/s1 state drain');
  for (let i = 0; i < 4; i++) assert.equal((await req(fa, '/')).srv, 's2');
  assert.equal((await req(fa, '/', 'SRV=c1')).srv, 's1');
  // MAINT: the cookie is ignored.
  await cliCommand(sock, 'set server redisp/s1 state maint');
  assert.equal((await req(fa, '/', 'SRV=c1')).srv, 's2');

  await fp.waitForOutput(/redisp\/s2 .* --DI .*/);
  assert.match(fp.stdout, / persist\/s2 \S+ 200 .* --DI \S+\/\+1 /);
  assert.match(fp.stdout, /persist_noredisp\/s1 \S+ 503 .* SC/);
  assert.match(fp.stdout, /redisp\/s1 .* --VN /);
});

test('force-persist / ignore-persist (same routing and %tsc as HAProxy 2.6.12)', async () => {
  const [p1, p2, p3, fe] = await freePorts(4);
  const s1 = await stub('s1', p1);
  const s2 = await stub('s2', p2);
  stubs.push(s1, s2);
  const fp = await startFulcrum(`
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
  log stdout format raw local0
  option httplog
  retries 1
listen l
  bind 127.0.0.1:${fe}
  cookie SRV insert indirect
  force-persist if { path_beg /f }
  ignore-persist if { path_beg /i }
  server s1 127.0.0.1:${p1} cookie c1
  server s2 127.0.0.1:${p2} cookie c2
  server s3 127.0.0.1:${p3} cookie c3 check inter 1h
`);
  procs.push(fp);
  await fp.waitForOutput(/Server l\/s3 is DOWN/);
  // ignore-persist: the cookie is not used (U) and no cookie is inserted.
  const seen = new Set<string>();
  for (let i = 0; i < 2; i++) {
    const r = await req(fe, '/i', 'SRV=c2');
    seen.add(r.srv);
    assert.deepEqual(setCookies(r.headers), []);
  }
  assert.deepEqual([...seen].sort(), ['s1', 's2']);
  // force-persist: the DOWN server is used anyway (no redispatch here -> 503).
  assert.match((await req(fe, '/f', 'SRV=c3')).raw, /^HTTP\/1\.1 503 /);
  // Neither: the cookie to the DOWN server is ignored (D) and a new one inserted.
  const r = await req(fe, '/n', 'SRV=c3');
  assert.deepEqual(setCookies(r.headers), [`SRV=${r.srv === 's1' ? 'c1' : 'c2'}; path=/`]);
  await fp.waitForOutput(/ l\/s[12] .* --DI .*"GET \/n/);
  assert.equal((fp.stdout.match(/ --UN .*"GET \/i /g) ?? []).length, 2);
  assert.match(fp.stdout, / l\/s3 \S+ 503 .* SCDN .*"GET \/f /);
});

test('dynamic cookies: values and runtime API as HAProxy 2.6.12', async () => {
  const [p1, p2, fe, sock] = await freePorts(4);
  const s1 = await stub('s1', p1);
  const s2 = await stub('s2', p2);
  stubs.push(s1, s2);
  const { xxh64 } = await import('../../../src/persist/xxh64');
  const expect = (key: string, port: number): string => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(port);
    return xxh64(Buffer.concat([Buffer.from(key), Buffer.from([127, 0, 0, 1]), b])).toString(16).padStart(16, '0');
  };
  const fp = await startFulcrum(`
global
  stats socket 127.0.0.1:${sock} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
listen l1
  bind 127.0.0.1:${fe}
  balance first
  cookie SRV insert dynamic
  dynamic-cookie-key mykey
  server s1 127.0.0.1:${p1}
  server s2 127.0.0.1:${p2} cookie fixed
`);
  procs.push(fp);
  await pollUntil(async () => (await req(fe, '/').catch(() => ({ srv: '' }))).srv === 's1', 'proxy up');
  let r = await req(fe, '/');
  assert.deepEqual(setCookies(r.headers), [`SRV=${expect('mykey', p1)}; path=/`]);
  assert.equal((await req(fe, '/', 'SRV=fixed')).srv, 's2');
  assert.equal((await req(fe, '/', `SRV=${expect('mykey', p2)}`)).srv, 's1');
  // Disabled: the server has no cookie any more (removal cookie, as HAProxy).
  assert.equal(await cliCommand(sock, 'disable dynamic-cookie backend l1'), '\n');
  r = await req(fe, '/');
  assert.deepEqual(setCookies(r.headers), ['SRV=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/']);
  await cliCommand(sock, 'enable dynamic-cookie backend l1');
  await cliCommand(sock, 'set dynamic-cookie-key backend l1 other');
  r = await req(fe, '/');
  assert.deepEqual(setCookies(r.headers), [`SRV=${expect('other', p1)}; path=/`]);
  assert.equal(await cliCommand(sock, 'set dynamic-cookie-key backend nope x'), 'No such backend.\n\n');
  assert.equal(await cliCommand(sock, 'enable dynamic-cookie backend'), 'A backend name is expected.\n\n');
  assert.equal(await cliCommand(sock, 'set dynamic-cookie-key backend l1'), 'String value expected.\n\n');
});
