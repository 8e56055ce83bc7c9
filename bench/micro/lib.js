'use strict';
// Micro-benchmark helpers. Benchmarks import the compiled project from <repo>/dist/src (build
// it with `npm run build` at the repository root) through loadDist(), which prints a SKIP
// line and returns null when a module or export does not exist yet, so `npm run micro` keeps
// going while src/ is being written.

const path = require('node:path');
const fs = require('node:fs');

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist', 'src');
const MIN_MS = Number(process.env.MICRO_MS || 1000);

/**
 * Loads dist/src/<rel>.js. When `names` is given every one must be exported.
 * Returns the module, or null after printing "SKIP <label>: <why>".
 */
function loadDist(rel, names = [], label = rel) {
  const file = path.join(DIST, `${rel}.js`);
  if (!fs.existsSync(file)) { skip(label, `dist/src/${rel}.js does not exist (not written or not built yet)`); return null; }
  let mod;
  try { mod = require(file); } catch (e) { skip(label, `dist/src/${rel}.js fails to load: ${e.message}`); return null; }
  const missing = names.filter((n) => !(n in mod));
  if (missing.length) { skip(label, `dist/src/${rel}.js does not export ${missing.join(', ')}`); return null; }
  return mod;
}

function skip(label, why) { process.stdout.write(`SKIP ${label}: ${why}\n`); }

let sink = 0;
/** Keeps results alive so the JIT cannot drop the measured work. */
function consume(v) { sink = (sink + (v === undefined || v === null ? 1 : typeof v === 'number' ? v : 1)) | 0; }

/**
 * Runs fn() repeatedly for about MICRO_MS milliseconds (default 1000) after a warm-up and
 * prints ops/s and ns/op. fn may return a value; it is consumed. Returns ops/s.
 */
function bench(name, fn) {
  // Warm-up and calibration: grow the batch until one batch takes at least 10 ms.
  let batch = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) consume(fn());
    const ns = Number(process.hrtime.bigint() - t0);
    if (ns > 10e6 || batch > 1e8) break;
    batch *= 2;
  }
  let ops = 0;
  let ns = 0;
  const limit = MIN_MS * 1e6;
  while (ns < limit) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) consume(fn());
    ns += Number(process.hrtime.bigint() - t0);
    ops += batch;
  }
  const opsPerSec = (ops * 1e9) / ns;
  process.stdout.write(`${name.padEnd(56)} ${Math.round(opsPerSec).toLocaleString('en-US').padStart(14)} ops/s ${(ns / ops).toFixed(1).padStart(10)} ns/op\n`);
  return opsPerSec;
}

module.exports = { ROOT, loadDist, bench, consume, skip };
