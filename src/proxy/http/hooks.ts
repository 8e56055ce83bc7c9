/**
 * Extension points of the HTTP transaction, filled by subsystems at build time
 * (http-request / http-response rules, stats page, Prometheus exporter, monitor-uri,
 * compression ...). Each proxy gets compiled hooks in `proxy.ext.httpHooks`; the stream calls
 * them at HAProxy's evaluation points:
 *   frontend request hooks -> use_backend -> backend request hooks -> server
 *   server response -> backend response hooks -> frontend response hooks -> client
 * A hook returns undefined to continue, or a {@link HttpReply} to answer the client itself.
 */

import type { Instance } from '../../process/instance';
import type { Proxy } from '../proxy';
import type { ParsedHead } from './parser';
import type { StreamRecord, TermCause, TermPhase } from '../stream-record';
import type { SampleContext } from '../../sample/context';
import { errorResponse } from './error-pages';
import { logPrefix } from '../../config/diagnostics';

/** What request/response hooks see and may change. Header edits apply to `head.headers`. */
export interface HttpTxn {
  readonly instance: Instance;
  readonly frontend: Proxy;
  /** The backend once chosen (backend hooks, response hooks). */
  readonly backend?: Proxy;
  readonly sample: SampleContext;
  /** The request head: method, uri and headers may be rewritten by request hooks. */
  readonly req: ParsedHead;
  /** The response head (response hooks): status, reason and headers may be rewritten. */
  readonly res?: ParsedHead;
  readonly rec: StreamRecord;
  /**
   * The request body when `option http-buffer-request` collected it, or when a Content-Length
   * body arrived whole in the same read as the head.
   */
  readonly body?: Buffer;
  /** Set by a hook to force the server-side backend choice (`use-service`, `set-dst` ...). */
  forcedBackend?: Proxy;
}

/** An answer produced by Fulcrum itself (deny, return, redirect, auth, stats page ...). */
export interface HttpReply {
  /** Complete response bytes (head + body). */
  response: Buffer;
  status: number;
  /** Close the client connection after it. */
  close?: boolean;
  /** Termination state to log (default P/R for deny, L/R for an intercepted request). */
  termCause?: TermCause;
  termPhase?: TermPhase;
  /** Delay before answering (tarpit), in ms. */
  delayMs?: number;
  /** Counts as denied (dreq/dresp) rather than intercepted. */
  denied?: boolean;
}

export type HttpHook = (txn: HttpTxn) => HttpReply | undefined;

export interface HttpHooks {
  /** http-request rules, redirect, monitor-uri, stats uri ... of this proxy (frontend part). */
  frontendRequest: HttpHook[];
  /** http-request rules of this proxy when used as a backend. */
  backendRequest: HttpHook[];
  /** http-response rules (backend part first, then frontend part). */
  backendResponse: HttpHook[];
  frontendResponse: HttpHook[];
  /** http-after-response rules (also run on Fulcrum's own replies). */
  afterResponse: HttpHook[];
}

/** Hooks of a proxy, created on first use. */
export function httpHooks(px: Proxy): HttpHooks {
  let h = px.ext.httpHooks as HttpHooks | undefined;
  if (!h) {
    h = { frontendRequest: [], backendRequest: [], backendResponse: [], frontendResponse: [], afterResponse: [] };
    px.ext.httpHooks = h;
  }
  return h;
}

/** A function run once per proxy after the runtime graph is built, to install hooks. */
export type HookInstaller = (instance: Instance, px: Proxy) => void;

const installers: HookInstaller[] = [];

/** Registers an installer (from a subsystem's module, listed in src/modules.ts). */
export function registerHookInstaller(fn: HookInstaller): void {
  installers.push(fn);
}

/** Runs every installer for every proxy (called by build.ts). */
export function installHooks(instance: Instance): void {
  for (const px of instance.proxies) for (const fn of installers) fn(instance, px);
}

/** Runs hooks in order; the first reply wins. */
export function runHooks(list: HttpHook[], txn: HttpTxn): HttpReply | undefined {
  for (let i = 0; i < list.length; i++) {
    let r: HttpReply | undefined;
    try {
      r = list[i](txn);
    } catch (e) {
      return internalError(e);
    }
    if (r) return r;
  }
  return undefined;
}

let reportedInternal = false;

/**
 * A bug in a rule, fetch or service must end its transaction, not the event loop (it used to
 * leave the client without an answer and print a stack trace): HAProxy's answer to an
 * internal error, 500 with termination state `PI`, reported once per process, without a
 * stack trace.
 */
function internalError(e: unknown): HttpReply {
  if (!reportedInternal) {
    reportedInternal = true;
    process.stderr.write(`${logPrefix('alert')}http rules: internal error, request answered with 500 (please report): ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
  }
  return { response: errorResponse(500, true), status: 500, close: true, termCause: 'I', termPhase: 'R' };
}
