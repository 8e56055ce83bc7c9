/**
 * The two rule lists that run before a stream exists, for every frontend mode (HAProxy:
 * session_accept_fd -> tcp_exec_l4_rules, conn_complete_session -> tcp_exec_l5_rules):
 *
 * - `tcp-request connection` right after accept, before any PROXY header: `reject` closes
 *   with a RST (SO_LINGER 0) and counts `dcon`; `expect-proxy layer4` makes the listener read
 *   a PROXY header; nothing is logged (HAProxy has no stream to log yet).
 * - `tcp-request session` once the PROXY header (if any) is read: `reject` closes with a FIN,
 *   counts `dses`, and is not logged either.
 *
 * The sample context these rules fill (variables, tracked counters) is kept per socket so
 * the TCP stream continues with it; connection-level tracking ends when the socket closes.
 */

import type { Socket } from 'node:net';
import type { Instance } from '../../process/instance';
import type { Proxy } from '../proxy';
import type { SampleContext } from '../../sample/context';
import type { ProxyAddresses } from '../proxy-protocol';
import { runtimeLookup } from '../runtime-config';
import { tcpRulesOf, execTcpRules } from './rules';
import { untrackConnection } from '../../stick/runtime';

const contexts = new WeakMap<Socket, SampleContext>();

function strip(a: string): string {
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/**
 * The context tcp-request connection/session rules filled for `sock`, if they ran (HTTP
 * streams continue with it so `sess.*` variables and tracked counters carry over).
 */
export function existingConnectionContext(sock: Socket): SampleContext | undefined {
  return contexts.get(sock);
}

/** The sample context of a connection (created by the gate, or a fresh one). */
export function connectionContext(instance: Instance, fe: Proxy, sock: Socket, addrs?: ProxyAddresses): SampleContext {
  let ctx = contexts.get(sock);
  if (!ctx) {
    ctx = {
      src: strip(sock.remoteAddress ?? ''), srcPort: sock.remotePort ?? 0,
      dst: strip(sock.localAddress ?? ''), dstPort: sock.localPort ?? 0,
      frontend: fe.name, vars: new Map(), runtime: runtimeLookup(instance),
    };
    contexts.set(sock, ctx);
    const c = ctx;
    sock.once('close', () => untrackConnection(c));
  }
  if (addrs) {
    ctx.src = addrs.src; ctx.srcPort = addrs.srcPort; ctx.dst = addrs.dst; ctx.dstPort = addrs.dstPort;
  }
  return ctx;
}

/** Closes with a RST, as HAProxy's no-linger close of a rejected connection. */
function resetClose(sock: Socket): void {
  if (typeof sock.resetAndDestroy === 'function' && !sock.destroyed) {
    try { sock.resetAndDestroy(); return; } catch { /* not connected any more */ }
  }
  sock.destroy();
}

/**
 * Runs `tcp-request connection` rules. Returns 'closed' when the connection was rejected
 * (already closed and counted), 'expect-proxy' when a PROXY header must be read, else 'accept'.
 */
export function tcpConnectionGate(instance: Instance, fe: Proxy, sock: Socket): 'accept' | 'expect-proxy' | 'closed' {
  const rules = tcpRulesOf(instance, fe, 'connection');
  if (!rules) return 'accept';
  const ctx = connectionContext(instance, fe, sock);
  const v = execTcpRules(rules, ctx, true);
  if (v === 'reject' || v === 'silent-drop') {
    fe.feCounters.deniedConn++;
    fe.feCounters.connRate.add();
    sock.on('error', () => { /* reset */ });
    resetClose(sock);
    return 'closed';
  }
  return v === 'expect-proxy' ? 'expect-proxy' : 'accept';
}

/** Runs `tcp-request session` rules. Returns false when the session was rejected (closed, counted). */
export function tcpSessionGate(instance: Instance, fe: Proxy, sock: Socket, addrs?: ProxyAddresses): boolean {
  const rules = tcpRulesOf(instance, fe, 'session');
  if (!rules) return true;
  const ctx = connectionContext(instance, fe, sock, addrs);
  const v = execTcpRules(rules, ctx, true);
  if (v === 'reject' || v === 'silent-drop') {
    fe.feCounters.deniedSess++;
    sock.on('error', () => { /* reset */ });
    if (v === 'silent-drop') { resetClose(sock); return false; }
    // HAProxy closes a rejected session with a FIN (observed on 2.6.12), not a RST: send
    // ours, discard what the client sent, and let go after a short bound.
    sock.resume();
    sock.end();
    sock.setTimeout(1000, () => sock.destroy());
    return false;
  }
  return true;
}
