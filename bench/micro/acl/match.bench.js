'use strict';
// src/acl/: ACL evaluation as the switching rules use it. Compiles the very configuration
// of the macro scenario acl-100 (bench/lib/scenarios.js: 100 ACLs of path_beg, path_end,
// hdr(host) -i and path_reg, 50 backends) through the real parser and keyword tables, then
// evaluates use_backend conditions in order for a request only the last ACL matches.
const { loadDist, bench, skip } = require('../lib');

const proxyKw = loadDist('proxy/keywords', [], 'acl/match (proxy/keywords)');
const aclKw = loadDist('acl/keywords', [], 'acl/match (acl/keywords)');
const parser = loadDist('config/parser', ['parseString'], 'acl/match (config/parser)');
const compile = loadDist('acl/compile', ['compileCondition'], 'acl/match (acl/compile)');

if (proxyKw && aclKw && parser && compile) {
  const { SCENARIOS } = require('../../lib/scenarios');
  const text = SCENARIOS.find((s) => s.name === 'acl-100').config({ listen: 18080, backends: [18081] });
  // The global section (nbthread, maxconn) is irrelevant here: keep defaults and proxies.
  const { config, diagnostics } = parser.parseString(text.slice(text.indexOf('defaults')), 'acl-100.cfg');
  const fe = config.proxies.find((p) => p.name === 'fe');
  const errs = [];
  const rules = fe ? fe.switchingRules.map((r) => ({ backend: r.backend, test: compile.compileCondition(r.cond, fe, (m) => errs.push(m)) })) : [];
  if (!fe || diagnostics.errorCount || errs.length || rules.length !== 100 || rules.some((r) => !r.test)) {
    skip('acl/match', `acl-100 config does not compile: ${errs.concat(diagnostics.items.map((d) => d.message)).slice(0, 3).join('; ') || 'no frontend fe / not 100 rules'}`);
  } else {
    const ctx = (uri, host = 'www.example.com') => ({
      src: '127.0.0.1', srcPort: 40000, dst: '127.0.0.1', dstPort: 80, frontend: 'fe', vars: new Map(),
      req: { method: 'GET', uri, version: 'HTTP/1.1', status: 0, headers: ['Host', host, 'User-Agent', 'wrk', 'Accept', '*/*'] },
    });
    const route = (c) => { for (let i = 0; i < rules.length; i++) if (rules[i].test(c)) return rules[i].backend; return 'fallback'; };
    const last = ctx('/api/v99/items');
    if (route(last) !== 'b49') throw new Error(`expected b49 for /api/v99/items, got ${route(last)}`);
    bench('100 use_backend rules, last one matches (/api/v99/items)', () => route(last));
    const first = ctx('/api/v0/items');
    bench('100 use_backend rules, first one matches (/api/v0/items)', () => route(first));
    const none = ctx('/nothing/here?x=1');
    bench('100 use_backend rules, none matches (default_backend)', () => route(none));
    bench('single path_beg rule (rule 0) on a miss', () => rules[0].test(none));
    bench('single path_reg rule (rule 3) on a miss', () => rules[3].test(none));
    bench('single hdr(host) -i rule (rule 2) on a miss', () => rules[2].test(none));
  }
}
