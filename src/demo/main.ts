/**
 * `npm start`: runs the stock HAProxy example (examples/haproxy.cfg, unchanged) end to end
 * in this one process: demo backends on 127.0.0.1:4331 (static) and 5001-5004 (app1-app4),
 * then Fulcrum itself with the unprivileged adaptation (see process/unprivileged.ts) so it
 * needs no root. Try: `for i in 1 2 3 4 5; do curl -s localhost:5000/; done`.
 */

import '../modules';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseFiles } from '../config/parser';
import { Diagnostics, formatDiagnostic, logPrefix } from '../config/diagnostics';
import { validateConfig } from '../config/validate';
import { adaptUnprivileged } from '../process/unprivileged';
import { runServer } from '../process/run';
import { startDemoBackend } from './backends';

async function main(): Promise<void> {
  const root = resolve(__dirname, '../../..');
  const cfgFile = process.env.FULCRUM_DEMO_CONFIG ?? join(root, 'examples', 'haproxy.cfg');
  const stateDir = process.env.FULCRUM_STATE_DIR ?? join(root, 'run');
  mkdirSync(stateDir, { recursive: true });
  const diag = new Diagnostics();
  const { config } = parseFiles([cfgFile], diag);
  const note = (m: string): void => { process.stderr.write(`${logPrefix('notice')}${m}\n`); };
  // The stock file names `user _haproxy`: an unknown user is an error for a real service run,
  // but the demo does not switch users, so those particular diagnostics are dropped.
  let items = diag.items.filter((d) => !/cannot find (user|group) id for/.test(d.message));
  // The per-file summary line only stands if some other error remains.
  if (!items.some((d) => d.severity === 'alert' && !d.message.startsWith('Error(s) found in configuration file'))) {
    items = items.filter((d) => !d.message.startsWith('Error(s) found in configuration file'));
  }
  for (const d of items) process.stderr.write(formatDiagnostic(d) + '\n');
  if (items.some((d) => d.severity === 'alert')) process.exit(1);
  adaptUnprivileged(config, stateDir, note);
  const vdiag = new Diagnostics();
  validateConfig(config, vdiag);
  for (const d of vdiag.items) process.stderr.write(formatDiagnostic(d) + '\n');
  if (vdiag.errorCount > 0) process.exit(1);

  const backends = [['static', 4331], ['app1', 5001], ['app2', 5002], ['app3', 5003], ['app4', 5004]] as const;
  for (const [name, port] of backends) {
    await startDemoBackend(name, port);
  }
  note(`demo backends: ${backends.map(([n, p]) => `${n} on 127.0.0.1:${p}`).join(', ')}.`);
  await runServer(config, { foreground: true, quiet: false, debug: process.env.FULCRUM_DEBUG === '1', localPeer: '', configFiles: [cfgFile], unprivileged: true });
  note(`Fulcrum is serving ${cfgFile} on :5000. Try: for i in 1 2 3 4 5; do curl -s localhost:5000/; done`);
}

void main();
