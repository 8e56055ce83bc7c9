/**
 * Helpers for e2e tests with real runtime API clients: the CLI-only fixture server
 * (cli-fixture-server.ts), socat, and hatop inside a detached tmux session. Every process is
 * stopped by PID (tmux sessions by their private tmux server, which we created).
 */

import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil } from '../harness';

/** True when `cmd` is on PATH. */
export function haveCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Starts the CLI fixture server on `config` (written to dir/cli.cfg); resolves once it is ready. */
export async function startCliServer(dir: string, config: string): Promise<{ child: ChildProcess; stop(): Promise<void> }> {
  const cfg = join(dir, 'cli.cfg');
  writeFileSync(cfg, config.replaceAll('{{DIR}}', dir));
  const child = spawn(process.execPath, [join(__dirname, 'cli-fixture-server.js'), cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  await pollUntil(() => out.includes('ready') || child.exitCode !== null, 'cli fixture server', 8000);
  if (!out.includes('ready')) throw new Error(`fixture server failed: ${out}`);
  return {
    child,
    stop: () => new Promise<void>((res) => {
      if (child.exitCode !== null) return res();
      child.once('exit', () => res());
      process.kill(child.pid!, 'SIGTERM');
    }),
  };
}

/** `echo CMD | socat stdio UNIX:path` */
export function socat(path: string, command: string): string {
  const r = spawnSync('socat', ['stdio', `UNIX:${path}`], { input: command + '\n', encoding: 'utf8', timeout: 5000 });
  if (r.status !== 0) throw new Error(`socat failed: ${r.stderr}`);
  return r.stdout;
}

/**
 * A detached tmux session running `command`, 200x50, on its own tmux server (a private
 * socket in a temp dir): the user's default server is shared with other test files and
 * people, and it exits when its last session ends, so a new-session right after another
 * test's kill-session could meet the exiting server ("server exited unexpectedly").
 */
export class TmuxSession {
  readonly name = `fulcrum-test-${process.pid}-${Math.floor(Math.random() * 1e9)}`;
  private readonly dir = mkdtempSync(join(tmpdir(), 'fulcrum-tmux-'));
  private readonly socket = join(this.dir, 'tmux.sock');

  constructor(command: string) {
    const r = this.tmux('new-session', '-d', '-s', this.name, '-x', '200', '-y', '50', command);
    if (r.status !== 0) throw new Error(`tmux: ${r.stderr}`);
  }

  private tmux(...args: string[]): SpawnSyncReturns<string> {
    return spawnSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8', timeout: 5000 });
  }

  capture(): string {
    return this.tmux('capture-pane', '-p', '-t', this.name).stdout ?? '';
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  kill(): void {
    this.tmux('kill-server');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
