/**
 * Errors answered by the HTTP/1 layer before a request is parsed, compared with HAProxy 2.6.12
 * on the same bytes (observed on loopback with the stock example's defaults):
 * - a request head cut by the client's FIN (or only empty lines then FIN) is answered 400 and
 *   logged `-1/-1/-1/-1/0 400 0 - - CR-- ... "<BADREQ>"`;
 * - that case, an invalid request (PR--) and an empty connection each count one request
 *   (req_tot), one request error (ereq) and one 4xx on the frontend.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { cliCommand, freePorts, pollUntil, startFulcrum, startHttpStub, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess;
let front: number;
let stub: Awaited<ReturnType<typeof startHttpStub>>;

/** Sends `raw`, half-closes, returns everything received until the server closes. */
function sendAndHalfClose(raw: string): Promise<string> {
  return new Promise((res, rej) => {
    const s = net.connect({ port: front, host: '127.0.0.1' });
    let data = '';
    const t = setTimeout(() => { s.destroy(); res(data); }, 3000);
    s.on('connect', () => { if (raw) s.write(raw); s.end(); });
    s.on('data', (d) => { data += d.toString('latin1'); });
    s.on('close', () => { clearTimeout(t); res(data); });
    s.on('error', (e) => { clearTimeout(t); if (data) res(data); else rej(e); });
  });
}

async function feCounter(name: string): Promise<number> {
  const out = await cliCommand(`${fp.dir}/stats.sock`, 'show stat -1 1 -1 typed');
  const m = new RegExp(`^F\\.\\d+\\.0\\.\\d+\\.${name}\\.1:[A-Z]+:u\\d+:(\\d+)$`, 'm').exec(out);
  assert.ok(m, `${name} in ${out}`);
  return Number(m[1]);
}

before(async () => {
  const [p0, p1] = await freePorts(2);
  front = p0;
  stub = await startHttpStub('app', p1);
  fp = await startFulcrum(`
global
    log stdout format raw local0
    stats socket {{DIR}}/stats.sock level admin
defaults
    mode http
    log global
    option httplog
    option http-server-close
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    timeout http-request 5s
frontend main
    bind 127.0.0.1:${front}
    default_backend app
backend app
    server app1 127.0.0.1:${p1}
`, { waitPort: front });
});

after(async () => {
  await fp?.stop();
  await stub?.close();
});

test('a request head cut by the client FIN is answered 400 and logged CR-- <BADREQ>', async () => {
  const r = await sendAndHalfClose('GET / HTTP/1.1\r\n');
  assert.match(r, /^HTTP\/1\.1 400 Bad request\r\n/);
  await pollUntil(() => /main\/<NOSRV> -1\/-1\/-1\/-1\/\d+ 400 0 - - CR-- .* "<BADREQ>"/.test(fp.stdout), `CR-- line\n${fp.stdout}`);
  const e = await sendAndHalfClose('\r\n');
  assert.match(e, /^HTTP\/1\.1 400 Bad request\r\n/);
});

test('errors before a parsed request count in req_tot, ereq and hrsp_4xx (as HAProxy)', async () => {
  const before = { req: await feCounter('req_tot'), ereq: await feCounter('ereq'), x4: await feCounter('hrsp_4xx') };
  await sendAndHalfClose('GET / HTTP/1.1\r\n');
  await sendAndHalfClose('GARBAGE\r\n\r\n');
  await sendAndHalfClose('');
  await pollUntil(async () => (await feCounter('hrsp_4xx')) === before.x4 + 3, 'three 4xx');
  assert.equal(await feCounter('req_tot'), before.req + 3);
  assert.equal(await feCounter('ereq'), before.ereq + 3);
});
