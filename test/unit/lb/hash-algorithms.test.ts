import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runConformance, type ConformanceOptions } from './balancer.suite';
import { makeBackend, pickCtx } from './helpers';
import type { PickContext } from '../../../src/lb/balancer';
import { sourceHash } from '../../../src/lb/source';
import { uriKeyStart, uriKeyEnd, parseUriArgs, type UriOptions } from '../../../src/lb/uri';
import { findParam } from '../../../src/lb/url-param';
import { findHeaderValue, narrowToDomain } from '../../../src/lb/hdr';
import { findRdpCookie } from '../../../src/lb/rdp-cookie';

/** An RDP X.224 connection request carrying `Cookie: mstshash=<user>`. */
function rdpRequest(user: string): Buffer {
  const cookie = Buffer.from(`Cookie: mstshash=${user}\r\n`, 'latin1');
  const x224 = Buffer.from([0x00, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00]); // LI set below, CR CDT, dst, src, class
  const tpkt = Buffer.from([0x03, 0x00, 0x00, 0x00]);
  const b = Buffer.concat([tpkt, x224, cookie]);
  b.writeUInt16BE(b.length, 2);
  b[4] = b.length - 5;
  return b;
}

const KEYED: { algorithm: string; args?: string[]; paren?: string; request: (i: number) => PickContext }[] = [
  { algorithm: 'source', request: (i) => pickCtx({ src: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }) },
  { algorithm: 'uri', request: (i) => pickCtx({ uri: `/static/${i}/x.png` }) },
  { algorithm: 'uri', args: ['whole', 'depth', '3'], request: (i) => pickCtx({ uri: `/a/${i}/c/d?q=${i}` }) },
  { algorithm: 'url_param', args: ['uid'], request: (i) => pickCtx({ uri: `/p?x=1&uid=user${i}` }) },
  { algorithm: 'hdr', paren: 'host', request: (i) => pickCtx({ headers: ['Host', `h${i}.example.com`] }) },
  { algorithm: 'hdr', paren: 'Host', args: ['use_domain_only'], request: (i) => pickCtx({ headers: ['Host', `www.s${i}.example`] }) },
  { algorithm: 'rdp-cookie', request: (i) => ({ sample: { ...pickCtx().sample, payload: rdpRequest(`user${i}`) } }) },
  { algorithm: 'hash', args: ['req.hdr(x-key)'], request: (i) => pickCtx({ headers: ['x-key', `k${i}`] }) },
];

for (const k of KEYED) {
  const base: ConformanceOptions = { ...k, picks: 3000 };
  runConformance({
    ...base, tolerance: 0.2,
    skip: { avoid: "map-based hashing ignores the avoided server: HAProxy's map_get_server_hash has no avoid (a key always maps to its slot)" },
  });
  runConformance({ ...base, hashType: ['consistent'], tolerance: 0.45 });
}

test('source: IPv4 is its 32-bit value, IPv6 the XOR of its words, mapped IPv4 as IPv4', () => {
  assert.equal(sourceHash('1.2.3.4'), 0x01020304);
  assert.equal(sourceHash('::ffff:1.2.3.4'), 0x01020304);
  assert.equal(sourceHash('2001:db8::1'), (0x20010db8 ^ 0 ^ 0 ^ 1) >>> 0);
  assert.equal(sourceHash('fe80::1%eth0'), (0xfe800000 ^ 1) >>> 0);
  assert.equal(sourceHash('::'), 0);
  assert.equal(sourceHash('not-an-ip'), -1);
});

test('uri: whole, len, depth and path-only select the hashed part', () => {
  const key = (uri: string, args: string[]) => {
    const o = parseUriArgs(args) as UriOptions;
    const s = uriKeyStart(uri, o);
    return uri.slice(s, uriKeyEnd(uri, s, o));
  };
  assert.equal(key('/a/b/c?x=1', []), '/a/b/c');
  assert.equal(key('/a/b/c?x=1', ['whole']), '/a/b/c?x=1');
  assert.equal(key('/a/b/c?x=1', ['depth', '2']), '/a/b');
  assert.equal(key('/a/b/c?x=1', ['depth', '1']), '/a');
  assert.equal(key('/a/b/c?x=1', ['len', '4']), '/a/b');
  assert.equal(key('http://h.example/a/b?q', ['path-only']), '/a/b');
  assert.equal(key('http://h.example/a/b?q', []), 'http://h.example/a/b');
  assert.equal(key('http://h.example', ['path-only']), '');
});

test('url_param: first matching parameter, case-sensitive, up to &', () => {
  const find = (s: string, name: string) => {
    const q = s.indexOf('?');
    return findParam(s, q + 1, s.length, name, false);
  };
  assert.ok(find('/p?a=1&uid=42&b=2', 'uid'));
  assert.ok(!find('/p?a=1&UID=42', 'uid'));
  assert.ok(!find('/p?xuid=1', 'uid'));
  // POST body rule: a value starting with a non-token, non-blank byte means "not url-encoded".
  assert.ok(!findParam('uid={json}', 0, 9, 'uid', true));
});

test('url_param: POST body is searched when the query has no parameter', () => {
  const { balancer } = makeBackend({ algorithm: 'url_param', args: ['uid'], servers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
  const byQuery = (v: string) => balancer.pick(pickCtx({ uri: `/p?uid=${v}` }))!.name;
  const byBody = (v: string) => balancer.pick(pickCtx({ uri: '/p', method: 'POST', body: Buffer.from(`x=1&uid=${v}`) }))!.name;
  for (const v of ['a1', 'b22', 'c333', 'd4444', 'e5']) assert.equal(byBody(v), byQuery(v));
});

test('hdr: first value of the first header; use_domain_only keeps the label before the TLD', () => {
  const head = (v: string) => ({ method: 'GET', uri: '/', version: 'HTTP/1.1', status: 0, headers: ['X-A', '1', 'host', v, 'Host', 'other'] });
  const dom = (v: string) => {
    assert.ok(findHeaderValue(head(v), 'host'));
    narrowToDomain();
    return v;
  };
  assert.ok(findHeaderValue(head(' a.b , c'), 'host'));
  assert.ok(!findHeaderValue(head(''), 'host'));
  assert.ok(!findHeaderValue(head('x'), 'nope'));
  const { balancer } = makeBackend({ algorithm: 'hdr', paren: 'Host', args: ['use_domain_only'], servers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }] });
  const { balancer: plain } = makeBackend({ algorithm: 'hdr', paren: 'x', servers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }] });
  // haproxy.1wt.eu and www.1wt.com both hash "1wt": same server as a plain header "1wt".
  const viaDomain = (h: string) => balancer.pick(pickCtx({ headers: ['Host', h] }))!.name;
  const viaPlain = (v: string) => plain.pick(pickCtx({ headers: ['x', v] }))!.name;
  dom('haproxy.1wt.eu');
  for (const [h, label] of [['haproxy.1wt.eu', '1wt'], ['www.1wt.com', '1wt'], ['example.com', 'example'], ['localhost', 'localhost'], ['a.b.c.d', 'c']]) {
    assert.equal(viaDomain(h), viaPlain(label), `${h} -> ${label}`);
  }
});

test('rdp-cookie: mstshash value from the X.224 connection request, else round robin', () => {
  const b = rdpRequest('alice');
  assert.ok(findRdpCookie(b, 'mstshash'));
  assert.ok(!findRdpCookie(b, 'other'));
  assert.ok(!findRdpCookie(b.subarray(0, b.length - 1), 'mstshash'), 'incomplete line');
  const { balancer } = makeBackend({ algorithm: 'rdp-cookie', servers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
  const pick = (p?: Buffer) => balancer.pick({ sample: { ...pickCtx().sample, payload: p } })!.name;
  const first = pick(rdpRequest('alice'));
  for (let i = 0; i < 5; i++) assert.equal(pick(rdpRequest('alice')), first);
  const rr = new Set([pick(undefined), pick(undefined), pick(undefined)]);
  assert.equal(rr.size, 3, 'no cookie: round robin over all servers');
});

test('hash keys: same key, same server; explanation shows the key and the hash', () => {
  const { balancer } = makeBackend({ algorithm: 'uri', servers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
  const ex = { algorithm: '', skipped: [] as { server: string; why: string }[], key: undefined as string | undefined, detail: undefined as string | undefined };
  const s = balancer.pick(pickCtx({ uri: '/x/y?z' }), undefined, ex);
  assert.equal(ex.algorithm, 'uri');
  assert.equal(ex.key, '/x/y');
  assert.match(ex.detail!, /^map-based sdbm hash 0x[0-9a-f]{8}$/);
  for (let i = 0; i < 5; i++) assert.equal(balancer.pick(pickCtx({ uri: '/x/y?other' })), s);
});
