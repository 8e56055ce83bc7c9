/**
 * Listening sockets for `bind` lines across process boundaries.
 *
 *  - Master-worker: the master binds every listener (as root, before workers drop
 *    privileges) and keeps the sockets for its whole life; each worker receives them as
 *    inherited file descriptors (child_process stdio slots) and $FULCRUM_LISTEN_FDS maps
 *    `bindKey()` -> fd. A reload starts a new worker on the same sockets, so the kernel's
 *    accept queue never disappears and no connection is refused while workers change.
 *  - Standalone (`-sf`/`-st` hand-over between unrelated processes): listeners are created
 *    with SO_REUSEPORT, as HAProxy does unless `noreuseport`, so the new process binds
 *    while the old one still listens; the old one then stops listening on SIGUSR1.
 *
 * src/proxy/listener.ts asks {@link takeListenFd} before binding by itself, and holds new
 * connections while {@link acceptGate}.held (set until privileges are dropped).
 */

import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import type { BindConfig, GlobalConfig } from '../config/model';
import type { ParsedAddress } from '../config/address';
import { loadNative } from './native';
import { processExt } from './keywords';

/** Environment variable carrying the inherited listener fds (JSON object key -> fd). */
export const LISTEN_FDS_ENV = 'FULCRUM_LISTEN_FDS';

/** While `held`, listeners accept connections but keep them unread (no traffic served). */
export const acceptGate = { held: false };

/** Stable identity of one listening address (one port of a range). */
export function bindKey(a: ParsedAddress, port: number): string | undefined {
  switch (a.family) {
    case 'ipv4': return `ipv4:${a.host || '0.0.0.0'}:${port}`;
    case 'ipv6': return `ipv6:[${a.host || '::'}]:${port}`;
    case 'unix': return a.path ? `unix:${a.path}` : undefined;
    case 'abns': return a.path ? `abns:${a.path}` : undefined;
    default: return undefined;
  }
}

let inherited: Map<string, number> | undefined;

/** Fds inherited from the master (empty outside a worker). */
export function inheritedFds(): Map<string, number> {
  if (!inherited) {
    inherited = new Map();
    const raw = process.env[LISTEN_FDS_ENV];
    if (raw) {
      try {
        for (const [k, v] of Object.entries(JSON.parse(raw) as Record<string, number>)) inherited.set(k, v);
      } catch { /* malformed: bind normally */ }
      // Inherited without FD_CLOEXEC: programs this worker starts (external checks) must not get them.
      const native = loadNative();
      for (const fd of inherited.values()) try { native?.setCloexec(fd, true); } catch { /* not open */ }
      // Children of this process (external checks ...) must not see them.
      delete process.env[LISTEN_FDS_ENV];
    }
  }
  return inherited;
}

/** Standalone listeners use SO_REUSEPORT unless `noreuseport` (global). */
let reusePort = true;
export function configureListenSockets(global: GlobalConfig): void {
  reusePort = processExt(global).flags.noreuseport !== true;
}

/** Options of a `bind` line that Fulcrum's own socket creation cannot honour (Node binds those). */
const NODE_ONLY_OPTIONS = ['interface', 'namespace', 'transparent', 'tfo', 'mss', 'defer-accept'];

/**
 * A ready listening fd for `bind`/`port`, or undefined to let the caller bind with Node.
 * Throws an errno-coded Error (EADDRINUSE, EACCES ...) when binding fails.
 */
export function takeListenFd(bind: BindConfig, port: number): number | undefined {
  const a = bind.address;
  const key = bindKey(a, port);
  const native = loadNative();
  if (key !== undefined) {
    const fd = inheritedFds().get(key);
    if (fd !== undefined) {
      // Keep the inherited descriptor: Node owns (and closes) the duplicate.
      return native ? native.dup(fd) : fd;
    }
  }
  if (!native || (a.family !== 'ipv4' && a.family !== 'ipv6')) return undefined;
  if (NODE_ONLY_OPTIONS.some((o) => bind.options[o] !== undefined)) return undefined;
  const backlog = typeof bind.options.backlog === 'number' ? bind.options.backlog : 1024;
  return native.listenSocket(a.family === 'ipv4' ? 4 : 6, a.host, port, backlog, {
    v6only: bind.options.v6only === true, reusePort: reusePort && bind.options.noreuseport !== true,
  });
}

/**
 * Master side: a listening fd for each enabled bind of `binds`, reusing `existing` ones
 * (same key) so a reload keeps the very same sockets. Returns the new map and the errors.
 */
export function bindForMaster(binds: { proxy: string; cap: string; bind: BindConfig }[], existing: Map<string, number>): { fds: Map<string, number>; errors: string[] } {
  const native = loadNative();
  const fds = new Map<string, number>();
  const errors: string[] = [];
  for (const { proxy, cap, bind } of binds) {
    const a = bind.address;
    for (let port = a.port; port <= a.portEnd; port++) {
      const key = bindKey(a, port);
      if (key === undefined) break; // fd@, sockpair@ ...: the worker handles them itself
      if (fds.has(key)) continue;
      const old = existing.get(key);
      if (old !== undefined) { fds.set(key, old); continue; }
      try {
        if (!native) throw new Error('native helper unavailable');
        const backlog = typeof bind.options.backlog === 'number' ? bind.options.backlog : 1024;
        let fd: number;
        if (a.family === 'unix' || a.family === 'abns') {
          if (a.family === 'unix') removeStaleSocket(a.path!);
          fd = native.listenSocket(0, a.family === 'abns' ? '\0' + a.path! : a.path!, 0, backlog);
          if (a.family === 'unix' && typeof bind.options.mode === 'number') try { chmodSync(a.path!, bind.options.mode); } catch { /* reported by the worker */ }
        } else {
          fd = native.listenSocket(a.family === 'ipv4' ? 4 : 6, a.host, port, backlog, { v6only: bind.options.v6only === true, reusePort });
        }
        fds.set(key, fd);
      } catch (e) {
        errors.push(`Starting ${cap === 'listen' ? 'proxy' : 'frontend'} ${proxy}: cannot bind socket (${describe(e as NodeJS.ErrnoException)}) [${a.raw}]`);
      }
      if (a.family !== 'ipv4' && a.family !== 'ipv6') break;
    }
  }
  return { fds, errors };
}

function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch { /* absent */ }
}

function describe(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'EADDRINUSE': return 'Address already in use';
    case 'EACCES': return 'Permission denied';
    case 'EADDRNOTAVAIL': return 'Cannot assign requested address';
    default: return e.message;
  }
}
