#!/usr/bin/env node
'use strict';
/*
 * Builds native/build/fulcrum_native.node (run by `npm install`). Compiles the one C file
 * directly with the system compiler against the N-API headers of the running Node.js
 * (<prefix>/include/node, Debian's /usr/include/node, or node-gyp's header cache), so it
 * works offline; falls back to `node-gyp rebuild` (binding.gyp) when no headers are found.
 * A failed build is reported but does not fail the install: features that need the helper
 * (chroot, master-worker socket hand-over, systemd notify) then refuse to start with an
 * error saying so.
 */
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync } = require('node:fs');
const { join, resolve } = require('node:path');

const here = __dirname;
const out = join(here, 'build');
const target = join(out, 'fulcrum_native.node');
const candidates = [
  process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
  resolve(process.execPath, '..', '..', 'include', 'node'),
  '/usr/include/node',
  '/usr/local/include/node',
  join(require('node:os').homedir(), '.cache', 'node-gyp', process.versions.node, 'include', 'node'),
].filter(Boolean);
const inc = candidates.find((d) => existsSync(join(d, 'node_api.h')));

function log(msg) { process.stderr.write(`fulcrum native: ${msg}\n`); }

try {
  mkdirSync(out, { recursive: true });
  if (inc) {
    const cc = process.env.CC || 'cc';
    execFileSync(cc, ['-O2', '-Wall', '-shared', '-fPIC', '-DNODE_GYP_MODULE_NAME=fulcrum_native', `-I${inc}`,
      join(here, 'fulcrum_native.c'), '-o', target], { stdio: 'inherit' });
  } else {
    log('no N-API headers found next to node; trying node-gyp');
    execFileSync(process.execPath, [require.resolve('node-gyp/bin/node-gyp.js', { paths: [resolve(process.execPath, '..', '..', 'lib', 'node_modules', 'npm')] }), 'rebuild'], { cwd: here, stdio: 'inherit' });
  }
  require(target);
  log(`built ${target}`);
} catch (e) {
  log(`build failed (${e.message}); chroot, master-worker and systemd notify will be unavailable`);
}
