/**
 * Config keywords of load balancing: `balance`, `hash-type`, `hash-balance-factor`
 * (HAProxy cfgparse-listen.c and backend.c backend_parse_balance), with HAProxy 2.6's
 * messages, stored in `ProxyConfig.balance`. Post-checks: layer-7 algorithms outside
 * `mode http` fall back to roundrobin with HAProxy's warning, and `balance hash`
 * expressions are compiled once to report errors at load time.
 */

import { registerKeywords, BACKEND_SECTIONS, ALL_PROXY_SECTIONS, type KeywordContext } from '../config/registry';
import { registerPostCheck } from '../config/validate';
import type { BalanceConfig } from '../config/model';
import { findBalancer } from './registry';
import { compileSampleExpr } from '../sample/expr';
import './algorithms';

/** HAProxy's list in its "only supports" message (it omits first, random, hash). */
const SUPPORTED = "only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', 'url_param', 'hdr(name)' and 'rdp-cookie(name)' options.";

/** Algorithms that read the HTTP request (HAProxy BE_LB_NEED_HTTP). */
const NEEDS_HTTP = new Set(['uri', 'url_param', 'hdr']);

/**
 * Splits the algorithm word the way HAProxy matches it: exact names, `random` and
 * `rdp-cookie` as prefixes with an optional `(arg)`, `hdr(` as a prefix.
 * Returns the algorithm name and parenthesised argument, or an error message.
 */
export function splitAlgorithm(word: string): { name: string; paren?: string } | { error: string } {
  if (word.startsWith('random')) {
    // HAProxy only looks at what follows when it is '(' and not directly ')'.
    if (word[6] === '(' && word[7] !== ')') {
      const close = word.indexOf(')', 7);
      if (close < 0) {
        const arg = word.slice(7);
        const m = /^\s*[+-]?(0x[0-9a-f]+|\d+)/i.exec(arg);
        const rest = arg.slice(m ? m[0].length : 0);
        return { error: rest ? `random : unexpected character '${rest[0]}' after argument.` : 'random : missing closing parenthesis.' };
      }
      return { name: 'random', paren: word.slice(7, close) };
    }
    return { name: 'random' };
  }
  if (word.startsWith('hdr(')) {
    const close = word.indexOf(')', 4);
    if (close <= 4) return { error: 'hdr requires an http header field name.' };
    return { name: 'hdr', paren: word.slice(4, close) };
  }
  if (word.startsWith('rdp-cookie')) {
    if (word[10] === '(') {
      const close = word.indexOf(')', 11);
      if (close <= 11) return { error: 'rdp-cookie : missing cookie name.' };
      return { name: 'rdp-cookie', paren: word.slice(11, close) };
    }
    if (word.length === 10) return { name: 'rdp-cookie' };
    return { error: 'rdp-cookie : missing cookie name.' };
  }
  if (['roundrobin', 'static-rr', 'first', 'leastconn', 'source', 'uri', 'url_param', 'hash'].includes(word)) return { name: word };
  return { error: SUPPORTED };
}

function parseBalance(ctx: KeywordContext): void {
  const p = ctx.proxy;
  if (!p) return;
  const word = ctx.args[1];
  const bal: BalanceConfig = p.balance;
  if (word === undefined || word === '') {
    // `balance` alone selects roundrobin.
    p.balance = { ...bal, algorithm: 'roundrobin', args: [], paren: undefined };
    return;
  }
  const split = splitAlgorithm(word);
  if ('error' in split) {
    ctx.error(`balance ${split.error}`);
    return;
  }
  const args = ctx.args.slice(2);
  const def = findBalancer(split.name);
  if (!def) {
    ctx.error(`balance ${SUPPORTED}`);
    return;
  }
  const err = def.validate?.(args, split.paren);
  if (err) {
    ctx.error(`balance ${err}`);
    return;
  }
  p.balance = { ...bal, algorithm: split.name, args, paren: split.paren };
}

function parseHashType(ctx: KeywordContext): void {
  const p = ctx.proxy;
  if (!p) return;
  const [, type, fn, mod] = ctx.args;
  if (type === 'avalanche') {
    ctx.error("experimental feature 'hash-type avalanche' is not supported anymore, please use 'hash-type map-based sdbm avalanche' instead.");
    return;
  }
  if (type !== 'consistent' && type !== 'map-based') {
    ctx.error("'hash-type' only supports 'consistent' and 'map-based'.");
    return;
  }
  const words = [type];
  if (fn) {
    // HAProxy 2.6 has no 'none' function (it came in 2.8): rejected like any other name.
    if (!['sdbm', 'djb2', 'wt6', 'crc32'].includes(fn)) {
      ctx.error("'hash-type' only supports 'sdbm', 'djb2', 'crc32', or 'wt6' hash functions.");
      return;
    }
    words.push(fn);
    if (mod === 'avalanche') words.push(mod);
    else if (mod) {
      ctx.error("'hash-type' only supports 'avalanche' as a modifier for hash functions.");
      return;
    }
  }
  p.balance = { ...p.balance, hashType: words };
}

function parseBalanceFactor(ctx: KeywordContext): void {
  const p = ctx.proxy;
  if (!p) return;
  const v = ctx.args[1];
  if (v === undefined || v === '') {
    ctx.error("'hash-balance-factor' expects an integer argument.");
    return;
  }
  // atol(): leading number or 0.
  const m = /^\s*([+-]?\d+)/.exec(v);
  const n = m ? parseInt(m[1], 10) : 0;
  if (n !== 0 && n <= 100) {
    ctx.error("'hash-balance-factor' must be 0 or greater than 100.");
    return;
  }
  p.balance = { ...p.balance, hashBalanceFactor: n };
}

registerKeywords([
  { name: 'balance', sections: BACKEND_SECTIONS, usage: 'balance <algorithm> [<arguments>]', parse: parseBalance },
  { name: 'hash-type', sections: BACKEND_SECTIONS, usage: 'hash-type <map-based|consistent> [<sdbm|djb2|wt6|crc32> [avalanche]]', parse: parseHashType },
  // HAProxy parses it in any proxy without a capability warning.
  { name: 'hash-balance-factor', sections: ALL_PROXY_SECTIONS, usage: 'hash-balance-factor <factor>', parse: parseBalanceFactor },
]);

registerPostCheck('lb', (config, diag) => {
  for (const p of config.proxies) {
    if (p.cap === 'frontend') continue;
    const bal = p.balance;
    if (p.mode !== 'http' && NEEDS_HTTP.has(bal.algorithm)) {
      diag.warning(`Layer 7 hash not possible for ${p.cap === 'listen' ? 'proxy' : 'backend'} '${p.name}' (needs 'mode http'). Falling back to round robin.`);
      p.balance = { ...bal, algorithm: 'roundrobin', args: [], paren: undefined };
      continue;
    }
    if (bal.algorithm === 'hash') {
      const text = bal.args[0] ?? '';
      compileSampleExpr(text, (msg) => {
        diag.alert(`${p.cap === 'listen' ? 'proxy' : 'backend'} '${p.name}' [${p.src.file}:${p.src.line}]: failed to parse 'balance hash' expression '${text}' in : ${msg}.`);
      });
    }
  }
}, 50);
