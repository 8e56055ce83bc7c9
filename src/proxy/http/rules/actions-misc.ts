/**
 * Non-final actions on the transaction's state: set-var / set-var-fmt / unset-var
 * (sample/vars.ts), set-log-level (StreamRecord.logLevel), add-acl / del-acl / set-map /
 * del-map (pattern references of acl/pattern-ref.ts, shared with the runtime API), and the
 * `use-service prometheus-exporter` service (stats/prometheus.ts renders the page).
 */

import { registerHttpAction, type ActionResult, type RuleSet } from './registry';
import { compileSampleExpr } from '../../../sample/expr';
import { checkVarName, setVar, unsetVar } from '../../../sample/vars';
import { compileLf } from './lf';
import { LEVELS } from '../../../log/levels';
import { findPatternRef, type PatternKind } from '../../../acl/pattern-ref';
import { parsePromQuery, renderPrometheus } from '../../../stats/prometheus';
import { errorResponse } from '../error-pages';
import { clientCloses } from './reply';

const TRAILER = Buffer.from('\r\n0\r\n\r\n', 'latin1');

const ALL: readonly RuleSet[] = ['http-request', 'http-response', 'http-after-response'];

/** The parenthesised argument of an action name: `set-var(txn.x)` -> `txn.x`. */
function parenArg(action: string): string | undefined {
  const o = action.indexOf('(');
  if (o < 0 || !action.endsWith(')')) return undefined;
  return action.slice(o + 1, -1);
}

function varName(action: string): string | { error: string } {
  const n = parenArg(action);
  if (n === undefined) return { error: `expects a variable name between parentheses` };
  const e = checkVarName(n);
  return e ? { error: e } : n;
}

registerHttpAction([
  {
    name: 'set-var(*)', prefix: true, sets: ALL,
    parse(args, env) {
      const n = varName(env.action);
      if (typeof n !== 'string') return n.error;
      if (args.length < 1) return 'missing fetch method';
      let err = '';
      if (!compileSampleExpr(args[0], (m) => { err = m; })) return err;
      if (args.length > 1) return `\0${args[1]}`;
      return undefined;
    },
    compile(args, env) {
      const n = varName(env.action) as string;
      const fn = compileSampleExpr(args[0], () => undefined);
      if (!fn) return 'invalid expression';
      return (txn): ActionResult => {
        const v = fn(txn.sample);
        if (v !== undefined) setVar(txn.sample, n, v);
        return undefined;
      };
    },
  },
  {
    name: 'set-var-fmt(*)', prefix: true, sets: ALL,
    parse(args, env) {
      const n = varName(env.action);
      if (typeof n !== 'string') return n.error;
      if (args.length < 1) return 'missing format string';
      const f = compileLf(args[0]);
      if (typeof f === 'string') return f;
      if (args.length > 1) return `\0${args[1]}`;
      return undefined;
    },
    compile(args, env) {
      const n = varName(env.action) as string;
      const f = compileLf(args[0]);
      if (typeof f === 'string') return f;
      return (txn): ActionResult => { setVar(txn.sample, n, f(txn)); return undefined; };
    },
  },
  {
    name: 'unset-var(*)', prefix: true, sets: ALL,
    parse(args, env) {
      const n = varName(env.action);
      if (typeof n !== 'string') return n.error;
      return args.length ? `\0${args[0]}` : undefined;
    },
    compile(_args, env) {
      const n = varName(env.action) as string;
      return (txn): ActionResult => { unsetVar(txn.sample, n); return undefined; };
    },
  },
  {
    name: 'set-log-level', sets: ALL,
    parse(args) {
      if (args.length < 1 || (args[0] !== 'silent' && !LEVELS.includes(args[0]))) return `expects exactly 1 argument (log level name or 'silent')`;
      return args.length > 1 ? `\0${args[1]}` : undefined;
    },
    compile(args) {
      const level = args[0];
      return (txn): ActionResult => { txn.rec.logLevel = level; return undefined; };
    },
  },
  ...(['add-acl', 'del-acl', 'set-map', 'del-map'] as const).map((name) => {
    const kind: PatternKind = name.endsWith('acl') ? 'acl' : 'map';
    const argc = name === 'set-map' ? 2 : 1;
    return {
      name: `${name}(*)`, prefix: true, sets: ALL,
      parse(args: string[], env: { action: string }): string | undefined {
        const file = parenArg(env.action);
        if (!file) return `${name} : missing file name`;
        if (args.length < argc) return `expects exactly ${argc === 1 ? '1 argument' : '2 arguments'}`;
        for (let i = 0; i < argc; i++) { const f = compileLf(args[i]); if (typeof f === 'string') return f; }
        return args.length > argc ? `\0${args[argc]}` : undefined;
      },
      compile(args: string[], env: { action: string }) {
        const file = parenArg(env.action)!;
        const key = compileLf(args[0]);
        if (typeof key === 'string') return key;
        const val = argc === 2 ? compileLf(args[1]) : undefined;
        if (typeof val === 'string') return val;
        // Resolved per call: the reference is created when the ACL/map using it compiles.
        return (txn: import('../hooks').HttpTxn): ActionResult => {
          const ref = findPatternRef(kind, file);
          if (!ref) return undefined;
          const k = key(txn);
          if (name === 'add-acl') { if (!ref.entries.some((e) => e.key === k)) ref.add(k); }
          else if (name === 'set-map') { const v = val!(txn); if (!ref.set(k, v).found) ref.add(k, v); }
          else ref.del(k);
          return undefined;
        };
      },
    };
  }),
  {
    name: 'use-service', sets: ['http-request'],
    parse(args) {
      if (args.length < 1) return `expects a service name.`;
      if (args[0] !== 'prometheus-exporter') return `'${args[0]}' unknown service name.`;
      return args.length > 1 ? `\0${args[1]}` : undefined;
    },
    compile(_args, env) {
      const instance = env.instance;
      // HAProxy's exporter answers 200 text/plain (exposition format 0.0.4), counted as
      // intercepted, logged `LR--`.
      return (txn): ActionResult => {
        // Logged as `<fe>/<PROMEX>` with 0/0/0 timers, as 2.6.12 does.
        txn.rec.serverName = '<PROMEX>'; txn.rec.tw = 0; txn.rec.tc = 0; txn.rec.tr = 0;
        const close = clientCloses(txn);
        // An unknown or undecodable `scope=` (`?scope=bogus`, `?scope=%zz`): 400, `LR--`.
        if (parsePromQuery(txn.req.uri).invalid) return { response: errorResponse(400, close), status: 400, close, termCause: 'L', termPhase: 'R' };
        const body = Buffer.from(renderPrometheus(instance, Date.now(), txn.req.uri), 'utf8');
        // Chunked like HAProxy's exporter (it streams the page); one chunk here.
        const head = `HTTP/1.1 200 OK\r\ncache-control: no-cache\r\ncontent-type: text/plain; version=0.0.4\r\ntransfer-encoding: chunked\r\n${close ? 'connection: close\r\n' : ''}\r\n${body.length.toString(16).toUpperCase()}\r\n`;
        return { response: Buffer.concat([Buffer.from(head, 'latin1'), body, TRAILER]), status: 200, close, termCause: 'L', termPhase: 'R' };
      };
    },
  },
]);
