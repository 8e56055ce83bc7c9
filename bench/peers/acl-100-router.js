'use strict';
// The acl-100 routing table in plain JavaScript, for the Node.js peers: the same 100 tests
// as the HAProxy config (built from the same ACL100 table in lib/scenarios.js), evaluated in
// order per request like use_backend rules. All 50 backends are the same nginx here, so the
// result only has to be computed, as a proxy would.

const { ACL100 } = require('../lib/scenarios');

/** Returns route(url, host) -> backend name ('fallback' when nothing matches). */
function makeRouter() {
  const tests = ACL100.map((a) => {
    switch (a.kind) {
      case 'beg': return (path) => path.startsWith(a.arg);
      case 'end': return (path) => path.endsWith(a.arg);
      case 'host': { const h = a.arg.toLowerCase(); return (path, host) => host !== undefined && host.toLowerCase() === h; }
      case 'reg': { const re = new RegExp(a.arg); return (path) => re.test(path); }
      default: throw new Error(a.kind);
    }
  });
  const backends = ACL100.map((a) => a.backend);
  return (url, host) => {
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    for (let i = 0; i < tests.length; i++) if (tests[i](path, host)) return backends[i];
    return 'fallback';
  };
}

module.exports = { makeRouter };
