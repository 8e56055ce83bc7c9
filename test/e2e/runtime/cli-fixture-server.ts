/**
 * A stand-alone process serving only the runtime API over an Instance built by hand from a
 * config file (no data plane): lets real clients (hatop, socat) be tested against the stats
 * socket whatever state the data plane is in. Usage: node cli-fixture-server.js CFG.
 * Prints `ready` once every stats socket listens; exits on SIGTERM.
 */

import { readFileSync } from 'node:fs';
import { buildInstance } from '../../unit/runtime/helpers';
import { CliSlots, openStatsSocket } from '../../../src/runtime/socket';

async function main(): Promise<void> {
  const instance = buildInstance(readFileSync(process.argv[2], 'utf8'));
  const slots = new CliSlots(instance.config.global.statsMaxconn);
  for (const s of instance.config.global.statsSockets) await openStatsSocket(instance, s, slots);
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => process.exit(0));
}

void main();
