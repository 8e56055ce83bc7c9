/**
 * Server state across reloads (HAProxy: server-state-file / load-server-state-from-file,
 * configuration.txt §3.1 and §4.2; the file format is `show servers state`, version 1).
 *
 * Keywords:
 *   global   server-state-file <file>     (processExt strings, parsed in keywords.ts)
 *   global   server-state-base <dir>      (idem): base of relative state file names
 *   defaults/backend/listen  load-server-state-from-file global|local|none
 *   defaults/backend/listen  server-state-file-name [use-backend-name|<file>]
 *
 * Loading (service 'server-state', order 65: after the proxies and their checks are set
 * up, before any traffic and before privileges are dropped, so the file is read outside
 * the chroot): each backend that asks for it gets, per server named in the file: the
 * forced maintenance and drain flags (unless `disabled` changed in the configuration since
 * the dump), the runtime weight (when the configured weight did not change), the address
 * and port set at runtime, and DOWN for a checked server that was DOWN (its check health
 * restarts at 0, so it needs `rise` good checks).
 *
 * Saving: HAProxy leaves it to the operator (`show servers state` > file before a reload);
 * Fulcrum's master also does it by itself before each reload (the current worker renders
 * the dump, the master writes it), so runtime changes survive `systemctl reload` without
 * extra steps. {@link dumpAllServerStates}, {@link stateFilesFor} and {@link writeStateFiles}
 * serve the master.
 */

import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { isIP } from 'node:net';
import { registerKeywords } from '../config/registry';
import { extSlice, type Config, type ProxyConfig } from '../config/model';
import { registerService, type Instance } from './instance';
import { processExt } from './keywords';
import { AdminFlag } from '../proxy/server';
import { logPrefix } from '../config/diagnostics';
import { renderServersState } from '../runtime/servers-state';

export interface ServerStateProxyExt {
  load: 'global' | 'local' | 'none';
  /** `server-state-file-name`: undefined or 'use-backend-name' = the backend's name. */
  fileName?: string;
}

export function serverStateExt(p: ProxyConfig): ServerStateProxyExt {
  return extSlice(p, 'serverState', (): ServerStateProxyExt => ({ load: 'none' }));
}

registerKeywords([
  {
    name: 'load-server-state-from-file', sections: ['defaults', 'backend', 'listen'],
    usage: 'load-server-state-from-file { global | local | none }',
    parse(ctx) {
      const v = ctx.args[1];
      if (v !== 'global' && v !== 'local' && v !== 'none') {
        ctx.error(`'${ctx.args[0]}' expects 'global', 'local' or 'none'. Got '${v ?? ''}'`);
        return;
      }
      if (ctx.proxy) serverStateExt(ctx.proxy).load = v;
    },
  },
  {
    name: 'server-state-file-name', sections: ['defaults', 'backend', 'listen'],
    usage: 'server-state-file-name [ { use-backend-name | <file> } ]',
    parse(ctx) {
      if (ctx.args.length > 2) { ctx.error(`'${ctx.args[0]}' cannot handle unexpected argument '${ctx.args[2]}'.`); return; }
      if (ctx.proxy) serverStateExt(ctx.proxy).fileName = ctx.args[1] ?? 'use-backend-name';
    },
  },
]);

/** `base` + `file` as HAProxy composes them (absolute file names are kept). */
function withBase(file: string, base: string | undefined): string {
  if (isAbsolute(file) || !base) return file;
  return join(base, file);
}

/** The global state file's path, or undefined without `server-state-file`. */
export function globalStateFile(config: Config): string | undefined {
  const s = processExt(config.global).strings;
  const f = s['server-state-file'];
  return f ? withBase(f, s['server-state-base']) : undefined;
}

/** A backend's local state file (load-server-state-from-file local). */
export function localStateFile(config: Config, p: ProxyConfig): string {
  const ext = serverStateExt(p);
  const name = ext.fileName === undefined || ext.fileName === 'use-backend-name' ? p.name : ext.fileName;
  return withBase(name, processExt(config.global).strings['server-state-base']);
}

export interface StateLine {
  beId: number; beName: string; srvId: number; srvName: string; addr: string;
  opState: number; adminState: number; uweight: number; iweight: number; port: number;
}

/** Parses a `show servers state` dump (version 1). Unknown versions give no lines. */
export function parseStateFile(text: string): StateLine[] {
  const lines = text.split('\n');
  if ((lines[0] ?? '').trim() !== '1') return [];
  const out: StateLine[] = [];
  for (const l of lines.slice(1)) {
    if (l.startsWith('#') || l.trim() === '') continue;
    const f = l.trim().split(/\s+/);
    if (f.length < 19) continue;
    out.push({
      beId: Number(f[0]), beName: f[1], srvId: Number(f[2]), srvName: f[3], addr: f[4],
      opState: Number(f[5]), adminState: Number(f[6]), uweight: Number(f[7]), iweight: Number(f[8]),
      port: Number(f[18]),
    });
  }
  return out;
}

/** Applies the state lines of each backend that loads them. Returns how many servers changed. */
export function applyServerState(instance: Instance): number {
  const cfg = instance.config;
  const cache = new Map<string, StateLine[] | undefined>();
  // HAProxy's apply_server_state() warnings (stderr only, like ha_warning()).
  const read = (path: string, who: string): StateLine[] | undefined => {
    if (!cache.has(path)) {
      try {
        cache.set(path, parseStateFile(readFileSync(path, 'utf8')));
      } catch (e) {
        const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as NodeJS.ErrnoException).code === 'EACCES' ? 'Permission denied' : (e as Error).message;
        if (!instance.options.quiet) process.stderr.write(`${logPrefix('warning')}${who}: Can't open ${who === 'config' ? 'global ' : ''}server state file '${path}': ${why}\n`);
        cache.set(path, undefined);
      }
    }
    return cache.get(path);
  };
  let applied = 0;
  for (const px of instance.proxies) {
    if (!px.isBackend) continue;
    const ext = serverStateExt(px.cfg);
    if (ext.load === 'none') continue;
    const path = ext.load === 'global' ? globalStateFile(cfg) : localStateFile(cfg, px.cfg);
    if (!path) continue;
    const lines = read(path, ext.load === 'global' ? 'config' : `Proxy '${px.name}'`);
    if (!lines) continue;
    for (const st of lines) {
      if (st.beName !== px.name) continue;
      const srv = px.findServer(st.srvName);
      if (!srv) continue;
      applied++;
      // Maintenance: the dump's CMAINT says whether `disabled` was configured then; when the
      // configuration changed it since, the configuration wins.
      const wasCfgDisabled = (st.adminState & AdminFlag.CMAINT) !== 0;
      if (wasCfgDisabled === srv.cfg.disabled) srv.setAdmin(AdminFlag.FMAINT, (st.adminState & AdminFlag.FMAINT) !== 0);
      srv.setAdmin(AdminFlag.FDRAIN, (st.adminState & AdminFlag.FDRAIN) !== 0);
      if (st.iweight === srv.iweight && st.uweight !== srv.uweight && st.uweight >= 0 && st.uweight <= 256) srv.setWeight(st.uweight);
      // A server its checks had found DOWN stays DOWN until they pass again (`rise` times),
      // instead of taking traffic right after the reload.
      if (st.opState === 0 && srv.check && srv.isRunning && !srv.inMaint) {
        srv.check.health = 0;
        srv.setStopped();
      }
      let moved = false;
      if (st.addr !== '-' && isIP(st.addr) !== 0 && st.addr !== srv.host) { srv.host = st.addr; moved = true; }
      if (st.port > 0 && st.port <= 65535 && st.port !== srv.port) { srv.port = st.port; moved = true; }
      if (moved) srv.notifyChange();
    }
  }
  return applied;
}

/** Worker side: `show servers state` of every backend, for the master to save. */
export function dumpAllServerStates(instance: Instance): string {
  return renderServersState(instance.proxies.filter((p) => p.isBackend));
}

/**
 * Master side: the files `config` loads from, with their content taken from `dump` (the
 * global file gets everything; a local file gets its backend's lines).
 */
export function stateFilesFor(config: Config, dump: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const global = globalStateFile(config);
  if (global) out.push({ path: global, text: dump });
  const [version, header, ...rows] = dump.split('\n');
  for (const p of config.proxies) {
    if (p.cap !== 'backend' && p.cap !== 'listen') continue;
    if (serverStateExt(p).load !== 'local') continue;
    const mine = rows.filter((r) => r.split(' ')[1] === p.name);
    out.push({ path: localStateFile(config, p), text: [version, header, ...mine, ''].join('\n') });
  }
  return out;
}

/** Master side: writes each file atomically (temporary file + rename). */
export function writeStateFiles(files: { path: string; text: string }[]): string[] {
  const errors: string[] = [];
  for (const f of files) {
    try {
      const tmp = `${f.path}.tmp.${process.pid}`;
      writeFileSync(tmp, f.text);
      renameSync(tmp, f.path);
    } catch (e) {
      errors.push(`Cannot write server state file '${f.path}': ${(e as Error).message}`);
    }
  }
  return errors;
}

registerService({
  name: 'server-state',
  // After the checks service (60) created the check states, before the runtime socket.
  order: 65,
  start(instance) {
    applyServerState(instance);
  },
});
