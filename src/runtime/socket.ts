/**
 * Stats socket listeners (HAProxy: the GLOBAL CLI frontend). One listener per `stats socket`
 * line, UNIX (a stale socket file is removed first, then mode/uid/gid applied), abstract or
 * TCP. All listeners share `stats maxconn` (default 10): connections beyond it wait, paused,
 * until a slot frees, as HAProxy leaves them in the accept queue rather than refusing them.
 */

import net from 'node:net';
import { chmodSync, chownSync, lstatSync, unlinkSync } from 'node:fs';
import type { StatsSocketConfig } from '../config/model';
import type { Instance } from '../process/instance';
import { CliConnection } from './connection';

/** Shared connection slots of all stats sockets. */
export class CliSlots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(public maxconn: number) {}

  /** Runs `start` now if a slot is free, else when one frees. */
  acquire(start: () => void): void {
    if (this.active < this.maxconn) {
      this.active++;
      start();
    } else this.waiting.push(start);
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

/** A human-readable name for a socket address, for messages. */
export function socketName(cfg: StatsSocketConfig): string {
  return cfg.address.path ?? cfg.address.raw;
}

/** Removes a stale UNIX socket file at `path` (only if it is a socket). */
function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch { /* absent: nothing to remove */ }
}

/**
 * Opens one stats socket. Resolves with the listening server, rejects with the listen error
 * (EADDRINUSE, EACCES ...) so the caller can report it as HAProxy does at startup.
 */
export function openStatsSocket(instance: Instance, cfg: StatsSocketConfig, slots: CliSlots): Promise<net.Server> {
  const server = net.createServer({ allowHalfOpen: true }, (sock) => {
    sock.pause();
    sock.on('error', () => { /* reported through close */ });
    slots.acquire(() => {
      if (sock.destroyed) {
        slots.release();
        return;
      }
      sock.once('close', () => slots.release());
      new CliConnection(instance, sock, cfg.level, instance.config.global.statsTimeout);
      sock.resume();
    });
  });
  const a = cfg.address;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      if (a.family === 'unix' && a.path) {
        if (cfg.mode !== undefined) chmodSync(a.path, cfg.mode);
        if (cfg.uid !== undefined || cfg.gid !== undefined) chownSync(a.path, cfg.uid ?? -1, cfg.gid ?? -1);
      }
      resolve(server);
    };
    if (a.family === 'unix' && a.path) {
      removeStaleSocket(a.path);
      server.listen(a.path, done);
    } else if (a.family === 'abns' && a.path) {
      server.listen('\0' + a.path, done);
    } else {
      server.listen({ host: a.host || (a.family === 'ipv6' ? '::' : '0.0.0.0'), port: a.port }, done);
    }
  });
}
