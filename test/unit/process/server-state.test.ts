/**
 * server-state-file parsing and the files the master writes from a `show servers state` dump.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/modules';
import { parseString } from '../../../src/config/parser';
import { parseStateFile, stateFilesFor, globalStateFile, localStateFile, serverStateExt } from '../../../src/process/server-state';

const HEADER = '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port';
// Lines as HAProxy 2.6.12 dumps them (`show servers state`).
const DUMP = `1\n${HEADER}\n3 app 1 app1 127.0.0.1 2 0 7 1 12 1 0 2 0 0 0 0 - 5001 - 0 0 - - 0\n3 app 2 app2 10.0.0.9 2 1 1 1 3 1 0 2 0 0 0 0 - 5002 - 0 0 - - 0\n4 other 1 o1 127.0.0.1 0 8 1 1 3 1 0 2 0 0 0 0 - 6000 - 0 0 - - 0\n`;

test('parseStateFile reads version 1 lines by column', () => {
  const lines = parseStateFile(DUMP);
  assert.equal(lines.length, 3);
  assert.deepEqual(lines[0], { beId: 3, beName: 'app', srvId: 1, srvName: 'app1', addr: '127.0.0.1', opState: 2, adminState: 0, uweight: 7, iweight: 1, port: 5001 });
  assert.equal(lines[1].adminState, 1);
  assert.equal(lines[1].addr, '10.0.0.9');
  assert.equal(lines[2].opState, 0);
});

test('parseStateFile ignores unknown versions and short lines', () => {
  assert.deepEqual(parseStateFile(DUMP.replace(/^1\n/, '2\n')), []);
  assert.deepEqual(parseStateFile('1\n3 app 1 app1\n'), []);
  assert.deepEqual(parseStateFile(''), []);
});

const CFG = `
global
    server-state-base /var/lib/st
    server-state-file global.state
defaults
    mode http
    load-server-state-from-file global
backend app
    server app1 127.0.0.1:5001
backend other
    load-server-state-from-file local
    server o1 127.0.0.1:6000
backend named
    load-server-state-from-file local
    server-state-file-name /abs/named.state
    server n1 127.0.0.1:7000
backend off
    load-server-state-from-file none
    server x 127.0.0.1:7001
`;

test('keywords, inheritance from defaults and file names', () => {
  const { config } = parseString(CFG);
  const be = (n: string) => config.proxies.find((p) => p.name === n)!;
  assert.equal(serverStateExt(be('app')).load, 'global');
  assert.equal(serverStateExt(be('other')).load, 'local');
  assert.equal(serverStateExt(be('off')).load, 'none');
  assert.equal(globalStateFile(config), '/var/lib/st/global.state');
  assert.equal(localStateFile(config, be('other')), '/var/lib/st/other');
  assert.equal(localStateFile(config, be('named')), '/abs/named.state');
});

test('stateFilesFor: the global file gets the whole dump, a local file its backend only', () => {
  const { config } = parseString(CFG);
  const files = stateFilesFor(config, DUMP);
  assert.deepEqual(files.map((f) => f.path), ['/var/lib/st/global.state', '/var/lib/st/other', '/abs/named.state']);
  assert.equal(files[0].text, DUMP);
  assert.equal(files[1].text, `1\n${HEADER}\n4 other 1 o1 127.0.0.1 0 8 1 1 3 1 0 2 0 0 0 0 - 6000 - 0 0 - - 0\n`);
  assert.equal(files[2].text, `1\n${HEADER}\n`);
});

test('bad arguments: the same messages as haproxy -c (2.6.12)', () => {
  const { diagnostics } = parseString('backend b\n    load-server-state-from-file sometimes\n    server-state-file-name a b\n    server s 127.0.0.1:1\n');
  const text = diagnostics.items.map((d) => d.message).join('\n');
  assert.match(text, /'load-server-state-from-file' expects 'global', 'local' or 'none'\. Got 'sometimes'/);
  assert.match(text, /'server-state-file-name' cannot handle unexpected argument 'b'\./);
});
