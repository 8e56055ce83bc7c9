/**
 * Connection, payload and internal fetches: TLS ClientHello fields from a real Node.js
 * ClientHello, payload slices, constants, runtime lookups, variables, and the global
 * `set-var` keyword.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { compileSampleExpr } from '../../../src/sample/expr';
import type { RuntimeLookup, SampleContext } from '../../../src/sample/context';
import { procVars } from '../../../src/sample/vars';
import { load } from '../acl/helpers';

function base(extra: Partial<SampleContext> = {}): SampleContext {
  return { src: '192.0.2.1', srcPort: 5555, dst: '127.0.0.1', dstPort: 443, frontend: 'fe', vars: new Map(), ...extra };
}
const ev = (e: string, c: SampleContext) => compileSampleExpr(e, (m) => assert.fail(`${e}: ${m}`))!(c);

/** The first bytes a Node.js TLS client sends (its ClientHello), captured on loopback. */
async function clientHello(servername: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer((sock) => {
      sock.once('data', (d) => {
        resolve(d);
        sock.destroy();
        srv.close();
      });
    });
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      const c = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false });
      c.on('error', () => { /* the server hangs up after the hello */ });
    });
    srv.on('error', reject);
  });
}

test('req.ssl_sni / req_ssl_sni, req.ssl_ver, req.ssl_hello_type from a ClientHello', async () => {
  const hello = await clientHello('www.example.com');
  const c = base({ payload: hello });
  assert.equal(ev('req.ssl_sni', c), 'www.example.com');
  assert.equal(ev('req_ssl_sni', c), 'www.example.com');
  assert.equal(ev('req.ssl_hello_type', c), 1);
  assert.equal(ev('req_ssl_ver', c), 0x30003); // TLS 1.2 legacy_version, also sent by TLS 1.3 clients
  // Truncated buffers give no sample rather than an exception.
  for (let n = 0; n < hello.length; n += 7) assert.equal(ev('req.ssl_sni', base({ payload: hello.subarray(0, n) })), undefined);
  assert.equal(ev('req.ssl_sni', base({ payload: Buffer.from('GET / HTTP/1.1\r\n\r\n') })), undefined);
});

test('payload slices and lengths', () => {
  const c = base({ payload: Buffer.from([1, 2, 3, 0, 2, 0xaa, 0xbb, 9]) });
  assert.deepEqual(ev('req.payload(1,2)', c), Buffer.from([2, 3]));
  assert.deepEqual(ev('req.payload(6,0)', c), Buffer.from([0xbb, 9]));
  assert.equal(ev('req.payload(6,5)', c), undefined);
  assert.deepEqual(ev('req.payload_lv(3,2)', c), Buffer.from([0xaa, 0xbb]));
  assert.equal(ev('req.len', c), 8);
  assert.equal(ev('req_len', base()), 0);
});

test('addresses, ports, names and TLS connection facts', () => {
  const c = base({ backend: 'app', server: 'web1', ssl: { sni: 'a.example' } });
  assert.equal(ev('src', c), '192.0.2.1');
  assert.equal(ev('src_port', c), 5555);
  assert.equal(ev('dst', c), '127.0.0.1');
  assert.equal(ev('dst_port', c), 443);
  assert.equal(ev('fe_name', c), 'fe');
  assert.equal(ev('be_name', c), 'app');
  assert.equal(ev('srv_name', c), 'web1');
  assert.equal(ev('ssl_fc', c), true);
  assert.equal(ev('ssl_fc', base()), false);
  assert.equal(ev('ssl_fc_sni', c), 'a.example');
});

test('constants', () => {
  const c = base();
  assert.equal(ev('int(-3)', c), -3);
  assert.equal(ev('str(abc)', c), 'abc');
  assert.equal(ev('bool(true)', c), true);
  assert.equal(ev('bool(0)', c), false);
  assert.equal(ev('always_true', c), true);
  assert.equal(ev('always_false', c), false);
  assert.equal(ev('ipv4(10.0.0.1)', c), '10.0.0.1');
  assert.deepEqual(ev('bin(0aff)', c), Buffer.from([10, 255]));
});

test('runtime-state fetches read ctx.runtime', () => {
  const runtime: RuntimeLookup = {
    backend: (n) => (n === 'app' ? { nbsrv: 2, conn: 5, queue: 1, connslots: 10 } : undefined),
    server: (b, s) => (b === 'app' && s === 'web1' ? { up: true } : b === 'app' && s === 'web2' ? { up: false } : undefined),
  };
  const c = base({ backend: 'app', runtime });
  assert.equal(ev('nbsrv(app)', c), 2);
  assert.equal(ev('nbsrv', c), 2); // current backend
  assert.equal(ev('be_conn(app)', c), 5);
  assert.equal(ev('queue(app)', c), 1);
  assert.equal(ev('connslots(app)', c), 10);
  assert.equal(ev('srv_is_up(app/web1)', c), true);
  assert.equal(ev('srv_is_up(app/web2)', c), false);
  assert.equal(ev('srv_is_up(web1)', c), true);
  assert.equal(ev('nbsrv(other)', c), undefined);
  assert.equal(ev('nbsrv(app)', base()), undefined); // no runtime: no sample
});

test('variables in every scope; proc is process-wide', () => {
  const a = base();
  const b = base();
  for (const scope of ['sess', 'txn', 'req', 'res']) {
    ev(`str(${scope}),set-var(${scope}.v)`, a);
    assert.equal(ev(`var(${scope}.v)`, a), scope);
    assert.equal(ev(`var(${scope}.v)`, b), undefined);
  }
  ev('int(5),set-var(proc.shared)', a);
  assert.equal(ev('var(proc.shared)', b), 5);
  procVars.delete('proc.shared');
});

test('global set-var computes at parse time and stores proc variables', () => {
  const { config, messages } = load(`global
  set-var proc.g str(hello),upper
  set-var proc.n int(3),add(2)
  set-var txn.x str(a)
  set-var proc.y nosuch
  set-var proc.z
`);
  assert.equal(procVars.get('proc.g'), 'HELLO');
  assert.equal(procVars.get('proc.n'), 5);
  assert.deepEqual(config.global.ext.vars, { 'proc.g': 'HELLO', 'proc.n': 5 });
  assert.deepEqual(messages.filter((m) => m.includes('[ALERT]') && !/Error\(s\)|Fatal/.test(m)), [
    `[ALERT]    (0) : config : parsing [t.cfg:4] : 'set-var': cannot set variable 'txn.x', only scope 'proc' is permitted in the global section.`,
    `[ALERT]    (0) : config : parsing [t.cfg:5] : unknown fetch method 'nosuch'`,
    `[ALERT]    (0) : config : parsing [t.cfg:6] : 'set-var' requires a process-wide variable name ('proc.<name>') and a sample expression.`,
  ]);
  procVars.clear();
});
