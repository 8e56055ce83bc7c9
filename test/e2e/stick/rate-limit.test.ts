/**
 * Rate limiting with a stick table through bin/fulcrum (the done-criterion):
 * `stick-table type ip size 100k expire 30s store http_req_rate(10s)`, `http-request track-sc0
 * src`, `http-request deny deny_status 429 if { sc_http_req_rate(0) gt 10 }`: the 11th
 * request within the period is refused with HAProxy's 429 page; the table is visible and
 * editable through the stats socket.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { freePorts, startFulcrum, startHttpStub, cliCommand, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess;
let stub: Awaited<ReturnType<typeof startHttpStub>>;
let front = 0;
let sock = '';

before(async () => {
  const [p0, p1] = await freePorts(2);
  front = p0;
  stub = await startHttpStub('s1', p1);
  fp = await startFulcrum(`
global
  stats socket {{DIR}}/admin.sock level admin
defaults
  mode http
  timeout client 5s
  timeout server 5s
  timeout connect 1s
frontend f
  bind 127.0.0.1:${p0}
  stick-table type ip size 100k expire 30s store http_req_rate(10s),gpc0
  http-request track-sc0 src
  http-request deny deny_status 429 if { sc_http_req_rate(0) gt 10 }
  default_backend b
backend b
  server s 127.0.0.1:${p1}
`, { waitPort: p0, waitSocket: '{{DIR}}/admin.sock' });
  sock = `${fp.dir}/admin.sock`;
});

after(async () => {
  await fp?.stop();
  await stub?.close();
});

test('the 11th request of a source within 10s gets 429, on keep-alive and new connections alike', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const statuses: number[] = [];
  const bodies: string[] = [];
  try {
    for (let i = 0; i < 12; i++) {
      const agentFor = i < 6 ? agent : false;
      const r = await new Promise<{ status: number; body: string }>((res, rej) => {
        const q = http.get({ host: '127.0.0.1', port: front, path: '/', agent: agentFor }, (s) => {
          let b = '';
          s.on('data', (d) => { b += d; });
          s.on('end', () => res({ status: s.statusCode!, body: b }));
        });
        q.setTimeout(5000, () => q.destroy(new Error('timeout')));
        q.on('error', rej);
      });
      statuses.push(r.status);
      bodies.push(r.body);
    }
  } finally {
    agent.destroy();
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
  assert.equal(bodies[10], '<html><body><h1>429 Too Many Requests</h1>\nYou have sent too many requests in a given amount of time.\n</body></html>\n');
  assert.equal(stub.requests.length, 10);
});

test('show table lists the entry; clear table resets the client', async () => {
  const shown = await cliCommand(sock, 'show table f');
  assert.match(shown, /^# table: f, type: ip, size:102400, used:1\n0x[0-9a-f]+: key=127\.0\.0\.1 use=0 exp=\d+ gpc0=0 http_req_rate\(10000\)=12\n\n$/);
  assert.equal(await cliCommand(sock, 'clear table f key 127.0.0.1'), '\n');
  assert.equal(await cliCommand(sock, 'show table f'), '# table: f, type: ip, size:102400, used:0\n\n');
  const r = await new Promise<number>((res, rej) => http.get({ host: '127.0.0.1', port: front, path: '/', agent: false }, (s) => { s.resume(); s.on('end', () => res(s.statusCode!)); }).on('error', rej));
  assert.equal(r, 200);
});
