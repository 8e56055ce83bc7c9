#!/usr/bin/env node
'use strict';
// Runs every bench/micro/**/*.bench.js in its own node process (so JIT state does not leak
// between benchmarks) and prints their output. Filter with a substring: node micro/run-all.js lb
// MICRO_MS sets the measuring time per case (default 1000 ms).

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const filter = process.argv[2] || '';
const files = [];
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(d, e.name);
    if (e.isDirectory() && e.name !== 'node_modules') walk(p);
    else if (e.name.endsWith('.bench.js') && p.includes(filter)) files.push(p);
  }
})(__dirname);

const dist = path.resolve(__dirname, '..', '..', 'dist', 'src');
if (!fs.existsSync(dist)) process.stdout.write('dist/src is missing: run `npm run build` at the repository root first; every benchmark will SKIP\n');
let failed = 0;
for (const f of files) {
  process.stdout.write(`\n# ${path.relative(__dirname, f)}\n`);
  const r = spawnSync(process.execPath, [f], { stdio: 'inherit' });
  if (r.status !== 0) { failed++; process.stdout.write(`FAILED ${path.relative(__dirname, f)} (exit ${r.status})\n`); }
}
process.exit(failed ? 1 : 0);
