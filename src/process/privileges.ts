/**
 * Privilege drop, in HAProxy's order (haproxy.c, after every listener is bound):
 *   1. run the pre-drop hooks (subsystems open what they cannot open later: syslog
 *      /dev/log datagram sockets, files outside the chroot ...);
 *   2. `chroot DIR`: chroot(2) + chdir("/")   -> "[fulcrum.main()] Cannot chroot(DIR)."
 *   3. `group`/`gid`: drop supplementary groups (setgroups to []), setgid
 *                                             -> "[fulcrum.main()] Cannot set gid N."
 *   4. `user`/`uid`: setuid                   -> "[fulcrum.main()] Cannot set uid N."
 * A step that cannot be applied is fatal (exit 1), never ignored. Running as root with no
 * `user`/`uid` keeps full privileges: HAProxy 2.6 says nothing, Fulcrum warns.
 * Node loads code lazily: everything the process needs after the chroot must have been
 * require()d before, which {@link preloadForChroot} does for Node's own lazy modules.
 */

import type { GlobalConfig } from '../config/model';
import { requireNative } from './native';

export type PreDropHook = (global: GlobalConfig) => void | Promise<void>;

const hooks: { name: string; fn: PreDropHook }[] = [];

/**
 * Registers work to do as root before chroot/setuid (e.g. src/log opening /dev/log).
 * Hooks run in registration order; a throwing hook is reported and makes the start fail.
 */
export function registerPreDropHook(name: string, fn: PreDropHook): void {
  hooks.push({ name, fn });
}

export interface DropResult {
  /** Fatal errors (already worded as HAProxy's alerts, without prefix). */
  errors: string[];
  warnings: string[];
}

/** Node modules loaded on first use that a chrooted process could no longer find. */
export function preloadForChroot(): void {
  // Built-ins are compiled into the binary, but these load lazily and some read files
  // (/etc/hosts, /etc/resolv.conf, ICU data) on first use: touch them now.
  require('node:dns');
  require('node:dgram');
  require('node:http');
  require('node:https');
  require('node:tls');
  require('node:zlib');
  require('node:crypto');
  require('node:worker_threads');
  require('node:readline');
  try { new Intl.DateTimeFormat('en-US', { timeZone: 'UTC' }).format(0); } catch { /* no ICU */ }
  // Fulcrum's own modules are all loaded statically from src/modules.ts (no lazy import).
}

/** Runs the hooks then applies chroot, group and user. Never throws. */
export function rootWarning(prog: string): string {
  return `[${prog}.main()] Running as root without 'user'/'uid' in the global section: the process keeps full privileges. Set 'user' (and 'group') to drop them once the listeners are bound.`;
}

/** Runs the hooks then applies chroot, group and user. Never throws. */
export async function dropPrivileges(g: GlobalConfig, prog: string, opts: { warnRoot?: boolean } = {}): Promise<DropResult> {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const h of hooks) {
    try {
      await h.fn(g);
    } catch (e) {
      errors.push(`[${prog}.main()] ${h.name}: ${(e as Error).message}`);
    }
  }
  if (errors.length) return { errors, warnings };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (g.chroot !== undefined) {
    try {
      preloadForChroot();
      requireNative(`'chroot ${g.chroot}'`).chroot(g.chroot);
    } catch (e) {
      errors.push(`[${prog}.main()] Cannot chroot(${g.chroot}). (${(e as Error).message})`);
      return { errors, warnings };
    }
  }
  if (g.gid !== undefined && g.gid !== 0) {
    try {
      process.setgroups!([]);
    } catch {
      warnings.push(`[${prog}.main()] Failed to drop supplementary groups. Using 'gid'/'group' without 'uid'/'user' is generally useless.`);
    }
    try {
      process.setgid!(g.gid);
    } catch {
      errors.push(`[${prog}.main()] Cannot set gid ${g.gid}.`);
      return { errors, warnings };
    }
  }
  if (g.uid !== undefined && g.uid !== 0) {
    try {
      process.setuid!(g.uid);
    } catch {
      errors.push(`[${prog}.main()] Cannot set uid ${g.uid}.`);
      return { errors, warnings };
    }
  } else if (isRoot && opts.warnRoot !== false) {
    warnings.push(rootWarning(prog));
  }
  return { errors, warnings };
}
