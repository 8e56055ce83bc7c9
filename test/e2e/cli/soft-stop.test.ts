/**
 * `-sf PID`: a new process binds the same address beside the old one, and once it serves,
 * the old one is told to finish (SIGUSR1) and exits. Both are stopped by PID at the end.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canConnect, freePort, startFulcrum } from '../harness';

const config = (port: number): string => `defaults
    mode tcp
    timeout client 10s
    timeout server 10s
    timeout connect 5s
frontend main
    bind 127.0.0.1:${port}
    default_backend app
backend app
    server app1 127.0.0.1:1
`;

test('-sf: the new process serves and the old one exits', async () => {
  const port = await freePort();
  const oldProc = await startFulcrum(config(port), { waitPort: port });
  let newProc: Awaited<ReturnType<typeof startFulcrum>> | undefined;
  try {
    newProc = await startFulcrum(config(port), { args: ['-db', '-sf', String(oldProc.pid)], waitPort: port });
    const r = await oldProc.waitExit(8000);
    assert.equal(r.signal, null, `old process killed by ${r.signal}\n${oldProc.stderr}`);
    assert.ok(newProc.running, 'new process still serving');
    assert.ok(await canConnect(port), 'port still accepts');
  } finally {
    await newProc?.stop();
    await oldProc.stop();
  }
});
