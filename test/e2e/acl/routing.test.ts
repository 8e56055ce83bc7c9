/**
 * Content switching through the real binary: named ACLs OR'ed across lines with -i, -f
 * pattern files, anonymous ACLs, ||, !, converters and maps
 * in conditions. Each backend is a stub that names itself in the body.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePorts, startFulcrum, startHttpStub, httpGet, writeFile, tempDir, cliCommand, type FulcrumProcess } from '../harness';

type Stub = Awaited<ReturnType<typeof startHttpStub>>;
let fp: FulcrumProcess;
let front: number;
let sock: string;
let lst: string;
const stubs: Stub[] = [];

before(async () => {
  const [p0] = await freePorts(1);
  front = p0;
  for (const name of ['static', 'api', 'app', 'admin', 'mapped']) stubs.push(await startHttpStub(name));
  const [sStatic, sApi, sApp, sAdmin, sMapped] = stubs.map((s) => s.port);
  const dir = tempDir();
  sock = `${dir}/stats.sock`;
  lst = writeFile(dir, 'api-hosts.lst', '# hosts served by the api backend\napi.example.com\n  API2.example.com  \n');
  const map = writeFile(dir, 'paths.map', '/m/one mapped\n/m/two app\n');
  fp = await startFulcrum(`
global
    stats socket ${sock} level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${front}
    acl url_static path_beg -i /static /images /javascript /stylesheets
    acl url_static path_end -i .jpg .gif .png .css .js
    acl api_host hdr(host) -i -f ${lst}
    acl is_admin path_beg /admin
    acl from_local src 127.0.0.0/8
    use_backend static if url_static
    use_backend api if api_host || { urlp(api) 1 }
    use_backend admin if is_admin from_local !{ hdr(x-deny) -m found }
    use_backend mapped if { path,map_beg(${map},none) mapped }
    use_backend app if METH_POST
    default_backend app
backend static
    server s 127.0.0.1:${sStatic}
backend api
    server s 127.0.0.1:${sApi}
backend app
    server s 127.0.0.1:${sApp}
backend admin
    server s 127.0.0.1:${sAdmin}
backend mapped
    server s 127.0.0.1:${sMapped}
`, { waitPort: front, dir });
});

after(async () => {
  await fp?.stop();
  for (const s of stubs) await s.close();
});

async function servedBy(path: string, headers: Record<string, string> = {}): Promise<string> {
  const r = await httpGet(front, path, headers);
  assert.equal(r.status, 200, `${path}: ${r.status} ${r.body}\n${fp.stderr}`);
  const m = /Server: (\w+)/.exec(r.body);
  return m ? m[1] : r.body;
}

test('stock example ACLs: prefix or suffix, case-insensitive', async () => {
  assert.equal(await servedBy('/static/a.txt'), 'static');
  assert.equal(await servedBy('/IMAGES/x'), 'static');
  assert.equal(await servedBy('/deep/logo.PNG'), 'static');
  assert.equal(await servedBy('/index.html'), 'app');
});

test('pattern file with -i, and || with an anonymous ACL', async () => {
  assert.equal(await servedBy('/x', { host: 'api.example.com' }), 'api');
  assert.equal(await servedBy('/x', { host: 'api2.EXAMPLE.com' }), 'api');
  assert.equal(await servedBy('/x?api=1', { host: 'www.example.com' }), 'api');
  assert.equal(await servedBy('/x?api=2', { host: 'www.example.com' }), 'app');
});

test('AND of terms with a negated anonymous ACL', async () => {
  assert.equal(await servedBy('/admin/'), 'admin');
  assert.equal(await servedBy('/admin/', { 'x-deny': '1' }), 'app');
});

test('converter and map lookup inside an anonymous ACL', async () => {
  assert.equal(await servedBy('/m/one/x'), 'mapped');
  assert.equal(await servedBy('/m/other'), 'app');
});

test('runtime API: add acl / del acl on a pattern file change routing at once', async () => {
  assert.equal(await servedBy('/x', { host: 'new.example.com' }), 'app');
  assert.equal(await cliCommand(sock, `add acl ${lst} new.example.com`), '\n');
  assert.equal(await servedBy('/x', { host: 'new.example.com' }), 'api');
  assert.match(await cliCommand(sock, `show acl ${lst}`), /new\.example\.com/);
  assert.equal(await cliCommand(sock, `del acl ${lst} new.example.com`), '\n');
  assert.equal(await servedBy('/x', { host: 'new.example.com' }), 'app');
});
