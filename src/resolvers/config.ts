/**
 * `resolvers <name>` sections (configuration.txt §5.3.2) and the server keywords that use
 * them: `resolvers`, `resolve-prefer`, `resolve-opts`, `resolve-net`, `init-addr`, plus the
 * `server-template` proxy keyword. Plain data: `config.sections.resolvers` holds
 * {@link ResolversConfig} objects, servers keep their settings in `options`.
 */

import { readFileSync } from 'node:fs';
import {
  registerSectionType, registerKeywords, registerFamily, registerServerKeywords, findKeyword, BACKEND_ONLY,
  type KeywordContext, type ParamContext,
} from '../config/registry';
import type { Config, ServerConfig } from '../config/model';
import { parseAddress } from '../config/address';
import { parseTime, parseInteger } from '../config/units';
import { registerPostCheck } from '../config/validate';

export interface NameserverConfig { name: string; host: string; port: number }

export interface ResolversConfig {
  name: string;
  src: { file: string; line: number };
  nameservers: NameserverConfig[];
  /** ms */
  hold: { valid: number; obsolete: number; nx: number; timeout: number; refused: number; other: number };
  resolveRetries: number;
  timeoutResolve: number;
  timeoutRetry: number;
  acceptedPayloadSize: number;
  parseResolvConf: boolean;
  /** Created implicitly (HAProxy's `default` section from /etc/resolv.conf). */
  implicit?: boolean;
}

export function newResolvers(name: string, file: string, line: number): ResolversConfig {
  return {
    name, src: { file, line }, nameservers: [],
    hold: { valid: 10000, obsolete: 0, nx: 30000, timeout: 30000, refused: 30000, other: 30000 },
    resolveRetries: 3, timeoutResolve: 1000, timeoutRetry: 1000, acceptedPayloadSize: 512, parseResolvConf: false,
  };
}

/** Every resolvers section of a configuration. */
export function resolversSections(config: Config): ResolversConfig[] {
  return (config.sections.resolvers as ResolversConfig[] | undefined) ?? [];
}

/** Nameservers listed in resolv.conf text (`nameserver IP`), port 53. */
export function parseResolvConfText(text: string): NameserverConfig[] {
  const out: NameserverConfig[] = [];
  for (const raw of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(raw);
    if (!m) continue;
    const ip = m[1];
    if (!/^[0-9.]+$/.test(ip) && !ip.includes(':')) continue;
    out.push({ name: ip, host: ip, port: 53 });
  }
  return out;
}

function readResolvConf(): NameserverConfig[] | undefined {
  try {
    return parseResolvConfText(readFileSync('/etc/resolv.conf', 'latin1'));
  } catch {
    return undefined;
  }
}

registerSectionType({
  name: 'resolvers',
  start(ctx) {
    const name = ctx.args[1];
    if (name === undefined || name === '') {
      ctx.error(`missing name for resolvers section.`);
      return newResolvers('', ctx.file, ctx.line);
    }
    const list = (ctx.config.sections.resolvers ??= []) as ResolversConfig[];
    const dup = list.find((r) => r.name === name);
    if (dup) ctx.error(`resolvers '${name}' has the same name as another resolvers (declared at ${dup.src.file}:${dup.src.line}).`);
    const r = newResolvers(name, ctx.file, ctx.line);
    list.push(r);
    return r;
  },
  end(state, ctx) {
    const r = state as ResolversConfig;
    if (r.name && r.nameservers.length === 0) {
      ctx.error(`resolvers '${r.name}' : no nameserver defined.`, { file: r.src.file, line: r.src.line } as never);
    }
  },
});

function sectionState(ctx: KeywordContext): ResolversConfig {
  return ctx.sectionState as ResolversConfig;
}

function timeValue(ctx: KeywordContext, word: string | undefined, what: string): number | undefined {
  if (word === undefined || word === '') { ctx.error(`'${what}' expects <time> as argument.`); return undefined; }
  const t = parseTime(word);
  if (t.error !== undefined) {
    if (t.badChar !== undefined) ctx.error(`unexpected character '${t.badChar}' in argument to ${what}.`, 'parsing-tight');
    else ctx.error(`'${what}' : ${t.error}.`);
    return undefined;
  }
  return t.value;
}

registerKeywords([
  {
    name: 'nameserver', sections: ['resolvers'], usage: 'nameserver <name> <address>[:port]',
    parse(ctx) {
      const r = sectionState(ctx);
      const [, name, addr] = ctx.args;
      if (name === undefined || addr === undefined) { ctx.error(`'nameserver' expects <name> and <address>[:<port>] as arguments.`); return; }
      if (r.nameservers.some((n) => n.name === name)) { ctx.error(`nameserver '${name}' has the same name as another nameserver in resolvers '${r.name}'.`); return; }
      const a = parseAddress(addr.startsWith('udp@') ? addr.slice(4) : addr, { portOptional: true });
      if (a.error !== undefined) { ctx.error(`'nameserver' : ${a.error}`); return; }
      r.nameservers.push({ name, host: a.address.host, port: a.address.hasPort ? a.address.port : 53 });
    },
  },
  {
    name: 'parse-resolv-conf', sections: ['resolvers'],
    parse(ctx) {
      const r = sectionState(ctx);
      r.parseResolvConf = true;
      const list = readResolvConf();
      if (!list) { ctx.warning(`failed to open /etc/resolv.conf.`); return; }
      for (const n of list) if (!r.nameservers.some((x) => x.name === n.name)) r.nameservers.push(n);
    },
  },
  {
    name: 'hold', sections: ['resolvers'], usage: 'hold <status> <period>',
    parse(ctx) {
      const r = sectionState(ctx);
      const st = ctx.args[1];
      if (st === undefined || !(st in r.hold)) {
        ctx.error(`'hold' unknown <event>: '${st ?? ''}', expects either 'nx', 'timeout', 'valid', 'obsolete' or 'other'.`);
        return;
      }
      const v = timeValue(ctx, ctx.args[2], '<hold>');
      if (v !== undefined) r.hold[st as keyof ResolversConfig['hold']] = v;
    },
  },
  {
    name: 'resolve_retries', sections: ['resolvers'],
    parse(ctx) {
      const n = parseInteger(ctx.args[1] ?? '', 0);
      if (n.error !== undefined) { ctx.error(`'resolve_retries' expects <nb> as argument.`); return; }
      sectionState(ctx).resolveRetries = Math.max(1, n.value);
    },
  },
  {
    name: 'accepted_payload_size', sections: ['resolvers'],
    parse(ctx) {
      const n = parseInteger(ctx.args[1] ?? '', 0);
      if (n.error !== undefined) { ctx.error(`'accepted_payload_size' expects <nb> as argument.`); return; }
      // HAProxy 2.6.12 takes any number here (checked with haproxy -c); the query uses it as is.
      sectionState(ctx).acceptedPayloadSize = Math.min(n.value, 65535);
    },
  },
]);

/** `timeout resolve|retry` inside a resolvers section (members of the `timeout` family). */
registerFamily('timeout', (['resolve', 'retry'] as const).map((which) => ({
  name: which, sections: ['resolvers'] as const,
  parse(ctx: KeywordContext) {
    const v = timeValue(ctx, ctx.args[2], `timeout ${which}`);
    if (v === undefined) return;
    if (which === 'resolve') sectionState(ctx).timeoutResolve = v; else sectionState(ctx).timeoutRetry = v;
  },
})));

const INIT_ADDR_METHODS = new Set(['last', 'libc', 'none']);

/** HAProxy's `'server be/name' : ` prefix of server keyword errors. */
function where(s: ServerConfig, c: ParamContext): string {
  return c.isDefaultServer ? `'default-server' : ` : `'server ${c.proxy.name}/${s.name}' : `;
}

registerServerKeywords([
  { name: 'resolvers', argCount: 1, defaultServerOk: true, parse: (s, a) => { s.options.resolvers = a[0]; } },
  {
    name: 'resolve-prefer', argCount: 1, defaultServerOk: true,
    parse(s, a, c) {
      if (a[0] !== 'ipv4' && a[0] !== 'ipv6') { c.error(`${where(s, c)}'resolve-prefer' expects either ipv4 or ipv6 as argument..`, 'bare'); return; }
      s.options['resolve-prefer'] = a[0];
    },
  },
  {
    name: 'resolve-opts', argCount: 1, defaultServerOk: true,
    parse(s, a, c) {
      const opts = a[0].split(',');
      for (const o of opts) {
        if (o !== 'allow-dup-ip' && o !== 'ignore-weight' && o !== 'prevent-dup-ip') {
          c.error(`${where(s, c)}'resolve-opts' : unknown resolve-opts option '${o}', supported methods are 'allow-dup-ip', 'ignore-weight', and 'prevent-dup-ip'..`, 'bare');
          return;
        }
      }
      s.options['resolve-opts'] = opts;
    },
  },
  { name: 'resolve-net', argCount: 1, defaultServerOk: true, parse: (s, a) => { s.options['resolve-net'] = a[0].split(','); } },
  {
    name: 'init-addr', argCount: 1, defaultServerOk: true,
    parse(s, a, c) {
      const list = a[0].split(',');
      for (const m of list) {
        if (INIT_ADDR_METHODS.has(m)) continue;
        const ip = parseAddress(m, { portOptional: true });
        if (ip.error !== undefined || ip.address.hasPort) {
          c.error(`${where(s, c)}'init-addr' : unknown init-addr method '${m}', supported methods are 'libc', 'last', 'none'..`, 'bare');
          return;
        }
      }
      s.options['init-addr'] = list;
    },
  },
]);

/** Marks servers created by `server-template` (name prefix and slot number). */
export interface TemplateInfo { prefix: string; index: number }

registerKeywords([
  {
    name: 'server-template', sections: BACKEND_ONLY, usage: 'server-template <prefix> <num | range> <fqdn>[:<port>] [params*]',
    parse(ctx) {
      const [, prefix, range, fqdn] = ctx.args;
      if (prefix === undefined || range === undefined || fqdn === undefined) {
        ctx.error(`'server-template' expects <prefix> <nb | range> <addr>[:<port>] as arguments.`);
        return;
      }
      const m = /^(?:(\d+)-)?(\d+)$/.exec(range);
      const first = m ? Number(m[1] ?? '1') : NaN;
      const last = m ? Number(m[2]) : NaN;
      if (!m || first < 1 || last < first) {
        ctx.error(`Wrong server-template number or range arg '${range}'.`, 'bare');
        return;
      }
      const server = findKeyword('server');
      if (!server) return;
      const p = ctx.proxy!;
      for (let i = first; i <= last; i++) {
        const args = ['server', `${prefix}${i}`, fqdn, ...ctx.args.slice(4)];
        const sub = Object.create(ctx, { args: { value: args } }) as KeywordContext;
        const before = p.servers.length;
        server.parse(sub);
        const s: ServerConfig | undefined = p.servers.length > before ? p.servers[p.servers.length - 1] : undefined;
        if (s) s.options.template = `${prefix}:${i}`;
      }
    },
  },
]);

registerPostCheck('resolvers references', (config, diag) => {
  const names = new Set(resolversSections(config).map((r) => r.name));
  names.add('default');
  for (const p of config.proxies) {
    for (const s of p.servers) {
      const r = s.options.resolvers;
      if (typeof r === 'string' && !names.has(r)) {
        diag.alert(`${p.cap === 'listen' ? 'proxy' : p.cap} '${p.name}', server '${s.name}': unable to find required resolvers '${r}'`);
      }
    }
  }
});
