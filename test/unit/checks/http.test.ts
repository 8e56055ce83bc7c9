/** HTTP checks: option httpchk, http-check send/expect/connect, response parsing. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/proxy/keywords';
import '../../../src/checks/keywords';
import { parseString } from '../../../src/config/parser';
import { compileProxyChecks } from '../../../src/checks/config';
import { runRuleset } from '../../../src/checks/rules';
import { parseHttpResponse } from '../../../src/checks/http';
import { scripted, replyWhen, target } from './helpers';

function ruleset(lines: string) {
  const { config } = parseString(`backend b\n${lines}\n    server s 127.0.0.1:1 check\n`);
  const px = config.proxies.find((p) => p.name === 'b')!;
  return compileProxyChecks(px);
}

const headDone = (rx: Buffer) => rx.includes('\r\n\r\n');

async function httpServer(response: string) {
  return scripted(replyWhen(headDone, response, true));
}

test('bare option httpchk sends exactly "OPTIONS / HTTP/1.0" and passes on 200 with code 200', async () => {
  const srv = await httpServer('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n');
  const o = await runRuleset(ruleset('    option httpchk'), target(srv.port));
  assert.equal(srv.received[0].toString(), 'OPTIONS / HTTP/1.0\r\n\r\n');
  assert.equal(o.status, 'L7OK');
  assert.equal(o.code, 200);
  assert.equal(o.info, '');
  await srv.close();
});

test('default expectation: 2xx/3xx pass, 503 is L7STS with the reason phrase', async () => {
  const srv = await httpServer('HTTP/1.0 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n');
  const o = await runRuleset(ruleset('    option httpchk HEAD /primary'), target(srv.port));
  assert.equal(srv.received[0].toString(), 'HEAD /primary HTTP/1.0\r\n\r\n');
  assert.equal(o.status, 'L7STS');
  assert.equal(o.code, 503);
  assert.equal(o.info, 'Service Unavailable');
  await srv.close();
  const srv2 = await httpServer('HTTP/1.1 301 Moved\r\ncontent-length: 0\r\n\r\n');
  assert.equal((await runRuleset(ruleset('    option httpchk'), target(srv2.port))).status, 'L7OK');
  await srv2.close();
});

test('option httpchk METH URI HTTP/1.1 + http-check send hdr/body: lower-case names, connection: close', async () => {
  const srv = await httpServer('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
  const rs = ruleset('    option httpchk GET /x HTTP/1.1\n    http-check send hdr Host foo body abc\n    http-check expect status 200');
  const o = await runRuleset(rs, target(srv.port));
  assert.equal(o.status, 'L7OK');
  assert.equal(srv.received[0].toString(), 'GET /x HTTP/1.1\r\nhost: foo\r\ncontent-length: 3\r\nconnection: close\r\n\r\nabc');
  await srv.close();
});

test('http-check send meth/uri/ver override option httpchk', async () => {
  const srv = await httpServer('HTTP/1.0 200 OK\r\n\r\n');
  const o = await runRuleset(ruleset('    option httpchk\n    http-check send meth GET uri /health ver HTTP/1.0'), target(srv.port));
  assert.equal(o.status, 'L7OK');
  assert.equal(srv.received[0].toString(), 'GET /health HTTP/1.0\r\n\r\n');
  await srv.close();
});

test('http-check expect status list/range, rstatus, ! inverse', async () => {
  const srv = await httpServer('HTTP/1.0 206 Partial\r\ncontent-length: 0\r\n\r\n');
  const run = (l: string) => runRuleset(ruleset(`    option httpchk\n${l}`), target(srv.port));
  assert.equal((await run('    http-check expect status 200')).status, 'L7STS');
  assert.equal((await run('    http-check expect status 200,206')).status, 'L7OK');
  assert.equal((await run('    http-check expect status 200-299')).status, 'L7OK');
  assert.equal((await run('    http-check expect rstatus ^2')).status, 'L7OK');
  assert.equal((await run('    http-check expect ! status 206')).status, 'L7STS');
  await srv.close();
});

test('http-check expect string/rstring on the body, hdr name/value', async () => {
  const srv = await httpServer('HTTP/1.0 200 OK\r\nX-Role: primary, rw\r\ncontent-length: 11\r\n\r\nhello world');
  const run = (l: string) => runRuleset(ruleset(`    option httpchk\n${l}`), target(srv.port));
  assert.equal((await run('    http-check expect string world')).status, 'L7OK');
  const miss = await run('    http-check expect string nope');
  assert.equal(miss.status, 'L7RSP');
  assert.equal(miss.info, 'HTTP content check did not match');
  assert.equal((await run('    http-check expect rstring ^hello')).status, 'L7OK');
  assert.equal((await run('    http-check expect hdr name x-role value rw')).status, 'L7OK');
  assert.equal((await run('    http-check expect fhdr name x-role value rw')).status, 'L7STS');
  assert.equal((await run('    http-check expect hdr name x-other')).status, 'L7STS');
  await srv.close();
});

test('several steps with http-check connect port and comment', async () => {
  const a = await httpServer('HTTP/1.0 200 OK\r\n\r\n');
  const b = await httpServer('HTTP/1.0 500 Oops\r\n\r\n');
  const rs = ruleset(`    option httpchk
    http-check comment first
    http-check connect port ${a.port}
    http-check send meth GET uri /a
    http-check expect status 200
    http-check connect port ${b.port}
    http-check send meth GET uri /b
    http-check expect status 200`);
  const o = await runRuleset(rs, target(1));
  assert.equal(o.status, 'L7STS');
  assert.equal(o.code, 500);
  assert.equal(o.info, 'Oops');
  assert.equal(a.received[0].toString(), 'GET /a HTTP/1.0\r\n\r\n');
  assert.equal(b.received[0].toString(), 'GET /b HTTP/1.0\r\n\r\n');
  await a.close();
  await b.close();
});

test('not HTTP: L7RSP without info; disable-on-404 gives L7OKC', async () => {
  const srv = await httpServer('-ERR nope\r\n');
  const o = await runRuleset(ruleset('    option httpchk'), target(srv.port));
  assert.equal(o.status, 'L7RSP');
  assert.equal(o.info, '');
  await srv.close();
  const s404 = await httpServer('HTTP/1.0 404 Not Found\r\n\r\n');
  const o2 = await runRuleset(ruleset('    option httpchk\n    http-check disable-on-404'), target(s404.port));
  assert.equal(o2.status, 'L7OKC');
  assert.equal(o2.code, 404);
  await s404.close();
});

test('parseHttpResponse waits for the head, then for the body when needed', () => {
  assert.equal(parseHttpResponse(Buffer.from('HTTP/1.0 200 OK\r\n'), false), 'wait');
  assert.equal(parseHttpResponse(Buffer.from('garbage here\r\n'), false), null);
  const r = parseHttpResponse(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nab'), false);
  assert.ok(r && r !== 'wait');
  assert.equal(r.complete, false);
  assert.equal(r.reason, 'OK');
});

import { buildBackend } from './helpers';
import { healthTarget } from '../../../src/checks/service';

test('http-check send-state adds X-Haproxy-Server-State', async () => {
  const srv = await httpServer('HTTP/1.0 200 OK\r\n\r\n');
  const b = buildBackend(`backend app\n    option httpchk\n    http-check send-state\n    server s 127.0.0.1:${srv.port} check weight 3\n`);
  try {
    const s = b.server('s');
    const o = await runRuleset(b.tasks[0].ruleset, healthTarget(b.px, s, 2000));
    assert.equal(o.status, 'L7OK');
    assert.match(srv.received[0].toString(), new RegExp(`^OPTIONS / HTTP/1\\.0\\r\\nx-haproxy-server-state: UP 1/3; address=127\\.0\\.0\\.1; port=${srv.port}; name=app/s; node=[^;]+; weight=3/3; scur=0/0; qcur=0\\r\\n\\r\\n$`));
  } finally {
    await srv.close();
  }
});
