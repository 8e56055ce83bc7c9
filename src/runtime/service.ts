/**
 * The `runtime` service (order 70, after proxies and checks): opens every `stats socket` at
 * start and closes them on stop, removing UNIX socket files it created.
 */

import type net from 'node:net';
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { registerService, type Instance } from '../process/instance';
import { CliSlots, openStatsSocket, socketName } from './socket';
import { logPrefix } from '../config/diagnostics';

/** strerror() wording of the usual bind errors. */
function errnoText(e: NodeJS.ErrnoException, path?: string): string {
  // libuv reports a UNIX bind in a missing directory as EACCES; the kernel said ENOENT.
  if (e.code === 'EACCES' && path && !existsSync(dirname(path))) return 'No such file or directory';
  switch (e.code) {
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'EADDRINUSE': return 'Address already in use';
    case 'EADDRNOTAVAIL': return 'Cannot assign requested address';
    case 'ENOTDIR': return 'Not a directory';
    case 'EPERM': return 'Operation not permitted';
    default: return e.message;
  }
}

/** Inode and change time: inode numbers alone are reused at once on tmpfs. */
function fileId(path: string): string {
  const st = lstatSync(path, { bigint: true });
  return `${st.ino}:${st.ctimeNs}`;
}

interface RuntimeState {
  servers: net.Server[];
  paths: string[];
  /** Identity (inode, ctime) of each socket file created, so that stop() leaves alone one a newer process put there (-sf, reload). */
  inodes?: Map<string, string>;
  serverPaths?: Map<net.Server, string>;
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
    let failed = false;
    for (const cfg of instance.config.global.statsSockets) {
      try {
        const server = await openStatsSocket(instance, cfg, slots);
        st.servers.push(server);
        if (cfg.address.family === 'unix' && cfg.address.path) {
          st.paths.push(cfg.address.path);
          try { (st.inodes ??= new Map()).set(cfg.address.path, fileId(cfg.address.path)); } catch { /* unlinked on stop as before */ }
          (st.serverPaths ??= new Map()).set(server, cfg.address.path);
        }
      } catch (e) {
        failed = true;
        const kind = cfg.address.family === 'unix' ? 'UNIX socket' : cfg.address.family === 'abns' ? 'ABNS socket' : 'socket';
        process.stderr.write(`${logPrefix('alert')}Binding [${cfg.src.file}:${cfg.src.line}] for frontend GLOBAL: cannot bind ${kind} (${errnoText(e as NodeJS.ErrnoException, cfg.address.family === 'unix' ? cfg.address.path : undefined)}) [${socketName(cfg)}]\n`);
      }
    }
    if (failed) {
      // As HAProxy: every failed bind is reported, then the process gives up.
      process.stderr.write(`${logPrefix('alert')}[${process.argv[1]?.split('/').pop() ?? 'fulcrum'}.main()] Some protocols failed to start their listeners! Exiting.\n`);
      process.exit(1);
    }
  },
  async stop(instance) {
    const st = state(instance);
    // Stop listening; open CLI sessions end with the process (HAProxy's hard stop).
    // A socket file that a newer process (-sf, master-worker reload) put at the same path is
    // left alone: closing our server would let libuv unlink it, so that one is not closed
    // (its descriptor goes with the process, which is exiting).
    const ours = (p: string): boolean => {
      try {
        const ino = st.inodes?.get(p);
        return ino === undefined || fileId(p) === ino;
      } catch { return false; }
    };
    for (const s of st.servers) {
      const p = st.serverPaths?.get(s);
      if (p === undefined || ours(p)) s.close();
    }
    for (const p of st.paths) if (ours(p)) try { unlinkSync(p); } catch { /* already gone */ }
    st.servers = [];
    st.paths = [];
  },
});
