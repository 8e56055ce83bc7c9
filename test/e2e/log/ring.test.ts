/**
 * `log ring@buf` with a `ring` section, read back with `show events` on the stats socket;
 * answers compared with HAProxy 2.6.12's.
 */

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePorts, startFulcrum, startHttpStub, httpGet, cliCommand, pollUntil, type FulcrumProcess } from '../harness';

let fp: FulcrumProcess | undefined;
let stub: Awaited<ReturnType<typeof startHttpStub>> | undefined;

after(async () => {
  await fp?.stop();
  await stub?.close();
});

test('show events lists the sinks and dumps the ring in its format', async () => {
  const [front] = await freePorts(1);
  stub = await startHttpStub('app1');
  fp = await startFulcrum(`
global
    stats socket {{DIR}}/stats level admin
    log ring@buf local0
ring buf
    description "test ring"
    format rfc3164
    maxlen 1200
    size 32764
defaults
    mode http
    log global
    option httplog
    # the harness's readiness probe opens and closes a connection: HAProxy logs those as CR-- unless dontlognull
    option dontlognull
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend u
    bind 127.0.0.1:${front}
    default_backend app
backend app
    server app1 127.0.0.1:${stub.port}
`, { waitPort: front });
  const sock = `${fp.dir}/stats`;
  assert.equal(await cliCommand(sock, 'show events'),
    'Supported events sinks are listed below. Add -w(wait), -n(new). Any key to stop\n'
    + '    stdout     : type=fd, 0 dropped, standard output (fd#1)\n'
    + '    stderr     : type=fd, 0 dropped, standard output (fd#2)\n'
    + '    buf0       : type=buffer, 0 dropped, in-memory ring buffer\n'
    + '    buf        : type=buffer, 0 dropped, test ring\n\n');
  assert.equal((await httpGet(front, '/r1')).status, 200);
  const dump = await pollUntil(async () => {
    const d = await cliCommand(sock, 'show events buf');
    return d.includes('"GET /r1 HTTP/1.1"') && d;
  }, 'ring line');
  assert.match(dump as string, new RegExp(String.raw`^<134>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d localhost haproxy\[${fp.pid}\]: 127\.0\.0\.1:\d+ \[[^\]]+\] u app/app1 \S+ 200 \d+ - - ---- \S+ 0/0 "GET /r1 HTTP/1\.1"\n\n$`));
  assert.equal(await cliCommand(sock, 'show events buf -n'), '\n');
  assert.equal(await cliCommand(sock, 'show events nope'), 'No such event sink\n');
  assert.equal(await cliCommand(sock, 'show events buf -x'), 'unknown option\n');
  assert.equal(await cliCommand(sock, 'show events buf0'), '\n');
});
