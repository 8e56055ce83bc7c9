/**
 * Server `redir <prefix>`: when such a server is selected for a GET or HEAD request, the
 * client gets a 302 to <prefix><path> instead of the request being forwarded (HAProxy
 * http_perform_server_redirect; bytes recorded from 2.6.12). Logged as LC with the server.
 */

import type { Server } from '../proxy/server';

/** The 302 to send instead of connecting to `server`, or undefined to connect normally. */
export function serverRedirect(server: Server, method: string, uri: string): Buffer | undefined {
  const prefix = server.cfg.redir;
  if (prefix === undefined || (method !== 'GET' && method !== 'HEAD')) return undefined;
  let path = uri;
  if (path.charCodeAt(0) !== 0x2f && path !== '*') {
    // Absolute form: keep from the first '/' after the authority.
    const s = path.indexOf('://');
    const p = s >= 0 ? path.indexOf('/', s + 3) : -1;
    path = p >= 0 ? path.slice(p) : '/';
  }
  return Buffer.from(`HTTP/1.1 302 Found\r\ncache-control: no-cache\r\ncontent-length: 0\r\nlocation: ${prefix}${path}\r\nconnection: close\r\n\r\n`, 'latin1');
}
