/**
 * Fetches that read no traffic: constants, variables, proxy names and runtime state
 * (HAProxy: sample.c smp_fetch_const_*, smp_fetch_var; backend.c nbsrv/be_conn/srv_is_up/
 * connslots; frontend.c/backend.c fe_name/be_name/srv_name).
 */

import { registerFetches, type FetchDef } from './registry';
import { checkVarName, getVar } from './vars';
import { parseIp } from './ip';
import type { ArgValue } from './args';
import type { SampleContext } from './context';

/** Backend named by the first argument, or the stream's current backend. */
function backendOf(ctx: SampleContext, args: ArgValue[]) {
  const name = args.length > 0 ? String(args[0]) : ctx.backend;
  return name === undefined ? undefined : ctx.runtime?.backend(name);
}

const list: FetchDef[] = [
  { name: 'always_true', out: 'bool', use: 'internal', fetch: () => true },
  { name: 'always_false', out: 'bool', use: 'internal', fetch: () => false },
  { name: 'int', out: 'int', use: 'internal', args: [{ type: 'int' }], fetch: (_c, a: number[]) => a[0] },
  { name: 'str', out: 'str', use: 'internal', args: [{ type: 'str' }], fetch: (_c, a: string[]) => a[0] },
  {
    name: 'bool', out: 'bool', use: 'internal', args: [{ type: 'str' }],
    // HAProxy accepts true/false/1/0 (smp_check_const_bool).
    prepare: (a) => {
      const w = String(a[0]).toLowerCase();
      if (w === 'true' || w === '1') return { state: true };
      if (w === 'false' || w === '0') return { state: false };
      return { error: `unhandled value '${a[0]}'` };
    },
    fetch: (_c, v: boolean) => v,
  },
  {
    name: 'ipv4', out: 'ip', use: 'internal', args: [{ type: 'str' }],
    prepare: (a) => (parseIp(String(a[0]))?.v4 ? { state: String(a[0]) } : { error: `'${a[0]}' is not a valid IPv4 address` }),
    fetch: (_c, v: string) => v,
  },
  {
    name: 'ipv6', out: 'ip', use: 'internal', args: [{ type: 'str' }],
    prepare: (a) => (parseIp(String(a[0])) ? { state: String(a[0]) } : { error: `'${a[0]}' is not a valid IPv6 address` }),
    fetch: (_c, v: string) => v,
  },
  {
    name: 'bin', out: 'bin', use: 'internal', args: [{ type: 'str' }],
    prepare: (a) => (/^([0-9a-fA-F]{2})*$/.test(String(a[0])) ? { state: Buffer.from(String(a[0]), 'hex') } : { error: `invalid hex string '${a[0]}'` }),
    fetch: (_c, v: Buffer) => v,
  },
  {
    name: 'var', out: 'any', use: 'internal', args: [{ type: 'var' }],
    prepare: (a) => {
      const err = checkVarName(String(a[0]));
      return err ? { error: err } : { state: String(a[0]) };
    },
    fetch: (ctx, name: string) => getVar(ctx, name),
  },
  { name: 'fe_name', out: 'str', use: 'l4', fetch: (ctx) => ctx.frontend },
  { name: 'be_name', out: 'str', use: 'internal', fetch: (ctx) => ctx.backend },
  { name: 'srv_name', out: 'str', use: 'internal', fetch: (ctx) => ctx.server },
  { name: 'wait_end', out: 'bool', use: 'internal', fetch: (ctx) => (ctx.final ? true : undefined) },
  { name: 'nbsrv', out: 'int', use: 'internal', args: [{ type: 'be', optional: true }], fetch: (ctx, a: ArgValue[]) => backendOf(ctx, a)?.nbsrv },
  { name: 'be_conn', out: 'int', use: 'internal', args: [{ type: 'be', optional: true }], fetch: (ctx, a: ArgValue[]) => backendOf(ctx, a)?.conn },
  { name: 'queue', out: 'int', use: 'internal', args: [{ type: 'be', optional: true }], fetch: (ctx, a: ArgValue[]) => backendOf(ctx, a)?.queue },
  {
    name: 'connslots', out: 'int', use: 'internal', args: [{ type: 'be', optional: true }],
    fetch: (ctx, a: ArgValue[]) => backendOf(ctx, a)?.connslots,
  },
  {
    name: 'srv_is_up', out: 'bool', use: 'internal', args: [{ type: 'srv' }],
    fetch: (ctx, a: ArgValue[]) => {
      const ref = String(a[0]);
      const slash = ref.indexOf('/');
      const be = slash >= 0 ? ref.slice(0, slash) : ctx.backend;
      const sv = slash >= 0 ? ref.slice(slash + 1) : ref;
      if (be === undefined) return undefined;
      return ctx.runtime?.server(be, sv)?.up;
    },
  },
  { name: 'ssl_fc', out: 'bool', use: 'l4', fetch: (ctx) => ctx.ssl !== undefined },
  { name: 'ssl_fc_sni', out: 'str', use: 'l4', fetch: (ctx) => ctx.ssl?.sni },
  { name: 'ssl_fc_alpn', out: 'str', use: 'l4', fetch: (ctx) => ctx.ssl?.alpn },
  { name: 'ssl_fc_protocol', out: 'str', use: 'l4', fetch: (ctx) => ctx.ssl?.version },
  { name: 'ssl_fc_cipher', out: 'str', use: 'l4', fetch: (ctx) => ctx.ssl?.cipher },
];

registerFetches(list);
