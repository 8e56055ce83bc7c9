'use strict';
// src/log/format.ts: rendering a compiled log-format (option httplog) for one stream.
// Written against the planned compile/render API; skipped until it exists in dist/.
const { loadDist, skip } = require('../lib');

const f = loadDist('log/format', [], 'log/render');
if (f) {
  const names = Object.keys(f).filter((k) => typeof f[k] === 'function');
  skip('log/render', `dist/src/log/format.js exists (exports: ${names.join(', ')}) but this benchmark is not written against its API yet`);
}
