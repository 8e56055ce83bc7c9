import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseString } from '../../../src/config/parser';
import { validateConfig } from '../../../src/config/validate';
import type { Config } from '../../../src/config/model';
import '../../../src/proxy/keywords';
import '../../../src/lb/keywords';

function parse(body: string, mode = 'http'): { config: Config; messages: string[] } {
  const text = `defaults\n  mode ${mode}\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\nbackend be\n${body}\n  server s1 127.0.0.1:8080\n`;
  const { config, diagnostics } = parseString(text, 'h.cfg');
  validateConfig(config, diagnostics);
  return { config, messages: diagnostics.items.filter((d) => d.severity !== 'notice').map((d) => `${d.severity} ${d.line !== undefined ? `[${d.line}] ` : ''}${d.message}`) };
}

const be = (c: Config) => c.proxies.find((p) => p.name === 'be')!;

/** Messages HAProxy 2.6.12 prints for each line (haproxy -c), line 7 being the tested one. */
const ERRORS: [string, string][] = [
  ['balance foo', "balance only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', 'url_param', 'hdr(name)' and 'rdp-cookie(name)' options."],
  ['balance hdr', "balance only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', 'url_param', 'hdr(name)' and 'rdp-cookie(name)' options."],
  ['balance hdr()', 'balance hdr requires an http header field name.'],
  ['balance hdr(host) foo', "balance hdr(host) only accepts 'use_domain_only' modifier (got 'foo')."],
  ['balance url_param', 'balance url_param requires an URL parameter name.'],
  ['balance url_param id foo', "balance url_param only accepts 'check_post' modifier (got 'foo')."],
  ['balance uri foo', "balance uri only accepts parameters 'len', 'depth', 'path-only', and 'whole' (got 'foo')."],
  ['balance uri len', "balance uri : 'len' expects a positive integer (got '')."],
  ['balance uri len x', "balance uri : 'len' expects a positive integer (got 'x')."],
  ['balance uri depth -1', "balance uri : 'depth' expects a positive integer (got '-1')."],
  ['balance random(0)', 'balance random : number of draws must be at least 1.'],
  ['balance random(x)', "balance random : unexpected character 'x' after argument."],
  ['balance random(3', 'balance random : missing closing parenthesis.'],
  ['balance rdp-cookie(', 'balance rdp-cookie : missing cookie name.'],
  ['balance hash', 'balance hash requires a sample expression.'],
  ['hash-type foo', "'hash-type' only supports 'consistent' and 'map-based'."],
  ['hash-type', "'hash-type' only supports 'consistent' and 'map-based'."],
  ['hash-type consistent foo', "'hash-type' only supports 'sdbm', 'djb2', 'crc32', or 'wt6' hash functions."],
  ['hash-type consistent none', "'hash-type' only supports 'sdbm', 'djb2', 'crc32', or 'wt6' hash functions."],
  ['hash-type consistent sdbm foo', "'hash-type' only supports 'avalanche' as a modifier for hash functions."],
  ['hash-type avalanche', "experimental feature 'hash-type avalanche' is not supported anymore, please use 'hash-type map-based sdbm avalanche' instead."],
  ['hash-balance-factor', "'hash-balance-factor' expects an integer argument."],
  ['hash-balance-factor 100', "'hash-balance-factor' must be 0 or greater than 100."],
  ['hash-balance-factor 50', "'hash-balance-factor' must be 0 or greater than 100."],
];

for (const [line, msg] of ERRORS) {
  test(`config error as HAProxy: ${line}`, () => {
    const { messages } = parse(`  ${line}`);
    assert.ok(messages.includes(`alert [7] ${msg}`), messages.join('\n'));
  });
}

const ACCEPTED: [string, Partial<{ algorithm: string; args: string[]; paren: string | undefined; hashType: string[]; hashBalanceFactor: number }>][] = [
  ['balance', { algorithm: 'roundrobin', args: [] }],
  ['balance roundrobin x', { algorithm: 'roundrobin', args: ['x'] }],
  ['balance static-rr', { algorithm: 'static-rr' }],
  ['balance first', { algorithm: 'first' }],
  ['balance leastconn', { algorithm: 'leastconn' }],
  ['balance source x', { algorithm: 'source', args: ['x'] }],
  ['balance uri whole len 3 depth 2 path-only', { algorithm: 'uri', args: ['whole', 'len', '3', 'depth', '2', 'path-only'] }],
  ['balance hdr(Host) use_domain_only', { algorithm: 'hdr', paren: 'Host', args: ['use_domain_only'] }],
  ['balance url_param id check_post 10', { algorithm: 'url_param', args: ['id', 'check_post', '10'] }],
  ['balance random', { algorithm: 'random', paren: undefined }],
  ['balance random(3)', { algorithm: 'random', paren: '3' }],
  ['balance rdp-cookie', { algorithm: 'rdp-cookie', paren: undefined }],
  ['balance rdp-cookie(mstshash)', { algorithm: 'rdp-cookie', paren: 'mstshash' }],
  ['hash-type consistent', { hashType: ['consistent'] }],
  ['hash-type map-based djb2 avalanche', { hashType: ['map-based', 'djb2', 'avalanche'] }],
  ['hash-balance-factor 150', { hashBalanceFactor: 150 }],
  ['hash-balance-factor abc', { hashBalanceFactor: 0 }],
];

for (const [line, want] of ACCEPTED) {
  test(`accepted as HAProxy does: ${line}`, () => {
    const { config, messages } = parse(`  ${line}`);
    assert.deepEqual(messages.filter((m) => m.startsWith('alert')), []);
    const bal = be(config).balance as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(want)) assert.deepEqual(bal[k], v, k);
  });
}

test('defaults carry balance and hash-type into backends', () => {
  const text = 'defaults\n  mode http\n  balance uri whole\n  hash-type consistent djb2\nbackend be\n  server s1 127.0.0.1:80\n';
  const { config } = parseString(text, 'h.cfg');
  assert.equal(be(config).balance.algorithm, 'uri');
  assert.deepEqual(be(config).balance.args, ['whole']);
  assert.deepEqual(be(config).balance.hashType, ['consistent', 'djb2']);
});

test('layer 7 algorithms fall back to roundrobin outside mode http, with HAProxy warning', () => {
  for (const line of ['balance uri', 'balance hdr(host)', 'balance url_param x']) {
    const { config, messages } = parse(`  ${line}`, 'tcp');
    assert.ok(messages.includes("warning Layer 7 hash not possible for backend 'be' (needs 'mode http'). Falling back to round robin."), messages.join('\n'));
    assert.equal(be(config).balance.algorithm, 'roundrobin');
  }
  const { config } = parse('  balance source', 'tcp');
  assert.equal(be(config).balance.algorithm, 'source');
});

test('balance hash: bad expression reported at check time as HAProxy does', () => {
  const { messages } = parse('  balance hash foo(');
  assert.ok(messages.includes("alert backend 'be' [h.cfg:6]: failed to parse 'balance hash' expression 'foo(' in : unknown fetch method 'foo'."), messages.join('\n'));
  assert.deepEqual(parse('  balance hash req.hdr(host)').messages.filter((m) => m.startsWith('alert')), []);
});
