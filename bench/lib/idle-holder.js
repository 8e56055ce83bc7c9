'use strict';
// Opens N keep-alive client connections to 127.0.0.1:<port>, sends one small GET on each,
// waits for its response and then holds the socket open, idle.
// Usage: node lib/idle-holder.js <port> <count> [parallel]
// Prints "READY <open> <failed>" once every connection has either got its response or
// failed; then, on each "status" line on stdin, prints "OPEN <open>". Exits when stdin ends.

const net = require('node:net');
const readline = require('node:readline');

const port = Number(process.argv[2]);
const count = Number(process.argv[3]);
const parallel = Number(process.argv[4] || 256);
const REQ = Buffer.from('GET / HTTP/1.1\r\nHost: bench\r\nUser-Agent: fulcrum-idle-holder\r\n\r\n');

const sockets = new Set();
let open = 0;
let failed = 0;
let started = 0;

function one() {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let done = false;
    const finish = (ok) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (ok) { open++; sockets.add(s); } else { failed++; s.destroy(); }
      resolve();
    };
    const timer = setTimeout(() => finish(false), 10000);
    s.setNoDelay(true);
    s.once('connect', () => s.write(REQ));
    // The small response fits in one segment: the first data chunk means the request is done.
    s.once('data', () => finish(true));
    s.on('error', () => { if (!done) finish(false); else if (sockets.delete(s)) open--; });
    s.on('close', () => { if (!done) finish(false); else if (sockets.delete(s)) open--; });
  });
}

async function worker() {
  while (started < count) { started++; await one(); }
}

(async () => {
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  process.stdout.write(`READY ${open} ${failed}\n`);
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (l) => { if (l.trim() === 'status') process.stdout.write(`OPEN ${open}\n`); });
  rl.on('close', () => { for (const s of sockets) s.destroy(); process.exit(0); });
})();
