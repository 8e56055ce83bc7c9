'use strict';
// src/lb/hash/functions.ts: the hash-type functions on a typical URI.
const { loadDist, bench } = require('../lib');

const h = loadDist('lb/hash/functions', ['HASH_FUNCTIONS']);
if (h) {
  const uri = '/static/js/app.3f2a1b.js?v=12&user=1234567';
  for (const [name, fn] of Object.entries(h.HASH_FUNCTIONS)) bench(`${name} over a ${uri.length}-char URI`, () => fn(uri, 0, uri.length));
}
