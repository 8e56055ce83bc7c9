'use strict';
// src/proxy/http/framing.ts: chunked body scanning.
const { loadDist, bench } = require('../../lib');

const f = loadDist('proxy/http/framing', ['ChunkedScanner']);
if (f) {
  const chunk = (n) => Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), Buffer.alloc(n, 'a'), Buffer.from('\r\n')]);
  const small = Buffer.concat([...Array.from({ length: 16 }, () => chunk(64)), Buffer.from('0\r\n\r\n')]);
  const big = Buffer.concat([...Array.from({ length: 16 }, () => chunk(16384)), Buffer.from('0\r\n\r\n')]);
  const sc = new f.ChunkedScanner();
  const run = (buf) => { sc.reset(); const n = sc.feed(buf, 0, buf.length); if (!sc.done) throw new Error(`scanner not done: ${sc.error}`); return n; };
  run(small); run(big);
  bench('ChunkedScanner 16 x 64 B chunks', () => run(small));
  bench('ChunkedScanner 16 x 16 KiB chunks (256 KiB)', () => run(big));
}
