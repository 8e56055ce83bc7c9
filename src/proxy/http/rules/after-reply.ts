/**
 * `http-after-response` rules on Fulcrum's own replies (deny pages, redirects, returns,
 * stats ...): HAProxy applies them to every response it sends, internal ones included. The
 * reply's head is parsed, the backend's then the frontend's after-response hooks edit it,
 * and the head is rebuilt (names lower-cased, as HAProxy's H1 output). Replies with no
 * after-response rule to run are returned untouched, without parsing.
 */

import type { Proxy } from '../../proxy';
import type { HttpHooks, HttpReply, HttpTxn } from '../hooks';
import { runHooks } from '../hooks';
import { parseResponseHead, isHeadError } from '../parser';
import type { SampleContext } from '../../../sample/context';

/**
 * Runs the after-response hooks of `be` (when set and distinct) then `fe` on a built reply;
 * returns the reply to send: the same object when no rule applies (or the bytes are not a
 * response head), else a copy with the rebuilt bytes and the possibly changed status.
 * `mk` builds the transaction view only when a rule will run.
 */
export function applyAfterResponse(mk: () => HttpTxn, fe: Proxy, be: Proxy | undefined, reply: HttpReply): HttpReply {
  const beH = be && be !== fe ? be.ext.httpHooks as HttpHooks | undefined : undefined;
  const feH = fe.ext.httpHooks as HttpHooks | undefined;
  if (!(beH && beH.afterResponse.length) && !(feH && feH.afterResponse.length)) return reply;
  const response = reply.response;
  const end = response.indexOf('\r\n\r\n');
  if (end < 0) return reply;
  const head = parseResponseHead(response.toString('latin1', 0, end + 4));
  if (isHeadError(head)) return reply;
  const txn = mk();
  // Only the parsed reply head is visible to the rules (and `status` reads it).
  const t = txn as { res?: unknown };
  const prevRes = t.res;
  const prevSample = txn.sample.res;
  t.res = head;
  txn.sample.res = head as unknown as SampleContext['res'];
  if (beH) runHooks(beH.afterResponse, txn);
  if (feH) runHooks(feH.afterResponse, txn);
  t.res = prevRes;
  txn.sample.res = prevSample;
  let out = `${head.version} ${head.status} ${head.reason}\r\n`;
  const h = head.headers;
  let conn = '';
  for (let i = 0; i < h.length; i += 2) {
    const n = h[i].toLowerCase();
    // The H1 layer writes `connection` last, after whatever the rules added.
    if (n === 'connection') { conn = `connection: ${h[i + 1]}\r\n`; continue; }
    out += `${n}: ${h[i + 1]}\r\n`;
  }
  out += `${conn}\r\n`;
  return { ...reply, status: head.status, response: Buffer.concat([Buffer.from(out, 'latin1'), response.subarray(end + 4)]) };
}

/** Same as {@link applyAfterResponse} for a bare page (the stream's own error pages). */
export function afterResponseBytes(mk: () => HttpTxn, fe: Proxy, be: Proxy | undefined, page: Buffer): Buffer {
  return applyAfterResponse(mk, fe, be, { response: page, status: 0 }).response;
}
