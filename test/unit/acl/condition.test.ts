/** Conditions: implicit AND, ||/or, ! negation, anonymous ACLs, predefined ACLs, unless. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fe, load, req } from './helpers';
import { compileCondition } from '../../../src/acl/compile';
import type { ConditionConfig, ProxyConfig } from '../../../src/config/model';

function proxyWith(aclLines: string): ProxyConfig {
  const { config, messages } = load(fe(aclLines));
  assert.deepEqual(messages.filter((m) => m.includes('ALERT')), []);
  return config.proxies.find((p) => p.name === 'f')!;
}

function cond(p: ProxyConfig, text: string, polarity: 'if' | 'unless' = 'if') {
  const c: ConditionConfig = { polarity, words: text.split(' '), src: { file: 't', line: 1 } };
  const errs: string[] = [];
  const fn = compileCondition(c, p, (m) => errs.push(m));
  return { fn, errs };
}

const P = () => proxyWith('acl api path_beg /api\nacl json hdr(accept) -m sub json\nacl post method POST');

test('terms are ANDed, || and or separate alternatives', () => {
  const p = P();
  const and = cond(p, 'api json').fn!;
  assert.equal(and(req('GET /api/x', { accept: 'application/json' })), true);
  assert.equal(and(req('GET /api/x', { accept: 'text/html' })), false);
  const or = cond(p, 'api || post').fn!;
  assert.equal(or(req('POST /x')), true);
  assert.equal(or(req('GET /x')), false);
  const or2 = cond(p, 'api or post').fn!;
  assert.equal(or2(req('GET /api')), true);
  const mixed = cond(p, 'api json || post').fn!;
  assert.equal(mixed(req('POST /nope')), true);
  assert.equal(mixed(req('GET /api')), false);
});

test('negation with attached or detached !', () => {
  const p = P();
  assert.equal(cond(p, '!api').fn!(req('GET /api')), false);
  assert.equal(cond(p, '!api').fn!(req('GET /web')), true);
  assert.equal(cond(p, '! api').fn!(req('GET /web')), true);
  assert.equal(cond(p, '!!api').fn!(req('GET /api')), true);
});

test('unless inverts the whole condition', () => {
  const p = P();
  assert.equal(cond(p, 'api', 'unless').fn!(req('GET /api')), false);
  assert.equal(cond(p, 'api', 'unless').fn!(req('GET /x')), true);
});

test('anonymous ACLs in braces, negated and mixed with named ones', () => {
  const p = P();
  const c = cond(p, '{ path_beg /img } || !{ hdr(host) -i example.com }').fn!;
  assert.equal(c(req('GET /img/x', { host: 'example.com' })), true);
  assert.equal(c(req('GET /x', { host: 'EXAMPLE.com' })), false);
  assert.equal(c(req('GET /x', { host: 'other' })), true);
});

test('predefined ACLs', () => {
  const p = P();
  const t = (name: string, ctx = req('GET /')) => cond(p, name).fn!(ctx);
  assert.equal(t('TRUE'), true);
  assert.equal(t('FALSE'), false);
  assert.equal(t('LOCALHOST'), true);
  assert.equal(t('LOCALHOST', req('GET /', {}, { src: '10.0.0.1' })), false);
  assert.equal(t('LOCALHOST', req('GET /', {}, { src: '::1' })), true);
  assert.equal(t('LOCALHOST', req('GET /', {}, { src: '::ffff:127.0.0.2' })), true);
  assert.equal(t('HTTP'), true);
  assert.equal(t('HTTP', { ...req('GET /'), req: undefined }), false);
  assert.equal(t('HTTP_1.1'), true);
  assert.equal(t('HTTP_1.0'), false);
  assert.equal(t('HTTP_1.0', req('GET / HTTP/1.0')), true);
  assert.equal(t('METH_GET'), true);
  assert.equal(t('METH_GET', req('HEAD /')), true);
  assert.equal(t('METH_POST'), false);
  for (const m of ['CONNECT', 'DELETE', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'TRACE']) assert.equal(t(`METH_${m}`, req(`${m} /`)), true, m);
  assert.equal(t('HTTP_URL_ABS', req('GET http://x/y')), true);
  assert.equal(t('HTTP_URL_ABS'), false);
  assert.equal(t('HTTP_URL_SLASH'), true);
  assert.equal(t('HTTP_URL_STAR', req('OPTIONS *')), true);
  assert.equal(t('HTTP_CONTENT', req('POST /', { 'content-length': '3' })), true);
  assert.equal(t('HTTP_CONTENT', req('POST /', { 'content-length': '0' })), false);
  assert.equal(t('REQ_CONTENT', req('GET /', {}, { payload: Buffer.from('x') })), true);
  assert.equal(t('REQ_CONTENT'), false);
  const rdp = Buffer.concat([Buffer.alloc(11), Buffer.from('Cookie: mstshash=bob\r\n')]);
  assert.equal(t('RDP_COOKIE', req('GET /', {}, { payload: rdp })), true);
  assert.equal(t('WAIT_END'), false);
  assert.equal(t('WAIT_END', req('GET /', {}, { final: true })), true);
});

test('a proxy ACL named like a predefined one takes precedence', () => {
  const p = proxyWith('acl TRUE path /never');
  assert.equal(cond(p, 'TRUE').fn!(req('GET /')), false);
});

test('a condition with no term is false (if) / true (unless)', () => {
  const p = P();
  assert.equal(cond(p, '!').fn!(req('GET /')), false);
  assert.equal(cond(p, '!', 'unless').fn!(req('GET /')), true);
});

test('errors: unknown ACL, unclosed brace, bad anonymous fetch', () => {
  const p = P();
  assert.deepEqual(cond(p, 'nosuchacl').errs, [`no such ACL : 'nosuchacl'`]);
  assert.deepEqual(cond(p, '{ path_beg /x').errs, [`missing closing '}' in condition`]);
  assert.deepEqual(cond(p, '{ nosuchfetch x }').errs, [`unknown fetch method 'nosuchfetch' in ACL expression 'nosuchfetch'`]);
});
