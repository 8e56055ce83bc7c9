/**
 * Fetches log formats rely on, registered here only when the sample engine does not provide
 * them (it owns fetches; this keeps common log formats usable meanwhile):
 *  - connection errors for `option httpslog` (configuration.txt §7.3.3, §8.2.4): `fc_err`,
 *    `ssl_fc_err`, `ssl_c_err`, `ssl_c_ca_err`, `ssl_fc_is_resumed`;
 *  - captures (§7.3.6): `capture.req.hdr(N)`, `capture.res.hdr(N)`, `capture.req.method`,
 *    `capture.req.uri`, `capture.req.ver`, `capture.res.ver`, valid at log time. Fulcrum records no handshake error codes yet, so a plain
 * connection reports fc_err 0 and no TLS values (HAProxy 2.6.12 prints `0/-/-/-/0` then).
 */

import { findFetch, registerFetches, type FetchDef } from '../sample/registry';
import type { SampleContext } from '../sample/context';
import type { StreamRecord } from '../proxy/stream-record';
import '../sample/expr';

/**
 * The record a log line is being rendered for, by sample context: capture.* fetches read the
 * captures and request line from it. Set by renderLogFormat; absent elsewhere (ACLs), where
 * these fetches return no sample.
 */
export const recordOfContext = new WeakMap<SampleContext, StreamRecord>();

const rec = (ctx: SampleContext): StreamRecord | undefined => recordOfContext.get(ctx);
const nonEmpty = (v: string | undefined): string | undefined => (v ? v : undefined);

const LOG_FETCHES: FetchDef[] = [
  { name: 'fc_err', out: 'int', use: 'l4', fetch: () => 0 },
  { name: 'ssl_fc_err', out: 'int', use: 'l4', fetch: (ctx) => (ctx.ssl ? 0 : undefined) },
  { name: 'ssl_c_err', out: 'int', use: 'l4', fetch: (ctx) => (ctx.ssl ? 0 : undefined) },
  { name: 'ssl_c_ca_err', out: 'int', use: 'l4', fetch: (ctx) => (ctx.ssl ? 0 : undefined) },
  { name: 'ssl_fc_is_resumed', out: 'bool', use: 'l4', fetch: () => false },
  { name: 'capture.req.hdr', out: 'str', use: 'internal', args: [{ type: 'int' }], fetch: (ctx, a: number[]) => rec(ctx)?.capturedRequestHeaders[a[0]] },
  { name: 'capture.res.hdr', out: 'str', use: 'internal', args: [{ type: 'int' }], fetch: (ctx, a: number[]) => rec(ctx)?.capturedResponseHeaders[a[0]] },
  { name: 'capture.req.method', out: 'str', use: 'internal', fetch: (ctx) => nonEmpty(rec(ctx)?.method) },
  { name: 'capture.req.uri', out: 'str', use: 'internal', fetch: (ctx) => nonEmpty(rec(ctx)?.uri) },
  { name: 'capture.req.ver', out: 'str', use: 'internal', fetch: (ctx) => nonEmpty(rec(ctx)?.httpVersion) },
  { name: 'capture.res.ver', out: 'str', use: 'internal', fetch: (ctx) => nonEmpty(rec(ctx)?.sample?.res?.version) },
];

let registered = false;

/**
 * Registers the fetches above that nobody else provides. Called on the first log-format
 * compilation (after every module loaded), never at import time, so a module that later
 * registers one of these names itself cannot collide with this file.
 */
export function ensureLogFetches(): void {
  if (registered) return;
  registered = true;
  registerFetches(LOG_FETCHES.filter((f) => !findFetch(f.name)));
}
