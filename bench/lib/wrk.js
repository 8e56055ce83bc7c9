'use strict';
// Runs wrk (pinned with the load-generator CPU) and returns its numbers as an object.

const path = require('node:path');
const { spawn } = require('node:child_process');
const { wrapCommand, track, installCleanup } = require('./util');

const LUA = path.join(__dirname, 'report.lua');

/**
 * runWrk({ url, connections, threads, seconds, cpu, timeoutS }) resolves
 * { requests, duration_us, bytes, errors{connect,read,write,status,timeout}, lat_us{p50,p90,p99,max,mean},
 *   rps, mbps, wrk_cpu_us (wrk's own user + system CPU), raw } or rejects with wrk's output when wrk fails or prints no result line.
 */
function runWrk({ url, connections, threads = 1, seconds, cpu, timeoutS = 5 }) {
  // wrk takes whole seconds only ("0.5s" is a usage error).
  seconds = Math.max(1, Math.round(seconds));
  // bash's `times` prints wrk's user and system CPU (children line) after it exits.
  const argv = wrapCommand(['bash', '-c', '"$@"; rc=$?; times; exit $rc', 'wrk-times', 'wrk', '--latency', '-t', String(threads), '-c', String(connections),
    '-d', `${seconds}s`, '--timeout', `${timeoutS}s`, '-s', LUA, url], cpu);
  return new Promise((resolve, reject) => {
    installCleanup();
    const child = track(spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('exit', (code) => {
      const m = /^WRKJSON (.*)$/m.exec(out);
      if (!m) return reject(new Error(`wrk exited ${code} without a result: ${out.slice(-2000)}`));
      const r = JSON.parse(m[1]);
      const secs = r.duration_us / 1e6;
      r.rps = r.requests / secs;
      r.mbps = r.bytes / secs / 1e6;
      r.raw = out;
      // Last two lines of `times`: the shell's own, then its children's (wrk) user/system.
      const t = [...out.matchAll(/^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/gm)];
      const last = t[t.length - 1];
      r.wrk_cpu_us = last ? ((Number(last[1]) * 60 + Number(last[2])) + (Number(last[3]) * 60 + Number(last[4]))) * 1e6 : null;
      resolve(r);
    });
  });
}

module.exports = { runWrk };
