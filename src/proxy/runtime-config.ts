/**
 * Per-proxy data compiled once at build time for the request path: switching rules with
 * compiled conditions, resolved backends, forwardfor settings and the HTTP connection mode.
 * Nothing here is re-validated per request.
 */

import type { Proxy } from './proxy';
import type { Instance } from '../process/instance';
import type { CompiledCondition } from '../acl/compile';
import { parseNetwork, type Network } from '../util/ip';
import { instanceRuntimeLookup } from '../sample/runtime-lookup';
import type { RuntimeLookup } from '../sample/context';

/** HTTP connection mode resulting from frontend + backend options (configuration.txt §4 "option httpclose"). */
export const enum HttpMode { KeepAlive = 0, ServerClose = 1, Close = 2 }

export interface ForwardFor {
  header: string;
  except?: Network;
  ifNone: boolean;
}

export interface SwitchingRule {
  /** Resolved backend (undefined when the name is dynamic). */
  backend: Proxy;
  cond?: CompiledCondition;
  /** 1-based position, for explanations. */
  index: number;
  /** Text of the rule as written, for explanations. */
  text: string;
}

export interface ProxyRuntime {
  switching: SwitchingRule[];
  defaultBackend?: Proxy;
  forwardFor?: ForwardFor;
  originalTo?: { header: string; except?: Network };
  /** `retry-on`: retry on connection failures (default), and which L7 conditions replay the request. */
  retryOnConn: boolean;
  retryOnEmpty: boolean;
  retryOnJunk: boolean;
  retryOnTimeout: boolean;
  retryOnStatus: Set<number>;
  /** `http-reuse`: never | safe (default) | aggressive | always. */
  reuse: 'never' | 'safe' | 'aggressive' | 'always';
  /** Connect retries and redispatch interval (HAProxy default -1: on the last retry). */
  retries: number;
  redispatch: boolean;
  redispatchInterval: number;
}

/** Reads the compiled runtime of a proxy (set by build.ts). */
export function rt(p: Proxy): ProxyRuntime {
  return p.ext.rt as ProxyRuntime;
}

/** Computes the HTTP mode for a frontend/backend pair. */
export function httpMode(fe: Proxy, be: Proxy): HttpMode {
  const o1 = fe.cfg.options;
  const o2 = be.cfg.options;
  if (o1.httpclose || o2.httpclose) return HttpMode.Close;
  if (o1['http-server-close'] || o2['http-server-close']) return HttpMode.ServerClose;
  return HttpMode.KeepAlive;
}

/** Parses `option forwardfor [except NET] [header NAME] [if-none]` args. */
export function parseForwardFor(args: string[] | undefined, defHeader: string): ForwardFor {
  const ff: ForwardFor = { header: defHeader, ifNone: false };
  const a = args ?? [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 'except') ff.except = parseNetwork(a[++i]);
    else if (a[i] === 'header') ff.header = a[++i];
    else if (a[i] === 'if-none') ff.ifNone = true;
  }
  return ff;
}

export type { Instance };

/** The instance's runtime lookup for fetches such as nbsrv() (one shared object per instance). */
export function runtimeLookup(instance: Instance): RuntimeLookup {
  let r = instance.ext.runtimeLookup as RuntimeLookup | undefined;
  if (!r) {
    r = instanceRuntimeLookup(instance);
    instance.ext.runtimeLookup = r;
  }
  return r;
}

/** Compiles `retry-on` words (default: conn-failure only). */
export function compileRetryOn(words: string[] | undefined): Pick<ProxyRuntime, 'retryOnConn' | 'retryOnEmpty' | 'retryOnJunk' | 'retryOnTimeout' | 'retryOnStatus'> {
  const w = new Set(words ?? ['conn-failure']);
  const all = w.has('all-retryable-errors');
  const status = new Set<number>();
  for (const x of w) if (/^\d{3}$/.test(x)) status.add(Number(x));
  if (all) for (const c of [500, 502, 503, 504]) status.add(c);
  return {
    retryOnConn: all || w.has('conn-failure'),
    retryOnEmpty: all || w.has('empty-response'),
    retryOnJunk: all || w.has('junk-response'),
    retryOnTimeout: all || w.has('response-timeout'),
    retryOnStatus: status,
  };
}
