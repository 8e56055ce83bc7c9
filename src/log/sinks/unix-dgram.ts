/**
 * Unix datagram sink (`log /dev/log local0`, `log unix@/path ...`). Node has no AF_UNIX
 * SOCK_DGRAM support, so this uses the small Node-API addon in native/unix-dgram (built by
 * node-gyp at `npm install`, an optional dependency). Each message is one non-blocking
 * sendto() on an unbound socket, so a syslog daemon that restarts (new socket at the same
 * path) is picked up without reconnecting. EAGAIN (receiver full) drops the message; it is
 * reported to onError like any failure (counted, never printed).
 */

import type { LogSink, SinkErrorHandler } from './types';
import { describeErrno } from './errno';

/** The addon's functions (see native/unix-dgram/unix_dgram.c). Negative numbers are -errno. */
export interface UnixDgramAddon {
  socket(): number;
  bind(path: string): number;
  sendto(fd: number, path: string, data: Buffer): number;
  recv(fd: number, maxlen?: number): Buffer | null | number;
  close(fd: number): number;
}

let addon: UnixDgramAddon | null | undefined;
let loadError = '';

/** The addon, or null when it was not built (the error is in {@link unixDgramLoadError}). */
export function loadUnixDgram(): UnixDgramAddon | null {
  if (addon !== undefined) return addon;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    addon = require('fulcrum-unix-dgram') as UnixDgramAddon;
  } catch (e) {
    addon = null;
    loadError = (e as Error).message.split('\n')[0];
  }
  return addon;
}

/** Why the addon could not be loaded ('' when it loaded). */
export function unixDgramLoadError(): string { return loadError; }


/** Sends each message as one datagram to a unix socket path (sendto, non-blocking). */
export class UnixDgramSink implements LogSink {
  private fd = -1;

  constructor(private readonly path: string, private readonly onError: SinkErrorHandler) {
    const a = loadUnixDgram();
    if (!a) {
      onError('ENOSYS', `unix datagram sockets unavailable (native addon fulcrum-unix-dgram not built: ${loadError})`, 38);
      return;
    }
    const fd = a.socket();
    if (fd < 0) {
      const d = describeErrno(-fd);
      onError(d.code, d.text, d.errno);
      return;
    }
    this.fd = fd;
  }

  send(message: Buffer): void {
    if (this.fd < 0) return;
    const r = addon!.sendto(this.fd, this.path, message);
    if (r < 0) {
      const d = describeErrno(-r);
      this.onError(d.code, d.text, d.errno);
    }
  }

  close(): void {
    if (this.fd >= 0) addon!.close(this.fd);
    this.fd = -1;
  }
}
