'use strict';
// src/config/lexer.ts: one configuration line into words.
const { loadDist, bench } = require('../lib');

const l = loadDist('config/lexer', ['lexLine']);
if (l) {
  const env = () => undefined;
  bench('lexLine("    server app1 127.0.0.1:5001 check")', () => l.lexLine('    server app1 127.0.0.1:5001 check', env));
  bench('lexLine(acl with quotes and escapes)', () => l.lexLine('    acl url_static path_beg -i "/static dir" /images\\ x # comment', env));
}
