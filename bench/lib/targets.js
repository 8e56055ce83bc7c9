'use strict';
// The things wrk is pointed at: direct-to-nginx, haproxy, fulcrum and the Node.js peers.
// start() resolves { name, port, pid (the process whose tree is measured, null for direct),
// ok, reason, stop() }. A target that cannot start is returned with ok=false and a reason,
// and shows as n/a in the table; it never aborts the run.

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { freePort, startProcess, stopProcess, waitForPort, waitForHttp200 } = require('./util');

const BENCH = path.resolve(__dirname, '..');
const ALL_TARGETS = ['direct', 'haproxy', 'fulcrum', 'node-http-proxy', 'fastify-http-proxy'];

/** The informative part of a failed target's output: its ALERT/Error lines, else its tail. */
function lastLines(text, n = 6) {
  const lines = text.trim().split('\n').filter((l) => l.trim());
  const key = lines.filter((l) => /\[ALERT\]|Error|error:|EADDR|not supported/.test(l));
  return (key.length ? key.slice(0, n) : lines.slice(-n)).join(' | ').slice(0, 600);
}

async function readyOrFail(name, proc, port, checkPath, timeoutMs) {
  const up = await waitForPort(port, timeoutMs);
  if (!up) {
    const why = proc.exited() ? `exited (${JSON.stringify(proc.exited())})` : `no listener on ${port} after ${timeoutMs} ms`;
    await stopProcess(proc);
    return { ok: false, reason: `${name} ${why}: ${lastLines(proc.output())}` };
  }
  const r = await waitForHttp200(port, checkPath, timeoutMs);
  if (r.status !== 200) {
    await stopProcess(proc);
    return { ok: false, reason: `${name} does not answer 200 on ${checkPath} (${r.status || r.error}): ${lastLines(proc.output())}` };
  }
  return { ok: true };
}

/**
 * Starts one target for a scenario. ctx: { scenario, nginxPorts, workDir, proxyCpu, haproxy, fulcrumDir (a build copy), fulcrumError }.
 */
async function startTarget(name, ctx) {
  const { scenario, nginxPorts, workDir, proxyCpu } = ctx;
  const base = { name, port: null, pid: null, ok: false, reason: '', stop: async () => {} };
  if (name === 'direct') {
    const port = scenario.directPort ? scenario.directPort(nginxPorts) : nginxPorts[0];
    return { ...base, port, ok: true };
  }
  const port = await freePort();
  const checkPath = scenario.path === '/1m' ? '/' : scenario.path;
  let argv;
  if (name === 'haproxy' || name === 'fulcrum') {
    const cfgFile = path.join(workDir, `${scenario.name}.${name}.cfg`);
    fs.writeFileSync(cfgFile, scenario.config({ listen: port, backends: nginxPorts }));
    if (name === 'haproxy') {
      if (!ctx.haproxy) return { ...base, reason: 'haproxy not installed' };
      const c = spawnSync('haproxy', ['-c', '-q', '-f', cfgFile], { encoding: 'utf8' });
      if (c.status !== 0) return { ...base, reason: `haproxy -c failed: ${lastLines(c.stdout + c.stderr)}` };
      argv = ['haproxy', '-db', '-f', cfgFile];
    } else {
      if (!ctx.fulcrumDir) return { ...base, reason: ctx.fulcrumError || 'fulcrum is not built (dist/src/cli/main.js missing)' };
      // Run as an operator does: the executable itself, whose first line carries Fulcrum's
      // Node flags, with this run's node first in PATH.
      argv = [path.join(ctx.fulcrumDir, 'bin', 'fulcrum'), '-db', '-f', cfgFile];
    }
  } else if (name === 'node-http-proxy' || name === 'fastify-http-proxy') {
    if (!scenario.peers) return { ...base, reason: 'not applicable to this scenario' };
    const ups = (scenario.peerUpstreams ? scenario.peerUpstreams(nginxPorts) : [nginxPorts[0]]).map((p) => `http://127.0.0.1:${p}`);
    const script = path.join(BENCH, 'peers', `${name}.js`);
    try { require.resolve(name === 'node-http-proxy' ? 'http-proxy' : '@fastify/http-proxy', { paths: [BENCH] }); } catch {
      return { ...base, reason: 'bench dependencies not installed (cd bench && npm install)' };
    }
    argv = [process.execPath, script, String(port), ups.join(','), scenario.peerMode || 'keepalive', ...(scenario.peerRoutes ? [scenario.peerRoutes] : [])];
  } else {
    return { ...base, reason: `unknown target ${name}` };
  }
  const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}` };
  const proc = startProcess(argv, { cpu: proxyCpu, cwd: BENCH, env });
  const r = await readyOrFail(name, proc, port, checkPath, name === 'fulcrum' ? 8000 : 5000);
  if (!r.ok) return { ...base, reason: r.reason };
  return { ...base, port, pid: proc.pid, ok: true, proc, stop: () => stopProcess(proc) };
}

module.exports = { ALL_TARGETS, startTarget };
