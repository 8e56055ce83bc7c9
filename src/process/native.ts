/**
 * Loader for Fulcrum's native helper (native/fulcrum_native.c, built by `npm install`
 * through native/build.js): the system calls Node.js lacks — chroot(2), listening sockets
 * with SO_REUSEPORT, dup(2), and UNIX datagram sockets (syslog /dev/log, systemd's
 * NOTIFY_SOCKET). Loaded once; features that need it call {@link requireNative}, which
 * fails with a message naming the feature rather than silently doing nothing.
 */

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface NativeHelper {
  /** chroot(2) then chdir("/"). Throws an errno-coded Error. */
  chroot(path: string): void;
  setgroups(gids: number[]): void;
  /**
   * A listening socket: family 4/6 (SO_REUSEADDR, SO_REUSEPORT unless `reusePort: false`),
   * or 0 for a UNIX stream socket at `addr` (leading NUL: abstract). `addr` '' = any.
   */
  listenSocket(family: 0 | 4 | 6, addr: string, port: number, backlog: number, opts?: { v6only?: boolean; reusePort?: boolean }): number;
  /** dup(2) with FD_CLOEXEC. */
  dup(fd: number): number;
  close(fd: number): void;
  /** Sets (default) or clears FD_CLOEXEC. */
  setCloexec(fd: number, on?: boolean): void;
  /** A non-blocking UNIX datagram socket connected to `path` ('@name' = abstract). */
  dgramOpen(path: string): number;
  /** send(2) on a connected datagram socket: bytes sent, or -errno (EAGAIN ... are not thrown). */
  dgramSend(fd: number, data: Buffer): number;
  /** One-shot sendto(2) on a fresh UNIX datagram socket (sd_notify). */
  dgramSendTo(path: string, data: Buffer): number;
}

let cached: NativeHelper | null | undefined;
let loadError = '';

/** Root of the package (dist/src/process -> ../../..; src/process under ts-node -> ../..). */
function packageRoot(): string {
  for (const up of ['../../..', '../..']) {
    const r = resolve(__dirname, up);
    if (existsSync(join(r, 'package.json')) && existsSync(join(r, 'native'))) return r;
  }
  return resolve(__dirname, '../../..');
}

/** The helper, or undefined when it was not built (see {@link nativeLoadError}). */
export function loadNative(): NativeHelper | undefined {
  if (cached !== undefined) return cached ?? undefined;
  const root = packageRoot();
  for (const p of [join(root, 'native', 'build', 'fulcrum_native.node'), join(root, 'native', 'build', 'Release', 'fulcrum_native.node')]) {
    if (!existsSync(p)) continue;
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      cached = require(p) as NativeHelper;
      return cached;
    } catch (e) {
      loadError = (e as Error).message;
    }
  }
  if (!loadError) loadError = `native/build/fulcrum_native.node not found (run 'npm install' or 'node native/build.js')`;
  cached = null;
  return undefined;
}

export function nativeLoadError(): string { loadNative(); return loadError; }

/** The helper, or throws `<feature> needs Fulcrum's native helper: <why>`. */
export function requireNative(feature: string): NativeHelper {
  const n = loadNative();
  if (!n) throw new Error(`${feature} needs Fulcrum's native helper, which is unavailable: ${loadError}`);
  return n;
}
