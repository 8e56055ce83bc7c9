/**
 * socat as the client (`echo CMD | socat stdio UNIX:path`), the way operators and scripts
 * such as hapc drive the socket: one command per connection, answer then close.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { tempDir } from '../harness';
import { haveCommand, startCliServer, socat } from './clients';

const CONFIG = `
global
    stats socket {{DIR}}/admin level admin
    stats socket {{DIR}}/stats
defaults
    mode http
frontend main
    bind 127.0.0.1:28999
    default_backend app
backend app
    server app1 127.0.0.1:28081
    server app2 127.0.0.1:28082
`;

const skip = !haveCommand('socat') ? 'socat not installed' : false;

test('show info, show stat and the hapc command set through socat', { skip }, async () => {
  const dir = tempDir();
  const srv = await startCliServer(dir, CONFIG);
  const admin = join(dir, 'admin');
  try {
    assert.match(socat(admin, 'show info'), /^Name: Fulcrum\nVersion: /);
    const stat = socat(admin, 'show stat').split('\n');
    assert.match(stat[0], /^# pxname,svname,qcur,/);
    assert.deepEqual(stat.slice(1, 5).map((l) => l.split(',').slice(0, 2).join(',')), ['main,FRONTEND', 'app,app1', 'app,app2', 'app,BACKEND']);
    assert.equal(socat(admin, 'show backend'), '# name\napp\n\n');
    assert.match(socat(admin, 'show servers state app'), /^1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state /);
    assert.match(socat(admin, 'show servers conn app'), /^# bkname\/svname bkid\/svid addr port - purge_delay used_cur /);
    assert.equal(socat(admin, 'set server app/app1 state drain'), '\n');
    assert.match(socat(admin, 'show servers state app'), /\n3 app 1 app1 127\.0\.0\.1 2 8 /);
    assert.equal(socat(admin, 'disable server app/app1'), '\n');
    assert.equal(socat(admin, 'enable server app/app1'), '\n');
    assert.equal(socat(admin, 'set server app/app1 state ready'), '\n');
    assert.match(socat(admin, 'show servers state app'), /\n3 app 1 app1 127\.0\.0\.1 2 0 /);
    // The default level is operator: admin commands are refused there.
    assert.equal(socat(join(dir, 'stats'), 'disable server app/app1'), 'Permission denied\n\n');
  } finally {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
