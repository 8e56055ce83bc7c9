'use strict';
// src/acl/: ACL matching (path_beg / path_end / hdr / path_reg). Written against the planned
// src/acl/matchers.ts; skipped until that module is compiled into dist/.
const { loadDist, bench, skip } = require('../lib');

const m = loadDist('acl/matchers', [], 'acl/match');
if (m) {
  // The matcher API is not settled yet: exercise whatever match functions are exported,
  // each with a pattern list and a subject that fails every pattern but the last.
  const subject = '/api/v99/items';
  const patterns = Array.from({ length: 100 }, (_, i) => `/api/v${i}/`);
  const fns = Object.entries(m).filter(([, v]) => typeof v === 'function');
  if (fns.length === 0) skip('acl/match', 'dist/src/acl/matchers.js exports no functions');
  const wanted = { beg: 'beg', end: 'end', str: 'str', sub: 'sub' };
  let ran = 0;
  for (const [name, fn] of fns) {
    const kind = Object.keys(wanted).find((k) => name.toLowerCase().includes(k));
    if (!kind || fn.length !== 2) continue;
    try { fn(subject, patterns[0]); } catch { continue; }
    bench(`${name}(subject, pattern) x 100 patterns`, () => { let r = false; for (let i = 0; i < 100 && !r; i++) r = !!fn(subject, patterns[i]); return r; });
    ran++;
  }
  if (!ran) skip('acl/match', `no (subject, pattern) matcher among exports: ${fns.map(([n]) => n).join(', ')}; update this file for the API`);
}
