'use strict';
// CPU and memory of a process tree from /proc (Linux only).
//
// CPU: utime + stime (fields 14 and 15 of /proc/PID/stat, in clock ticks, all threads of the
// process) summed over the process and its live descendants. Sampled before and after a wrk
// run; the delta divided by the requests wrk completed is "CPU µs per request".
// Memory: VmRSS from /proc/PID/status summed over the same tree.

const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const CLK_TCK = parseInt(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout, 10) || 100;

function readStat(pid) {
  let s;
  try { s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { return null; }
  // comm (field 2) may contain spaces and parentheses: split after the last ')'.
  const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); field N is rest[N - 3].
  return { ppid: parseInt(rest[1], 10), utime: parseInt(rest[11], 10), stime: parseInt(rest[12], 10) };
}

/** PIDs of pid and all its live descendants (scans /proc once). */
function tree(pid) {
  const children = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(name);
    if (!st) continue;
    if (!children.has(st.ppid)) children.set(st.ppid, []);
    children.get(st.ppid).push(parseInt(name, 10));
  }
  const out = [];
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop();
    out.push(p);
    for (const c of children.get(p) || []) todo.push(c);
  }
  return out;
}

/** Total CPU time (user + system) of the tree in microseconds, or null if pid is gone. */
function cpuMicros(pid) {
  if (!readStat(pid)) return null;
  let ticks = 0;
  for (const p of tree(pid)) {
    const st = readStat(p);
    if (st) ticks += st.utime + st.stime;
  }
  return (ticks * 1e6) / CLK_TCK;
}

/** Total VmRSS of the tree in bytes, or null if pid is gone. */
function rssBytes(pid) {
  let total = 0;
  let any = false;
  for (const p of tree(pid)) {
    let s;
    try { s = fs.readFileSync(`/proc/${p}/status`, 'utf8'); } catch { continue; }
    const m = /VmRSS:\s+(\d+) kB/.exec(s);
    if (m) { total += parseInt(m[1], 10) * 1024; any = true; }
  }
  return any ? total : null;
}

/**
 * Samples rssBytes(pid) every intervalMs until stop() is called; stop() returns the maximum.
 */
function rssSampler(pid, intervalMs = 250) {
  let max = rssBytes(pid) || 0;
  const t = setInterval(() => { const r = rssBytes(pid); if (r && r > max) max = r; }, intervalMs);
  return { stop: () => { clearInterval(t); const r = rssBytes(pid); if (r && r > max) max = r; return max; } };
}

/**
 * CPU time all CPUs spent busy (user, nice, system, steal from the first line of /proc/stat),
 * in microseconds. The delta over a run minus what the benchmark's own processes used is the
 * "other load": CPU taken by anything else on the machine (or by the hypervisor: steal).
 * irq and softirq are left out: with IRQ time accounting the kernel charges loopback packet
 * delivery there and not to any process, so it would show as other load on a quiet machine.
 */
function systemBusyMicros() {
  let line;
  try { line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]; } catch { return null; }
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const busy = f[0] + f[1] + f[2] + (f[7] || 0);
  return (busy * 1e6) / CLK_TCK;
}

module.exports = { CLK_TCK, systemBusyMicros, tree, cpuMicros, rssBytes, rssSampler };
