/**
 * `-D` / global `daemon` for a runtime that cannot fork(). The parent re-spawns
 * `process.execPath` with the same script and arguments, detached in its own session
 * (setsid), with an IPC channel and {@link DAEMON_ENV} set. It relays the child's stderr
 * until the child reports `ready` (then exits 0, leaving the daemon running) or exits
 * (then exits with the child's status), as HAProxy's parent waits for its workers to start.
 * The child writes the pidfile with its own PID and stops writing to stderr once ready,
 * like HAProxy's daemon closing its standard streams.
 */

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

/** Environment marker telling a process it is the detached daemon child. */
export const DAEMON_ENV = 'FULCRUM_DAEMON_CHILD';

/** Message the daemon child sends over IPC once its services have started. */
export interface DaemonReadyMessage { type: 'fulcrum-ready'; pid: number }

/** True in the re-spawned daemon child. */
export function isDaemonChild(): boolean {
  return process.env[DAEMON_ENV] === '1' && typeof process.send === 'function';
}

/**
 * Parent side: spawns the daemon child and resolves with the exit status the parent must
 * use (0 once the child is ready, the child's own status if it died first).
 */
export function spawnDaemon(scriptArgs: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, ...scriptArgs], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, [DAEMON_ENV]: '1' },
    });
    let done = false;
    const finish = (code: number): void => {
      if (done) return;
      done = true;
      child.stderr?.removeAllListeners('data');
      child.stderr?.destroy();
      if (child.connected) child.disconnect();
      child.unref();
      resolve(code);
    };
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
    child.on('message', (m: unknown) => {
      if ((m as DaemonReadyMessage)?.type === 'fulcrum-ready') finish(0);
    });
    child.on('exit', (code, signal) => finish(code ?? (signal ? 1 : 0)));
    child.on('error', (e) => {
      process.stderr.write(`[ALERT]    (${process.pid}) : Cannot fork: ${e.message}\n`);
      finish(1);
    });
  });
}

/**
 * Child side, once started: tells the parent it is ready, drops the IPC channel and mutes
 * stderr (the parent stopped relaying it; writes to a closed pipe would raise EPIPE).
 */
export function daemonReady(): void {
  const msg: DaemonReadyMessage = { type: 'fulcrum-ready', pid: process.pid };
  process.send!(msg, () => {
    process.disconnect?.();
    const quietWrite = ((_chunk: unknown, enc?: unknown, cb?: unknown): boolean => {
      const done = typeof enc === 'function' ? enc : cb;
      if (typeof done === 'function') (done as () => void)();
      return true;
    }) as typeof process.stderr.write;
    process.stderr.write = quietWrite;
    process.stdout.write = quietWrite;
    process.stderr.on('error', () => { /* parent gone */ });
  });
}

/** Writes `pid` (default: this process) and a newline into `path`, as HAProxy does. */
export function writePidfile(path: string, pid = process.pid): string | undefined {
  try {
    writeFileSync(path, `${pid}\n`);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
