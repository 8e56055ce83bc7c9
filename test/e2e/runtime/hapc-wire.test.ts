/**
 * hapc's way of talking to the socket (Debian haproxy-cmd, read for its wire behaviour; the
 * package is not in this distribution): a fresh UNIX connection per command, one line sent,
 * a single recv(4096), columns found by header name (srv_name, srv_op_state,
 * srv_admin_state, used_cur). Reproduced here with a small Python client.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { tempDir } from '../harness';
import { haveCommand, startCliServer } from './clients';

const CONFIG = `
global
    stats socket {{DIR}}/admin.sock level admin
defaults
    mode http
backend app
    server web1 127.0.0.1:28081
    server web2 127.0.0.1:28082
backend other
    server o1 127.0.0.1:28083
`;

/** Sends each command like hapc and prints a JSON object of parsed results. */
const CLIENT = `
import json, socket, sys
path = sys.argv[1]
def send(cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.send((cmd + "\\n").encode())
    data = s.recv(4096).decode()
    s.close()
    return data
def table(text, skip_version):
    lines = [l for l in text.split("\\n") if l.strip()]
    if skip_version:
        lines = lines[1:]
    cols = lines[0].lstrip("# ").split(" ")
    return [dict(zip(cols, l.split(" "))) for l in lines[1:]]
out = {}
out["backends"] = [l for l in send("show backend").split("\\n") if l and not l.startswith("#")]
out["enable"] = send("enable server app/web1")
out["drain"] = send("set server app/web2 state drain")
out["state"] = [(r["srv_name"], r["srv_op_state"], r["srv_admin_state"]) for r in table(send("show servers state app"), True)]
out["conn"] = [(r["bkname/svname"], r["used_cur"]) for r in table(send("show servers conn app"), False)]
out["disable"] = send("disable server app/web1")
out["state2"] = [(r["srv_name"], r["srv_admin_state"]) for r in table(send("show servers state app"), True)]
print(json.dumps(out))
`;

const skip = !haveCommand('python3') ? 'python3 not installed' : false;

test('hapc-style one-shot client: backends, server states, connections, enable/drain/disable', { skip }, async () => {
  const dir = tempDir();
  const srv = await startCliServer(dir, CONFIG);
  try {
    const r = spawnSync('python3', ['-c', CLIENT, join(dir, 'admin.sock')], { encoding: 'utf8', timeout: 10000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(out.backends, ['app', 'other']);
    assert.equal(out.enable, '\n');
    assert.equal(out.drain, '\n');
    assert.deepEqual(out.state, [['web1', '2', '0'], ['web2', '2', '8']]);
    assert.deepEqual(out.conn, [['app/web1', '0'], ['app/web2', '0']]);
    assert.equal(out.disable, '\n');
    assert.deepEqual(out.state2, [['web1', '1'], ['web2', '8']]);
  } finally {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
