/**
 * HTTP fetches: request line, headers, cookies, URL parameters and the response status
 * (HAProxy: http_fetch.c). Multi-occurrence fetches (hdr, cook, url_param ...) declare
 * `each` so an ACL tries every occurrence, while a sample expression gets one value: the
 * last occurrence for headers and cookies, the first for URL parameters, as HAProxy does.
 */

import { registerFetches, type FetchDef, type SampleVisitor } from './registry';
import type { HttpHeadView, SampleContext, SampleValue } from './context';
import type { ArgSpec, ArgValue } from './args';
import {
  countHeaderValues, eachCookie, eachHeaderValue, eachParam, headerOccurrence, uriAuthority, uriPath, uriQuery,
} from './http-head';
import { leadingInt } from './types';
import { parseIp } from './ip';

type Side = (ctx: SampleContext) => HttpHeadView | undefined;
const REQ: Side = (ctx) => ctx.req;
const RES: Side = (ctx) => ctx.res;

/** Compiled header-fetch arguments: lowercase name and occurrence (0 = all / unspecified). */
interface HdrArgs { name: string; occ: number }
const HDR_ARGS: readonly ArgSpec[] = [{ type: 'str', optional: true }, { type: 'int', optional: true }];
const prepHdr = (a: ArgValue[]) => ({ state: { name: String(a[0] ?? '').toLowerCase(), occ: Number(a[1] ?? 0) } as HdrArgs });

/** Builds hdr-like fetches: value as string, int (hdr_val) or address (hdr_ip). */
function hdrFetch(name: string, side: Side, split: boolean, out: 'str' | 'int' | 'ip', use: 'req' | 'res'): FetchDef {
  const map = out === 'str' ? (v: string): SampleValue | undefined => v
    : out === 'int' ? (v: string) => leadingInt(v)
      : (v: string) => hdrIp(v);
  return {
    name, out, use, args: HDR_ARGS, prepare: prepHdr,
    fetch: (ctx, a: HdrArgs) => {
      const v = headerOccurrence(side(ctx), a.name, split, a.occ === 0 ? -1 : a.occ);
      return v === undefined ? undefined : map(v);
    },
    each: (ctx, a: HdrArgs, visit: SampleVisitor) => {
      if (a.occ !== 0) {
        const v = headerOccurrence(side(ctx), a.name, split, a.occ);
        const m = v === undefined ? undefined : map(v);
        return m !== undefined && visit(m);
      }
      if (out === 'str') return eachHeaderValue(side(ctx), a.name, split, visit);
      return eachHeaderValue(side(ctx), a.name, split, (v) => {
        const m = map(v);
        return m !== undefined && visit(m);
      });
    },
  };
}

/** hdr_ip(): an IPv4 address optionally followed by `:port`, or an IPv6 address. */
function hdrIp(v: string): string | undefined {
  if (parseIp(v)) return v;
  const colon = v.lastIndexOf(':');
  if (colon > 0 && parseIp(v.slice(0, colon))?.v4) return v.slice(0, colon);
  if (v.startsWith('[') && v.includes(']')) {
    const inner = v.slice(1, v.indexOf(']'));
    if (parseIp(inner)) return inner;
  }
  return undefined;
}

function cntFetch(name: string, side: Side, split: boolean, use: 'req' | 'res'): FetchDef {
  return {
    name, out: 'int', use, args: [{ type: 'str', optional: true }],
    prepare: (a) => ({ state: String(a[0] ?? '').toLowerCase() }),
    fetch: (ctx, lname: string) => (side(ctx) ? countHeaderValues(side(ctx), lname, split) : undefined),
  };
}

/** Cookie fetches read `Cookie` on requests and `Set-Cookie` on responses. */
function cookFetch(name: string, side: Side, out: 'str' | 'int', use: 'req' | 'res'): FetchDef {
  const hdr = use === 'req' ? 'cookie' : 'set-cookie';
  const map = out === 'str' ? (v: string): SampleValue => v : (v: string) => leadingInt(v);
  return {
    name, out, use, args: [{ type: 'str', optional: true }],
    prepare: (a) => ({ state: String(a[0] ?? '') }),
    // A sample expression gets the last occurrence (HAProxy 2.6 prints `2` for `s=1; s=2`).
    fetch: (ctx, cname: string) => {
      let found: SampleValue | undefined;
      eachCookie(side(ctx), hdr, cname, (v) => { found = map(v); return false; });
      return found;
    },
    each: (ctx, cname: string, visit) => eachCookie(side(ctx), hdr, cname, out === 'str' ? visit : (v) => visit(map(v))),
  };
}

function cookCnt(name: string, side: Side, use: 'req' | 'res'): FetchDef {
  const hdr = use === 'req' ? 'cookie' : 'set-cookie';
  return {
    name, out: 'int', use, args: [{ type: 'str', optional: true }],
    prepare: (a) => ({ state: String(a[0] ?? '') }),
    fetch: (ctx, cname: string) => {
      if (!side(ctx)) return undefined;
      let n = 0;
      eachCookie(side(ctx), hdr, cname, () => { n++; return false; });
      return n;
    },
  };
}

/** url_param(name[,delim[,i]]) state. */
interface ParamArgs { name: string; delim: string; icase: boolean }
function paramFetch(name: string, out: 'str' | 'int'): FetchDef {
  const map = out === 'str' ? (v: string): SampleValue => v : (v: string) => leadingInt(v);
  return {
    name, out, use: 'req', args: [{ type: 'str', optional: true }, { type: 'str', optional: true }, { type: 'str', optional: true }],
    prepare: (a) => {
      if (a[2] !== undefined && a[2] !== 'i') return { error: `invalid case-sensitivity flag '${a[2]}', expected 'i'` };
      return { state: { name: String(a[0] ?? ''), delim: String(a[1] ?? '&') || '&', icase: a[2] === 'i' } as ParamArgs };
    },
    fetch: (ctx, a: ParamArgs) => {
      let found: SampleValue | undefined;
      eachParam(ctx.req ? uriQuery(ctx.req.uri) : undefined, a.name, a.delim, a.icase, (v) => { found = map(v); return true; });
      return found;
    },
    each: (ctx, a: ParamArgs, visit) =>
      eachParam(ctx.req ? uriQuery(ctx.req.uri) : undefined, a.name, a.delim, a.icase, out === 'str' ? visit : (v) => visit(map(v))),
  };
}

/** `HTTP/1.1` -> `1.1` (req.ver / res.ver report the version without the prefix). */
function bareVersion(v: string): string { return v.startsWith('HTTP/') ? v.slice(5) : v; }

/** Host and port of an absolute-form target, for url_ip/url_port. */
function authorityParts(uri: string): { host: string; port: number } | undefined {
  const auth = uriAuthority(uri);
  if (auth === undefined) return undefined;
  const at = auth.lastIndexOf('@');
  const hp = at >= 0 ? auth.slice(at + 1) : auth;
  if (hp.startsWith('[')) {
    const close = hp.indexOf(']');
    const port = hp[close + 1] === ':' ? Number(hp.slice(close + 2)) : 80;
    return { host: hp.slice(1, close), port };
  }
  const colon = hp.indexOf(':');
  return colon < 0 ? { host: hp, port: 80 } : { host: hp.slice(0, colon), port: Number(hp.slice(colon + 1)) };
}

const list: FetchDef[] = [
  { name: 'req.proto_http', out: 'bool', use: 'req', fetch: (ctx) => ctx.req !== undefined },
  { name: 'method', out: 'meth', use: 'req', fetch: (ctx) => ctx.req?.method },
  { name: 'url', out: 'str', use: 'req', fetch: (ctx) => ctx.req?.uri },
  { name: 'path', out: 'str', use: 'req', fetch: (ctx) => (ctx.req ? uriPath(ctx.req.uri) : undefined) },
  { name: 'query', out: 'str', use: 'req', fetch: (ctx) => (ctx.req ? uriQuery(ctx.req.uri) : undefined) },
  {
    name: 'base', out: 'str', use: 'req',
    // First Host header followed by the path; the path alone when there is no Host.
    fetch: (ctx) => {
      if (!ctx.req) return undefined;
      const path = uriPath(ctx.req.uri) ?? '';
      const host = headerOccurrence(ctx.req, 'host', false, 1);
      return host === undefined ? path : host + path;
    },
  },
  { name: 'req.ver', out: 'str', use: 'req', fetch: (ctx) => (ctx.req ? bareVersion(ctx.req.version) : undefined) },
  { name: 'res.ver', out: 'str', use: 'res', fetch: (ctx) => (ctx.res ? bareVersion(ctx.res.version) : undefined) },
  { name: 'status', out: 'int', use: 'res', fetch: (ctx) => ctx.res?.status },
  {
    name: 'url_ip', out: 'ip', use: 'req',
    fetch: (ctx) => {
      const p = ctx.req ? authorityParts(ctx.req.uri) : undefined;
      return p && parseIp(p.host) ? p.host : undefined;
    },
  },
  {
    name: 'url_port', out: 'int', use: 'req',
    fetch: (ctx) => {
      const p = ctx.req ? authorityParts(ctx.req.uri) : undefined;
      return p && Number.isInteger(p.port) ? p.port : undefined;
    },
  },
  paramFetch('url_param', 'str'), paramFetch('urlp', 'str'), paramFetch('urlp_val', 'int'),
  hdrFetch('req.hdr', REQ, true, 'str', 'req'), hdrFetch('hdr', REQ, true, 'str', 'req'),
  hdrFetch('req.fhdr', REQ, false, 'str', 'req'),
  hdrFetch('req.hdr_val', REQ, true, 'int', 'req'), hdrFetch('hdr_val', REQ, true, 'int', 'req'),
  hdrFetch('req.hdr_ip', REQ, true, 'ip', 'req'), hdrFetch('hdr_ip', REQ, true, 'ip', 'req'),
  cntFetch('req.hdr_cnt', REQ, true, 'req'), cntFetch('hdr_cnt', REQ, true, 'req'), cntFetch('req.fhdr_cnt', REQ, false, 'req'),
  hdrFetch('res.hdr', RES, true, 'str', 'res'), hdrFetch('shdr', RES, true, 'str', 'res'),
  hdrFetch('res.fhdr', RES, false, 'str', 'res'),
  hdrFetch('res.hdr_val', RES, true, 'int', 'res'), hdrFetch('shdr_val', RES, true, 'int', 'res'),
  hdrFetch('res.hdr_ip', RES, true, 'ip', 'res'), hdrFetch('shdr_ip', RES, true, 'ip', 'res'),
  cntFetch('res.hdr_cnt', RES, true, 'res'), cntFetch('shdr_cnt', RES, true, 'res'), cntFetch('res.fhdr_cnt', RES, false, 'res'),
  cookFetch('req.cook', REQ, 'str', 'req'), cookFetch('cook', REQ, 'str', 'req'),
  cookFetch('req.cook_val', REQ, 'int', 'req'), cookFetch('cook_val', REQ, 'int', 'req'),
  cookCnt('req.cook_cnt', REQ, 'req'), cookCnt('cook_cnt', REQ, 'req'),
  cookFetch('res.cook', RES, 'str', 'res'), cookFetch('scook', RES, 'str', 'res'),
  cookFetch('res.cook_val', RES, 'int', 'res'), cookFetch('scook_val', RES, 'int', 'res'),
  cookCnt('res.cook_cnt', RES, 'res'), cookCnt('scook_cnt', RES, 'res'),
];

registerFetches(list);
