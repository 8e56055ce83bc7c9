/** Addresses for bind/server lines, with HAProxy's str2sa_range() messages. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHostPort, parseAddress } from '../../../src/config/address';

test('IPv4, wildcard, IPv6 and port ranges', () => {
  assert.deepEqual(pick(parseAddress('127.0.0.1:80')), ['ipv4', '127.0.0.1', 80, 80]);
  assert.deepEqual(pick(parseAddress('*:8080')), ['ipv4', '', 8080, 8080]);
  assert.deepEqual(pick(parseAddress(':8080')), ['ipv4', '', 8080, 8080]);
  assert.deepEqual(pick(parseAddress('[::1]:443')), ['ipv6', '::1', 443, 443]);
  assert.deepEqual(pick(parseAddress('::1:443')), ['ipv6', '::1', 443, 443]);
  assert.deepEqual(pick(parseAddress('0.0.0.0:8000-8002', { allowRange: true })), ['ipv4', '0.0.0.0', 8000, 8002]);
  assert.deepEqual(pick(parseAddress('ipv6@:80')), ['ipv6', '::', 80, 80]);
});

test('inet_aton short forms are IPv4 addresses, as HAProxy resolves them', () => {
  assert.deepEqual(pick(parseAddress('1.2.3:80')), ['ipv4', '1.2.0.3', 80, 80]);
  assert.deepEqual(pick(parseAddress('10.1:80')), ['ipv4', '10.0.0.1', 80, 80]);
  assert.ok(parseAddress('300.1.1:80').error);
});

test('prefixes and paths', () => {
  assert.equal(parseAddress('unix@/run/x.sock').address?.path, '/run/x.sock');
  assert.equal(parseAddress('/run/x.sock').address?.family, 'unix');
  assert.equal(parseAddress('abns@name').address?.family, 'abns');
  assert.equal(parseAddress('fd@3').address?.fd, 3);
});

test('servers may omit the port and use host names', () => {
  const a = parseAddress('backend.local', { portOptional: true, allowHostname: true }).address!;
  assert.equal(a.family, 'hostname');
  assert.equal(a.hasPort, false);
  assert.equal(parseAddress('10.0.0.1:+1', { portOptional: true }).address?.portOffset, 1);
});

test('errors use HAProxy\'s wording', () => {
  assert.equal(parseAddress('127.0.0.1:99999').error, "invalid port '99999'");
  assert.equal(parseAddress('127.0.0.1').error, "missing port specification in '127.0.0.1'");
  assert.equal(parseAddress('300.1.1.1:80').error, "invalid address: '300.1.1.1' in '300.1.1.1:80'");
  assert.equal(parseAddress('127.0.0.1:abc', { portOptional: true }).error, "invalid character 'a' in port number 'abc' in '127.0.0.1:abc'\n");
  assert.equal(parseAddress('foo.invalid.:80').error, "invalid address: 'foo.invalid.' in 'foo.invalid.:80'");
});

test('formatHostPort brackets IPv6', () => {
  assert.equal(formatHostPort('::1', 80), '[::1]:80');
  assert.equal(formatHostPort('10.0.0.1', 80), '10.0.0.1:80');
});

function pick(r: ReturnType<typeof parseAddress>): unknown[] {
  assert.equal(r.error, undefined);
  return [r.address!.family, r.address!.host, r.address!.port, r.address!.portEnd];
}
