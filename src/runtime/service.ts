/**
 * The `runtime` service (order 70, after proxies and checks): opens every `stats socket` at
 * start and closes them on stop, removing UNIX socket files it created.
 */

import type net from 'node:net';
import { unlinkSync } from 'node:fs';
import { registerService, type Instance } from '../process/instance';
import { CliSlots, openStatsSocket, socketName } from './socket';

interface RuntimeState {
  servers: net.Server[];
  paths: string[];
}

function state(instance: Instance): RuntimeState {
  let s = instance.ext.runtime as RuntimeState | undefined;
  if (!s) {
    s = { servers: [], paths: [] };
    instance.ext.runtime = s;
  }
  return s;
}

registerService({
  name: 'runtime',
  order: 70,
  async start(instance) {
    const st = state(instance);
    const slots = new CliSlots(instance.config.global.statsMaxconn);
    for (const cfg of instance.config.global.statsSockets) {
      try {
        st.servers.push(await openStatsSocket(instance, cfg, slots));
        if (cfg.address.family === 'unix' && cfg.address.path) st.paths.push(cfg.address.path);
      } catch (e) {
        // HAProxy's startup message for a listener that cannot bind.
        process.stderr.write(`[ALERT]    (${process.pid}) : Starting frontend GLOBAL: cannot bind UNIX socket (${(e as Error).message}) [${socketName(cfg)}]\n`);
        throw e;
      }
    }
  },
  async stop(instance) {
    const st = state(instance);
    // Stop listening; open CLI sessions end with the process (HAProxy's hard stop).
    for (const s of st.servers) s.close();
    for (const p of st.paths) try { unlinkSync(p); } catch { /* already gone */ }
    st.servers = [];
    st.paths = [];
  },
});
