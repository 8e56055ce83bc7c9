/**
 * Texts of `-v`, `-vv` and the usage message, laid out as HAProxy 2.6 prints them (scripts
 * read these: the first line keeps the words "HAProxy version X" after Fulcrum's own).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { COMPAT_VERSION, FEATURE_LIST } from '../config/conditions';

/** Fulcrum's own version, from package.json (falls back to 0.0.0 when unreadable). */
export const FULCRUM_VERSION: string = (() => {
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      return (JSON.parse(readFileSync(join(__dirname, rel), 'utf8')) as { version: string }).version;
    } catch { /* try the next layout (dist/src/cli or src/cli) */ }
  }
  return '0.0.0';
})();

/** The four lines HAProxy prints for `-v` and before the usage. */
export function versionLines(): string[] {
  return [
    `Fulcrum version ${FULCRUM_VERSION}, compatible with HAProxy version ${COMPAT_VERSION} - a load balancer in TypeScript for Node.js`,
    `Status: development branch - not all HAProxy ${COMPAT_VERSION.split('.').slice(0, 2).join('.')} features are available.`,
    `Known bugs: see the project's issue tracker.`,
    `Running on: ${os.type()} ${os.release()} ${os.version()} ${os.machine()}`,
  ];
}

/** `-vv`: the version, then build options, features, defaults and runtime, as HAProxy lays them out. */
export function buildInfoLines(): string[] {
  const features = Object.keys(FEATURE_LIST).map((k) => `${FEATURE_LIST[k] ? '+' : '-'}${k}`).join(' ');
  return [
    ...versionLines(),
    'Build options :',
    `  TARGET  = node${process.versions.node.split('.')[0]}`,
    `  CPU     = ${os.arch()}`,
    `  CC      = tsc`,
    `  CFLAGS  = strict, target ES2022, module commonjs`,
    `  OPTIONS = `,
    `  DEBUG   = `,
    '',
    `Feature list : ${features}`,
    '',
    'Default settings :',
    '  bufsize = 16384, maxrewrite = 1024, maxpollevents = 200',
    '',
    'Built with multi-threading support (nbthread N: N data-plane worker threads sharing server state, counters and queues; see docs/internals/multi-core.md).',
    `Built with Node.js version : ${process.version}`,
    `Built with OpenSSL version : OpenSSL ${process.versions.openssl}`,
    `Running on OpenSSL version : OpenSSL ${process.versions.openssl}`,
    'OpenSSL library supports TLS extensions : yes',
    'OpenSSL library supports SNI : yes',
    'OpenSSL library supports : TLSv1.2 TLSv1.3',
    `Built with zlib version : ${process.versions.zlib}`,
    'Compression algorithms supported : identity("identity"), deflate("deflate"), raw-deflate("deflate"), gzip("gzip")',
    '',
    'Available polling systems :',
    '      libuv : pref=300,  test result OK',
    'Total: 1 (1 usable), will use libuv.',
    '',
    'Available multiplexer protocols :',
    '(protocols marked as <default> cannot be specified using \'proto\' keyword)',
    '  <default> : mode=HTTP  side=FE|BE  mux=H1    flags=HTX',
    '         h1 : mode=HTTP  side=FE|BE  mux=H1    flags=HTX|NO_UPG',
    '  <default> : mode=TCP   side=FE|BE  mux=PASS  flags=',
    '       none : mode=TCP   side=FE|BE  mux=PASS  flags=NO_UPG',
    '',
    'Available services : none',
    '',
    'Available filters : none',
    '',
  ];
}

/** Usage lines (stderr), HAProxy's list with Fulcrum's name; docs/cli.md says what each does here. */
export function usageLines(prog = 'fulcrum'): string[] {
  return [
    `Usage : ${prog} [-f <cfgfile|cfgdir>]* [ -vdVD ] [ -n <maxconn> ] [ -N <maxpconn> ]`,
    '        [ -p <pidfile> ] [ -m <max megs> ] [ -C <dir> ] [-- <cfgfile>*]',
    '        -v displays version ; -vv shows known build options.',
    '        -d enters debug mode ; -db only disables background mode.',
    '        -dM[<byte>,help,...] debug memory (default: poison with <byte>/0x50)',
    '        -V enters verbose mode (disables quiet mode)',
    '        -D goes daemon ; -C changes to <dir> before loading files.',
    '        -W master-worker mode.',
    '        -Ws master-worker mode with systemd notify support.',
    '        -q quiet mode : don\'t display messages',
    '        -c check mode : only check config files and exit',
    '        -cc check condition : evaluate a condition and exit',
    '        -n sets the maximum total # of connections (uses ulimit -n)',
    '        -m limits the usable amount of memory (in MB)',
    '        -N sets the default, per-proxy maximum # of connections (0)',
    '        -L set local peer name (default to hostname)',
    '        -p writes pids of all children to this file',
    '        -de disables epoll() usage even when available',
    '        -dp disables poll() usage even when available',
    '        -dS disables splice usage (broken on old kernels)',
    '        -dG disables getaddrinfo() usage',
    '        -dR disables SO_REUSEPORT usage',
    '        -dL dumps loaded object files after config checks',
    '        -dK{class[,...]} dump registered keywords (use \'help\' for list)',
    '        -dr ignores server address resolution failures',
    '        -dV disables SSL verify on servers side',
    '        -dW fails if any warning is emitted',
    '        -dD diagnostic mode : warn about suspicious configuration statements',
    '        -sf/-st [pid ]* finishes/terminates old pids.',
    '        -x <unix_socket> get listening sockets from a unix socket',
    '        -S <bind>[,<bind options>...] new master CLI',
    '',
  ];
}
