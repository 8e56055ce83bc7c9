/**
 * systemd's readiness protocol (sd_notify(3)) for `-Ws`: datagrams such as `READY=1`,
 * `RELOADING=1`, `STOPPING=1` sent to the UNIX datagram socket named by $NOTIFY_SOCKET
 * (a path, or '@name' for an abstract socket). HAProxy's master sends READY=1 once its
 * worker is up, RELOADING=1 when a reload starts, READY=1 again when it is over, and
 * STOPPING=1 when it exits. Without NOTIFY_SOCKET (not under systemd) this does nothing.
 */

import { requireNative } from './native';

/** Sends `state` (lines `KEY=VALUE`); returns false when there is no notify socket. Throws on send errors. */
export function sdNotify(state: string, socket = process.env.NOTIFY_SOCKET): boolean {
  if (!socket) return false;
  const n = requireNative('systemd notify (-Ws)');
  n.dgramSendTo(socket, Buffer.from(state));
  return true;
}

/** sd_notify that reports failures on stderr instead of throwing (the service keeps running). */
export function sdNotifySafe(state: string, warn: (msg: string) => void): void {
  try {
    sdNotify(state);
  } catch (e) {
    warn(`systemd notify '${state.split('\n')[0]}' failed: ${(e as Error).message}`);
  }
}
