/** Each matching method, -i, int operators and ranges, ip masks, -f pattern files, multi-value fetches. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileAclWords } from '../../../src/acl/acl';
import { req } from './helpers';
import type { SampleContext } from '../../../src/sample/context';

function acl(line: string) {
  const errs: string[] = [];
  const c = compileAclWords(line.split(' '), { error: (m) => errs.push(m) });
  assert.ok(c, `${line}: ${errs.join()}`);
  return (ctx: SampleContext) => c!.match(ctx);
}
const get = (path: string, h: Record<string, string | string[]> = {}) => req(`GET ${path}`, h);

test('str: exact, case-sensitive unless -i', () => {
  assert.equal(acl('path /a /b')(get('/b')), true);
  assert.equal(acl('path /a /b')(get('/B')), false);
  assert.equal(acl('path -i /a /b')(get('/B')), true);
  assert.equal(acl('path /a')(get('/a/')), false);
});

test('beg / end / sub with and without -i', () => {
  assert.equal(acl('path_beg /api')(get('/api/v1')), true);
  assert.equal(acl('path_beg /api')(get('/API/v1')), false);
  assert.equal(acl('path_beg -i /api')(get('/API/v1')), true);
  assert.equal(acl('path_end .php')(get('/x.php?y')), true);
  assert.equal(acl('path_end -i .PHP')(get('/x.php')), true);
  assert.equal(acl('path_sub adm')(get('/x/admin')), true);
  assert.equal(acl('path_sub -i ADM')(get('/x/admin')), true);
  assert.equal(acl('url_sub b=1')(get('/x?a=0&b=1')), true);
});

test('reg with -i', () => {
  assert.equal(acl('path_reg ^/u/[0-9]+$')(get('/u/42')), true);
  assert.equal(acl('path_reg ^/U/')(get('/u/42')), false);
  assert.equal(acl('path_reg -i ^/U/')(get('/u/42')), true);
});

test('dir and dom match whole words between delimiters', () => {
  assert.equal(acl('path_dir img')(get('/static/img/a.png')), true);
  assert.equal(acl('path_dir /img/')(get('/img')), true);
  assert.equal(acl('path_dir img')(get('/images/a')), false);
  assert.equal(acl('hdr_dom(host) example.com')(get('/', { host: 'www.example.com:8080' })), true);
  assert.equal(acl('hdr_dom(host) example.com')(get('/', { host: 'badexample.com' })), false);
  assert.equal(acl('hdr_dom(host) -i EXAMPLE.com')(get('/', { host: 'www.example.COM' })), true);
});

test('len', () => {
  assert.equal(acl('path_len 3')(get('/ab')), true);
  assert.equal(acl('path_len gt 10')(get('/ab')), false);
  assert.equal(acl('path_len 0:5')(get('/ab')), true);
});

test('int: values, operators that persist, ranges', () => {
  const ctx = req('GET /', { 'content-length': '42' });
  assert.equal(acl('hdr_val(content-length) 42')(ctx), true);
  assert.equal(acl('hdr_val(content-length) gt 41')(ctx), true);
  assert.equal(acl('hdr_val(content-length) gt 42')(ctx), false);
  assert.equal(acl('hdr_val(content-length) ge 42')(ctx), true);
  assert.equal(acl('hdr_val(content-length) lt 43')(ctx), true);
  assert.equal(acl('hdr_val(content-length) le 41')(ctx), false);
  assert.equal(acl('hdr_val(content-length) eq 1 2 42')(ctx), true);
  assert.equal(acl('hdr_val(content-length) gt 100 50')(ctx), false); // operator applies to both
  assert.equal(acl('hdr_val(content-length) 40:45')(ctx), true);
  assert.equal(acl('hdr_val(content-length) :41')(ctx), false);
  assert.equal(acl('hdr_val(content-length) 42:')(ctx), true);
  assert.equal(acl('dst_port 80 443')(ctx), true);
  assert.equal(acl('src_port 1:1024')(ctx), false);
});

test('ip: v4 with CIDR and dotted masks, v6 prefixes, v4-mapped clients', () => {
  const from = (src: string) => req('GET /', {}, { src });
  assert.equal(acl('src 10.0.0.0/8')(from('10.1.2.3')), true);
  assert.equal(acl('src 10.0.0.0/255.0.0.0')(from('10.1.2.3')), true);
  assert.equal(acl('src 10.0.0.0/8')(from('11.1.2.3')), false);
  assert.equal(acl('src 10.0.0.0/8')(from('::ffff:10.9.9.9')), true);
  assert.equal(acl('src 192.168.1.1')(from('192.168.1.1')), true);
  assert.equal(acl('src 192.168.1.1')(from('192.168.1.2')), false);
  assert.equal(acl('src 2001:db8::/32')(from('2001:db8:1::5')), true);
  assert.equal(acl('src 2001:db8::/32')(from('2001:db9::5')), false);
  assert.equal(acl('src ::1')(from('::1')), true);
  assert.equal(acl('hdr_ip(x-forwarded-for) 1.2.3.0/24')(req('GET /', { 'x-forwarded-for': '9.9.9.9, 1.2.3.4' })), true);
  assert.equal(acl('hdr_ip(x-forwarded-for,1) 1.2.3.0/24')(req('GET /', { 'x-forwarded-for': '9.9.9.9, 1.2.3.4' })), false);
});

test('bool, found and bin', () => {
  assert.equal(acl('always_true')(get('/')), true);
  assert.equal(acl('always_false')(get('/')), false);
  assert.equal(acl('hdr(x-a) -m found')(get('/', { 'x-a': '' })), true);
  assert.equal(acl('hdr(x-a) -m found')(get('/')), false);
  assert.equal(acl('hdr_cnt(x-a) -m bool')(get('/', { 'x-a': '1' })), true);
  assert.equal(acl('hdr_cnt(x-a) -m bool')(get('/')), false);
  const hello = req('GET /', {}, { payload: Buffer.from([0x16, 0x03, 0x01, 0x00]) });
  assert.equal(acl('req.payload(0,3) -m bin 160301')(hello), true);
  assert.equal(acl('payload(0,3) 160302')(hello), false);
});

test('multi-value fetches: an ACL tries every header value and occurrence', () => {
  const ctx = get('/', { accept: ['text/html, application/json', 'image/png'] });
  assert.equal(acl('hdr(accept) application/json')(ctx), true);
  assert.equal(acl('hdr(accept) image/png')(ctx), true);
  assert.equal(acl('hdr(accept,1) image/png')(ctx), false);
  assert.equal(acl('hdr(accept,-1) image/png')(ctx), true);
  assert.equal(acl('req.fhdr(accept) application/json')(ctx), false);
  assert.equal(acl('req.fhdr(accept) -m sub application/json')(ctx), true);
  assert.equal(acl('hdr_cnt(accept) 3')(ctx), true);
  assert.equal(acl('cook(sid) abc')(get('/', { cookie: 'a=1; sid=abc' })), true);
  assert.equal(acl('cook_sub(sid) b')(get('/', { cookie: 'a=1; sid=abc' })), true);
  assert.equal(acl('urlp(id) 7')(get('/x?id=3&id=7')), true);
  assert.equal(acl('urlp_beg(id) 3')(get('/x?id=3&id=7')), true);
});

test('converters after an ACL keyword switch to exact matching of the converted type (HAProxy rule)', () => {
  assert.equal(acl('path_beg,lower /abc')(get('/ABC')), true);
  assert.equal(acl('path_beg,lower /a')(get('/ABC')), false);
  assert.equal(acl('path,length 4')(get('/ABC')), true);
});

test('-- ends flags so patterns may start with a dash', () => {
  assert.equal(acl('url -- -x')(req('GET -x')), true);
});

test('-f loads patterns from a file: comments, blank lines and surrounding blanks ignored; -M reads keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acl-'));
  try {
    const f = join(dir, 'paths.lst');
    writeFileSync(f, '# static\n/static\n\n   /images  \r\n/js\n');
    assert.equal(acl(`path_beg -f ${f}`)(get('/images/x')), true);
    assert.equal(acl(`path_beg -f ${f}`)(get('/js/x')), true);
    assert.equal(acl(`path_beg -f ${f}`)(get('/# static')), false);
    assert.equal(acl(`path_beg -i -f ${f} /extra`)(get('/EXTRA')), true);
    const m = join(dir, 'hosts.map');
    writeFileSync(m, 'a.example.com be1\nb.example.com be2\n');
    assert.equal(acl(`hdr(host) -M -f ${m}`)(get('/', { host: 'b.example.com' })), true);
    assert.equal(acl(`hdr(host) -M -f ${m}`)(get('/', { host: 'be1' })), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no sample means no match, and no pattern never matches', () => {
  assert.equal(acl('hdr(host) -m found')(get('/')), false);
  assert.equal(acl('status 200')(get('/')), false);
  assert.equal(acl('path --')(get('/')), false);
});

test('req_ssl_ver accepts dotted versions (3.3 = TLS 1.2), req_ssl_sni matches the SNI', () => {
  // A minimal ClientHello: record 16 03 01, handshake type 1, client_version 3.3, SNI "a.io".
  const sni = Buffer.from('a.io');
  const ext = Buffer.concat([Buffer.from([0, 0, 0, sni.length + 5, 0, sni.length + 3, 0, 0, sni.length]), sni]);
  const body = Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32), Buffer.from([0, 0, 2, 0x13, 0x01, 1, 0, 0, ext.length]), ext]);
  const hs = Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 0xff]), body]);
  const rec = Buffer.concat([Buffer.from([0x16, 3, 1, hs.length >> 8, hs.length & 0xff]), hs]);
  const c = req('GET /', {}, { payload: rec });
  assert.equal(acl('req_ssl_ver 3.3')(c), true);
  assert.equal(acl('req_ssl_ver 3.1:3.2')(c), false);
  assert.equal(acl('req.ssl_ver ge 3.1')(c), true);
  assert.equal(acl('req_ssl_sni -i A.IO')(c), true);
  assert.equal(acl('req.ssl_hello_type 1')(c), true);
});
