/**
 * Built-in demo backends for `npm start`: small HTTP servers on loopback that answer
 * `<h1>Hello from Fulcrum</h1><p>Server: NAME</p>` so a newcomer sees round robin at work.
 * Written on raw `net` like the data plane (no framework), HTTP/1.1 keep-alive.
 */

import net from 'node:net';

export interface DemoBackend {
  name: string;
  port: number;
  server: net.Server;
  requests: number;
}

/** Starts one demo backend on 127.0.0.1:port. */
export function startDemoBackend(name: string, port: number, host = '127.0.0.1'): Promise<DemoBackend> {
  const body = `<h1>Hello from Fulcrum</h1><p>Server: ${name}</p>\n`;
  const response = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Served-By: ${name}\r\n\r\n${body}`);
  const backend: DemoBackend = { name, port, server: net.createServer(), requests: 0 };
  backend.server.on('connection', (sock) => {
    let pending = '';
    sock.setNoDelay(true);
    sock.on('data', (d) => {
      pending += d.toString('latin1');
      let end: number;
      // Answer every complete request head (bodies are not expected by the demo).
      while ((end = pending.indexOf('\r\n\r\n')) >= 0) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        backend.requests++;
        const http10 = / HTTP\/1\.0$/.test(head.slice(0, head.indexOf('\r\n') >>> 0));
        const close = /\r\nconnection:\s*close/i.test(head) || (http10 && !/\r\nconnection:\s*keep-alive/i.test(head));
        sock.write(response);
        if (close) { sock.end(); return; }
      }
    });
    sock.on('error', () => sock.destroy());
  });
  return new Promise((resolve, reject) => {
    backend.server.once('error', reject);
    backend.server.listen(port, host, () => resolve(backend));
  });
}
