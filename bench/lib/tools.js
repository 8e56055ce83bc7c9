'use strict';
// Finds (or installs with apt-get when running as root) wrk, nginx and haproxy, and builds
// Fulcrum (root `npm run build`) when dist/ is missing or older than src/.

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { commandExists } = require('./util');
const { nginxBinary } = require('./nginx');

const ROOT = path.resolve(__dirname, '..', '..');

function log(msg) { process.stderr.write(`[bench] ${msg}\n`); }

function isRoot() { return process.getuid && process.getuid() === 0; }

let aptUpdated = false;
function aptInstall(pkgs) {
  if (!isRoot() || !commandExists('apt-get')) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    log('apt-get update');
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    aptUpdated = true;
  }
  log(`apt-get install -y ${pkgs.join(' ')}`);
  return spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env }).status === 0;
}

function version(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout || ''}${r.stderr || ''}`.split('\n')[0].trim();
}

/**
 * Ensures the external tools. Returns { wrk, nginx, haproxy (path or null), versions }.
 * Throws when wrk or nginx cannot be found or installed (no benchmark without them).
 */
function ensureTools({ install = true } = {}) {
  if (!commandExists('wrk') && install) aptInstall(['wrk']);
  if (!commandExists('wrk')) throw new Error('wrk not found: install it (apt-get install wrk) or run as root so bench can');
  if (!nginxBinary() && install) aptInstall(['nginx-light']) || aptInstall(['nginx']);
  if (!nginxBinary()) throw new Error('nginx not found: install it (apt-get install nginx-light) or run as root so bench can');
  if (!commandExists('haproxy') && install) aptInstall(['haproxy']);
  const haproxy = commandExists('haproxy') ? 'haproxy' : null;
  if (!haproxy) log('haproxy not found and cannot be installed (not root?): haproxy column skipped, ratios to haproxy are n/a');
  if (!commandExists('taskset')) log('taskset not found: processes are not pinned to CPUs');
  const versions = {
    node: process.version,
    wrk: version('wrk', ['-v']),
    nginx: version(nginxBinary(), ['-v']),
    haproxy: haproxy ? version('haproxy', ['-v']) : null,
  };
  return { haproxy, versions };
}

function newestMtime(dir) {
  let newest = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  walk(dir);
  return newest;
}

/**
 * Builds Fulcrum when dist/src/cli/main.js is missing or older than any src/*.ts.
 * tsc still emits when some file has a type error, so a non-zero exit is a warning only.
 * Returns true when bin/fulcrum's entry point exists afterwards.
 */
function ensureFulcrumBuilt({ build = true, root = ROOT } = {}) {
  const entry = path.join(root, 'dist', 'src', 'cli', 'main.js');
  const stale = !fs.existsSync(entry) || fs.statSync(entry).mtimeMs < newestMtime(path.join(root, 'src'));
  if (stale && build) {
    if (!fs.existsSync(path.join(root, 'node_modules', 'typescript'))) {
      log(`installing dev dependencies (npm install in ${root})`);
      spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
    }
    log(`building Fulcrum (npm run build in ${root})`);
    const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) log(`build reported errors (tsc still emits; continuing):\n${(r.stdout + r.stderr).split('\n').slice(0, 10).join('\n')}`);
  }
  return fs.existsSync(entry);
}

/**
 * Copies bin/, dist/src/ and native/ of the Fulcrum checkout at `root` (node_modules/ is
 * linked) into a temporary directory and
 * returns its path, so the whole run uses one consistent build even while others rebuild
 * dist/ in a shared tree. Checks the copy with `fulcrum -c` on `checkCfg`; when it cannot
 * even load its modules (a half-written dist/), waits and copies again (3 tries).
 * Returns { dir, error }.
 */
function snapshotFulcrum(root, checkCfgText) {
  const os = require('node:os');
  let lastErr = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const dir = require('./util').trackDir(fs.mkdtempSync(path.join(os.tmpdir(), 'fulcrum-bench-build-')));
    fs.cpSync(path.join(root, 'bin'), path.join(dir, 'bin'), { recursive: true });
    fs.cpSync(path.join(root, 'dist', 'src'), path.join(dir, 'dist', 'src'), { recursive: true });
    fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
    // The native helper (native/build/*.node) and runtime dependencies resolve from the copy
    // as from the checkout: copy native/, link node_modules/.
    if (fs.existsSync(path.join(root, 'native'))) fs.cpSync(path.join(root, 'native'), path.join(dir, 'native'), { recursive: true });
    if (fs.existsSync(path.join(root, 'node_modules'))) fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const cfg = path.join(dir, 'check.cfg');
    fs.writeFileSync(cfg, checkCfgText);
    const r = spawnSync(process.execPath, [path.join(dir, 'bin', 'fulcrum'), '-c', '-f', cfg], { encoding: 'utf8', timeout: 20000 });
    const out = `${r.stdout || ''}${r.stderr || ''}`;
    if (!/Cannot find module|SyntaxError|is not a function|is not defined/.test(out)) return { dir, check: out.trim().split('\n').slice(-3).join(' | ') };
    lastErr = out.split('\n').filter((l) => /Error|ALERT/.test(l)).slice(0, 3).join(' | ');
    log(`Fulcrum build copy ${attempt} does not load (${lastErr}); retrying in 5 s`);
    fs.rmSync(dir, { recursive: true, force: true });
    spawnSync('sleep', ['5']);
  }
  return { dir: null, error: lastErr };
}

function gitCommit(root = ROOT) {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

module.exports = { ROOT, ensureTools, ensureFulcrumBuilt, snapshotFulcrum, gitCommit, log };
