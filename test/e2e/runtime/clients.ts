/**
 * Helpers for e2e tests with real runtime API clients: the CLI-only fixture server
 * (cli-fixture-server.ts), socat, and hatop inside a detached tmux session. Every process is
 * stopped by PID (tmux sessions by their unique name, which we created).
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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

/** A detached tmux session running `command`, 200x50. */
export class TmuxSession {
  readonly name = `fulcrum-test-${process.pid}-${Math.floor(Math.random() * 1e9)}`;

  constructor(command: string) {
    const r = spawnSync('tmux', ['new-session', '-d', '-s', this.name, '-x', '200', '-y', '50', command], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux: ${r.stderr}`);
  }

  capture(): string {
    return spawnSync('tmux', ['capture-pane', '-p', '-t', this.name], { encoding: 'utf8' }).stdout ?? '';
  }

  keys(...keys: string[]): void {
    spawnSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  kill(): void {
    spawnSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' });
  }
}
