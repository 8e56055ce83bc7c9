/**
 * Unprivileged adaptation of a configuration written for a system service (the stock
 * example: chroot /var/lib/haproxy, user/group _haproxy, daemon, pidfile /run/haproxy.pid,
 * stats socket /var/lib/haproxy/stats, log /dev/log). Used by `npm start` and by
 * `fulcrum --unprivileged DIR`-style runs, so the same file runs for a newcomer without root
 * and without a second copy that drifts. Each change is reported as a NOTICE line.
 *
 * Rules:
 *  - `daemon`, `chroot`, `user`, `group`, `uid`, `gid` are ignored (foreground, current user);
 *  - `pidfile` and unix `stats socket` paths are moved into `stateDir` (same file name);
 *  - a unix-datagram `log` target that does not exist (no syslog daemon, e.g. /dev/log in a
 *    container) is replaced by `stdout` in the raw format, so log lines stay visible.
 */

import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Config } from '../config/model';

export function adaptUnprivileged(config: Config, stateDir: string, notice: (msg: string) => void): void {
  const g = config.global;
  const dropped: string[] = [];
  if (g.daemon) { g.daemon = false; dropped.push('daemon'); }
  if (g.chroot) { dropped.push(`chroot ${g.chroot}`); g.chroot = undefined; }
  if (g.user) { dropped.push(`user ${g.user}`); g.user = undefined; }
  if (g.group) { dropped.push(`group ${g.group}`); g.group = undefined; }
  if (g.uid !== undefined) { dropped.push(`uid ${g.uid}`); g.uid = undefined; }
  if (g.gid !== undefined) { dropped.push(`gid ${g.gid}`); g.gid = undefined; }
  if (dropped.length) notice(`unprivileged mode: ignoring ${dropped.join(', ')}.`);
  if (g.pidfile) {
    const p = join(stateDir, basename(g.pidfile));
    notice(`unprivileged mode: pidfile ${g.pidfile} -> ${p}.`);
    g.pidfile = p;
  }
  for (const s of g.statsSockets) {
    if (s.address.family === 'unix' && s.address.path) {
      const p = join(stateDir, basename(s.address.path));
      notice(`unprivileged mode: stats socket ${s.address.path} -> ${p}.`);
      s.address = { ...s.address, path: p, raw: p };
      s.uid = undefined;
      s.gid = undefined;
      s.user = undefined;
      s.group = undefined;
    }
  }
  const fixLogs = (logs: Config['global']['logs']): void => {
    for (const l of logs) {
      if (l.target.startsWith('/') && !existsSync(l.target)) {
        notice(`unprivileged mode: log target ${l.target} does not exist, logging to stdout instead.`);
        l.target = 'stdout';
        l.format = 'raw';
      }
    }
  };
  fixLogs(g.logs);
  for (const p of config.proxies) fixLogs(p.logs);
}
