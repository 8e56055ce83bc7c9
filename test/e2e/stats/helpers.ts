/** Helpers shared by the stats e2e tests: a reference HAProxy run and raw HTTP fetches. */

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import http from 'node:http';
import { canConnect, pollUntil } from '../harness';

export const HAPROXY = '/usr/sbin/haproxy';
export const haveHaproxy = existsSync(HAPROXY);

/** Starts HAProxy 2.6 on a config in dir (as h.cfg), waiting for `port`. */
export async function startHaproxy(dir: string, config: string, port: number): Promise<{ child: ChildProcess; stderr: () => string; stop(): Promise<void> }> {
  writeFileSync(join(dir, 'h.cfg'), config);
  const child = spawn(HAPROXY, ['-f', join(dir, 'h.cfg'), '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  const exited = new Promise<void>((res) => child.on('exit', () => res()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGTERM');
      const t = setTimeout(() => { if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL'); }, 3000);
      await exited;
      clearTimeout(t);
    }
  };
  try {
    await pollUntil(() => child.exitCode === null && canConnect(port), `haproxy on ${port}\n${err}`, 5000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { child, stderr: () => err, stop };
}

export interface Fetched { status: number; headers: http.IncomingHttpHeaders; rawHeaders: string[]; body: string }

/** One HTTP request (optional body and Basic credentials). */
export function fetchHttp(port: number, path: string, opts: { method?: string; body?: string; auth?: string; headers?: Record<string, string> } = {}): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.auth) headers.authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(opts.body));
    }
    const req = http.request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, rawHeaders: res.rawHeaders, body }));
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(opts.body);
  });
}
