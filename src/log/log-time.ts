/**
 * Which sample fetches a log format may use. A log line is built once the stream ended,
 * when HAProxy no longer has the request/response headers or buffers (its SMP_VAL_FE_LOG_END
 * check), so `%[req.hdr(host)]` is refused at parse time; the transaction's method and
 * status survive. Observed on HAProxy 2.6.12 `-c`.
 */

import type { FetchUse } from '../sample/registry';

/** Request fetches still valid at log time. */
const REQ_OK = new Set(['method', 'req.proto_http']);
/** Response fetches still valid at log time. */
const RES_OK = new Set(['status']);
/** Request-buffer (payload) fetches. */
const REQ_BUFFER = new Set([
  'req.len', 'req_len', 'req.payload', 'payload', 'req.payload_lv', 'payload_lv', 'req.ssl_sni', 'req_ssl_sni',
  'req.ssl_ver', 'req_ssl_ver', 'req.ssl_hello_type', 'req_ssl_hello_type', 'req.rdp_cookie', 'rdp_cookie',
  'req.rdp_cookie_cnt', 'rdp_cookie_cnt', 'req.body', 'req.body_len', 'req.body_size', 'req.body_param',
]);
const RES_BUFFER = new Set(['res.len', 'res.payload', 'res.payload_lv']);
/** `hdr()` means the request or the response header depending on where it is used. */
const BOTH = new Set(['hdr']);

/**
 * What a fetch needs that is gone at log time (HAProxy's wording, e.g. `HTTP request
 * headers`), or '' when it may be used in a log format.
 */
export function logTimeUnavailable(name: string, use: FetchUse): string {
  if (use === 'req') {
    if (REQ_OK.has(name)) return '';
    if (BOTH.has(name)) return 'HTTP request headers,HTTP response headers';
    // HAProxy 2.6 classes req.body with the headers (it is part of the HTX message).
    if (name === 'req.body') return 'HTTP request headers';
    return REQ_BUFFER.has(name) ? 'request buffer' : 'HTTP request headers';
  }
  if (use === 'res') {
    if (RES_OK.has(name)) return '';
    return RES_BUFFER.has(name) ? 'response buffer' : 'HTTP response headers';
  }
  return '';
}
