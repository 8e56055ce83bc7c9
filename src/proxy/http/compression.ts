/**
 * HTTP response compression (configuration.txt "compression"): `compression algo`, `type`,
 * `offload`, and HAProxy's rules for when to compress. The encoder streams: body bytes go
 * through node:zlib as they arrive and leave chunk-encoded.
 */

import zlib from 'node:zlib';
import { registerFamily, ALL_PROXY_SECTIONS } from '../../config/registry';
import { extSlice, type ProxyConfig } from '../../config/model';
import type { ParsedHead } from './parser';
import { getHeader } from './parser';

export interface CompressionConfig {
  algos: string[];
  types: string[];
  offload: boolean;
}

const ALGOS = ['identity', 'gzip', 'deflate', 'raw-deflate'];

/** The compression settings of a proxy, if any. */
export function compressionOf(p: ProxyConfig): CompressionConfig | undefined {
  return p.ext.compression as CompressionConfig | undefined;
}

registerFamily('compression', [
  {
    name: 'algo', sections: ALL_PROXY_SECTIONS,
    parse(ctx) {
      const c = extSlice<CompressionConfig>(ctx.proxy!, 'compression', () => ({ algos: [], types: [], offload: false }));
      const list = ctx.args.slice(2);
      if (list.length === 0) { ctx.error(`'compression algo' expects <algorithm>`); return; }
      for (const a of list) {
        if (!ALGOS.includes(a)) { ctx.error(`'compression algo' : '${a}' is not a supported algorithm.`); return; }
        c.algos.push(a);
      }
    },
  },
  {
    name: 'type', sections: ALL_PROXY_SECTIONS,
    parse(ctx) {
      const c = extSlice<CompressionConfig>(ctx.proxy!, 'compression', () => ({ algos: [], types: [], offload: false }));
      const list = ctx.args.slice(2);
      if (list.length === 0) { ctx.error(`'compression type' expects <mime type>`); return; }
      c.types.push(...list.map((t) => t.toLowerCase()));
    },
  },
  {
    name: 'offload', sections: ALL_PROXY_SECTIONS,
    parse(ctx) {
      if (ctx.section === 'defaults') { ctx.warning(`'compression offload' ignored in 'defaults' section.`); return; }
      const c = extSlice<CompressionConfig>(ctx.proxy!, 'compression', () => ({ algos: [], types: [], offload: false }));
      c.offload = true;
    },
  },
]);

const ENCODING_TOKEN: Record<string, string> = { gzip: 'gzip', deflate: 'deflate', 'raw-deflate': 'deflate', identity: 'identity' };

/** Picks the algorithm for a request (`Accept-Encoding` with q-values), or undefined. */
export function chooseAlgorithm(cfg: CompressionConfig, req: ParsedHead): string | undefined {
  const ae = getHeader(req, 'accept-encoding');
  if (ae === undefined) return cfg.algos.includes('identity') ? 'identity' : undefined;
  const accepted = new Map<string, number>();
  for (const part of ae.split(',')) {
    const [tok, ...params] = part.trim().toLowerCase().split(';');
    let q = 1;
    for (const p of params) { const m = /^\s*q=([0-9.]+)/.exec(p); if (m) q = Number(m[1]); }
    if (tok) accepted.set(tok, q);
  }
  for (const a of cfg.algos) {
    const t = ENCODING_TOKEN[a];
    const q = accepted.get(t) ?? accepted.get('*');
    if (q !== undefined && q > 0) return a;
  }
  return undefined;
}

/**
 * HAProxy's conditions for compressing a response (configuration.txt "compression"):
 * status 200-203, HTTP/1.1 response with a length or chunked body, no Content-Encoding, no
 * `no-transform`, content type allowed and not multipart, request not from a Mozilla/4
 * pre-MSIE6-SP2 agent, at most one valid ETag.
 */
export function shouldCompress(cfg: CompressionConfig, req: ParsedHead, res: ParsedHead, method: string): boolean {
  if (method === 'HEAD') return false;
  if (res.status < 200 || res.status > 203) return false;
  if (res.versionMinor < 1) return false;
  if (res.contentLength < 0 && !res.chunked) return false;
  if (res.contentLength === 0) return false;
  if (getHeader(res, 'content-encoding') !== undefined) return false;
  const cc = getHeader(res, 'cache-control');
  if (cc && /(^|,)\s*no-transform\s*(,|$)/i.test(cc)) return false;
  const ctype = (getHeader(res, 'content-type') ?? '').toLowerCase();
  if (ctype.startsWith('multipart')) return false;
  if (cfg.types.length > 0) {
    const base = ctype.split(';')[0].trim();
    if (!cfg.types.some((t) => base === t || base.startsWith(t))) return false;
  }
  const ua = getHeader(req, 'user-agent') ?? '';
  if (/^Mozilla\/4/.test(ua) && !/MSIE (7|8|9|1\d)\./.test(ua) && !/MSIE 6\.0;.*SV1/.test(ua)) return false;
  let etags = 0;
  const h = res.headers;
  for (let i = 0; i < h.length; i += 2) {
    if (h[i].toLowerCase() !== 'etag') continue;
    etags++;
    if (!/^(W\/)?"[^"]*"$/.test(h[i + 1].trim())) return false;
  }
  return etags <= 1;
}

/**
 * Rewrites response headers for a compressed body: drops Content-Length, sets
 * Content-Encoding and chunked Transfer-Encoding, weakens a strong ETag, adds
 * `Vary: Accept-Encoding` (as HAProxy 2.6 does).
 */
export function rewriteHeaders(res: ParsedHead, algo: string): void {
  const out: string[] = [];
  const h = res.headers;
  let vary = false;
  for (let i = 0; i < h.length; i += 2) {
    const n = h[i].toLowerCase();
    if (n === 'content-length' || n === 'transfer-encoding') continue;
    if (n === 'etag' && h[i + 1].startsWith('"')) { out.push(h[i], `W/${h[i + 1]}`); continue; }
    if (n === 'vary') {
      vary = true;
      if (!/accept-encoding/i.test(h[i + 1])) { out.push(h[i], `${h[i + 1]},Accept-Encoding`); continue; }
    }
    out.push(h[i], h[i + 1]);
  }
  if (algo !== 'identity') out.push('Content-Encoding', ENCODING_TOKEN[algo]);
  out.push('Transfer-Encoding', 'chunked');
  if (!vary) out.push('Vary', 'Accept-Encoding');
  res.headers = out;
  res.contentLength = -1;
  res.chunked = true;
}

/** A streaming encoder; output is already chunk-framed for HTTP/1.1. */
export interface Encoder {
  /** Feeds body bytes; returns false when the caller should wait for `onDrain`. */
  write(b: Buffer): boolean;
  /** Ends the body; `done` runs after the last chunk (`0\r\n\r\n`) was emitted. */
  end(done: () => void): void;
  destroy(): void;
  bytesIn: number;
  bytesOut: number;
}

/** Creates the encoder for `algo`; `emit` receives chunk-framed output. */
export function createEncoder(algo: string, emit: (b: Buffer) => void, onDrain: () => void): Encoder {
  const stream: zlib.Gzip | zlib.Deflate | zlib.DeflateRaw | null =
    algo === 'gzip' ? zlib.createGzip({ level: 1 }) : algo === 'deflate' ? zlib.createDeflate({ level: 1 }) : algo === 'raw-deflate' ? zlib.createDeflateRaw({ level: 1 }) : null;
  const enc: Encoder = {
    bytesIn: 0,
    bytesOut: 0,
    write(b) {
      enc.bytesIn += b.length;
      if (!stream) { frame(b); return true; }
      return stream.write(b);
    },
    end(done) {
      if (!stream) { emit(LAST_CHUNK); done(); return; }
      stream.once('end', () => { emit(LAST_CHUNK); done(); });
      stream.end();
    },
    destroy() { stream?.destroy(); },
  };
  function frame(b: Buffer): void {
    if (b.length === 0) return;
    enc.bytesOut += b.length;
    emit(Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, CRLF]));
  }
  if (stream) {
    stream.on('data', frame);
    stream.on('drain', onDrain);
    stream.on('error', () => undefined);
  }
  return enc;
}

const CRLF = Buffer.from('\r\n');
const LAST_CHUNK = Buffer.from('0\r\n\r\n');
