/**
 * `option ssl-hello-chk`: sends a TLS ClientHello and passes (L6OK) when the first record
 * received is a handshake (0x16) or an alert (0x15): the server speaks SSL/TLS. HAProxy:
 * tcpcheck.c proxy_parse_ssl_hello_chk_opt (`expect rbinary "^1[56]" min-recv 5`).
 */

import { randomBytes } from 'node:crypto';
import { registerCheckType } from './config';

/** A minimal TLS 1.2 ClientHello record (common RSA/ECDHE suites, no extensions but SNI-less). */
export function clientHelloHex(): string {
  const suites = Buffer.from('c02fc030c02bc02c009c009d002f0035000a00ff', 'hex');
  const body = Buffer.concat([
    Buffer.from([0x03, 0x03]), randomBytes(32), Buffer.from([0x00]),
    Buffer.from([suites.length >> 8, suites.length & 0xff]), suites, Buffer.from([0x01, 0x00]),
  ]);
  const hs = Buffer.concat([Buffer.from([0x01, 0, body.length >> 8, body.length & 0xff]), body]);
  const rec = Buffer.concat([Buffer.from([0x16, 0x03, 0x01, hs.length >> 8, hs.length & 0xff]), hs]);
  return rec.toString('hex');
}

registerCheckType('ssl-hello-chk', () => ({
  proto: 'ssl3',
  rules: [
    { type: 'connect', implicit: true },
    { type: 'send', encoding: 'hex', data: clientHelloHex() },
    { type: 'expect', kind: 'rbinary', pattern: '^1[56]', inverse: false, minRecv: 5, okStatus: 'L6OK', errorStatus: 'L6RSP', toutStatus: 'L6TOUT' },
  ],
}));
