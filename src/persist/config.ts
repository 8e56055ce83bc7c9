/**
 * `cookie <name> [rewrite|insert|prefix] [indirect] [nocache] [postonly] [preserve]
 * [httponly] [secure] [domain <d>]* [maxidle <t>] [maxlife <t>] [dynamic] [attr <v>]*`
 * (configuration.txt §4.2 "cookie"). Parsed into the proxy's `ext.cookie` slice; the data
 * plane part is in ./cookie.ts.
 */

import { registerKeywords, BACKEND_SECTIONS } from '../config/registry';
import { extSlice, type ProxyConfig, type ConditionConfig } from '../config/model';
import { compileCondition } from '../acl/compile';
import { parseTime } from '../config/units';
import { registerPostCheck } from '../config/validate';

export type CookieMode = 'insert' | 'rewrite' | 'prefix' | 'passive';

export interface CookieConfig {
  name: string;
  mode: CookieMode;
  indirect: boolean;
  nocache: boolean;
  postonly: boolean;
  preserve: boolean;
  httponly: boolean;
  secure: boolean;
  domains: string[];
  /** Seconds, 0 = unset. */
  maxidle: number;
  maxlife: number;
  dynamic: boolean;
  attrs: string[];
}

/** The cookie configuration of a proxy, or undefined when it has no `cookie` line. */
export function cookieConfig(p: ProxyConfig): CookieConfig | undefined {
  const c = p.ext.cookie as CookieConfig | undefined;
  return c && c.name ? c : undefined;
}

function timeSeconds(word: string | undefined): number | string {
  if (word === undefined || word === '') return 'expects <time> as argument';
  const r = parseTime(word, 's');
  if (r.error !== undefined) return r.error;
  return Math.floor(r.value / 1000);
}

registerKeywords([
  {
    name: 'cookie', sections: BACKEND_SECTIONS,
    usage: 'cookie <name> [ rewrite | insert | prefix ] [ indirect ] [ nocache ] [ postonly ] [ preserve ] [ httponly ] [ secure ] [ domain <domain> ]* [ maxidle <idle> ] [ maxlife <life> ] [ dynamic ] [ attr <value> ]*',
    parse(ctx) {
      const p = ctx.proxy!;
      const a = ctx.args;
      if (a.length < 2 || a[1] === '') {
        ctx.error(`'${a[0]}' expects <cookie_name> as argument.`);
        return;
      }
      const c: CookieConfig = {
        name: a[1], mode: 'passive', indirect: false, nocache: false, postonly: false, preserve: false,
        httponly: false, secure: false, domains: [], maxidle: 0, maxlife: 0, dynamic: false, attrs: [],
      };
      let modes = 0;
      for (let i = 2; i < a.length; i++) {
        const w = a[i];
        switch (w) {
          case 'rewrite': case 'insert': case 'prefix': if (c.mode !== w) modes++; c.mode = w; break;
          case 'indirect': c.indirect = true; break;
          case 'nocache': c.nocache = true; break;
          case 'postonly': c.postonly = true; break;
          case 'preserve': c.preserve = true; break;
          case 'httponly': c.httponly = true; break;
          case 'secure': c.secure = true; break;
          case 'dynamic': c.dynamic = true; break;
          case 'domain': {
            const d = a[i + 1];
            if (d === undefined || d === '') { ctx.error(`'${a[0]} ${w}' requires domain argument.`); return; }
            if (!(d.startsWith('.') ? d.slice(1) : d).includes('.')) {
              ctx.warning(`domain '${d}' contains no embedded dot, this configuration may not work properly (see RFC6265#5.2.3).`, 'parsing-tight');
            }
            c.domains.push(d);
            i++;
            break;
          }
          case 'maxidle': case 'maxlife': {
            const v = timeSeconds(a[i + 1]);
            if (typeof v === 'string') { ctx.error(`cookie '${w}' : ${v}.`); return; }
            if (w === 'maxidle') c.maxidle = v; else c.maxlife = v;
            i++;
            break;
          }
          case 'attr': {
            const v = a[i + 1];
            if (v === undefined || v === '') { ctx.error(`'${a[0]} ${w}' requires an argument.`); return; }
            if (/[\x00-\x1f;\x7f]/.test(v)) { ctx.error(`'${a[0]} ${w}' : invalid character found in argument.`); return; }
            c.attrs.push(v);
            i++;
            break;
          }
          default:
            ctx.error(`'${a[0]}' supports 'rewrite', 'insert', 'prefix', 'indirect', 'nocache', 'postonly', 'domain', 'maxidle', 'dynamic', 'maxlife' and 'attr' options.`);
            return;
        }
      }
      let bad = false;
      if (c.mode === 'rewrite' && c.indirect) { ctx.error(`cookie 'rewrite' and 'indirect' modes are incompatible.`); bad = true; }
      if (modes > 1) { ctx.error(`cookie 'rewrite', 'insert' and 'prefix' modes are incompatible.`); bad = true; }
      if (c.preserve && c.mode !== 'insert' && !c.indirect) { ctx.error(`cookie 'preserve' requires at least 'insert' or 'indirect'.`); bad = true; }
      if (bad) return;
      p.ext.cookie = c;
      void extSlice;
    },
  },
]);

// Cookies (and server redirects) need HTTP mode (HAProxy's post-parsing checks, 2.6.12 wording).
registerPostCheck('cookie mode', (config, diag) => {
  for (const p of config.proxies) {
    if (p.mode === 'http' || (p.cap !== 'backend' && p.cap !== 'listen')) continue;
    const what = p.cap === 'listen' ? 'proxy' : 'backend';
    if (cookieConfig(p)) diag.warning(`cookie will be ignored for ${what} '${p.name}' (needs 'mode http').`);
    if (p.servers.some((s) => s.cookie !== undefined || s.redir !== undefined)) {
      diag.alert(`${what} '${p.name}' : server cannot have cookie or redirect prefix in non-HTTP mode.`);
      for (const s of p.servers) if (s.cookie !== undefined) diag.warning(`${what} '${p.name}' : ignoring cookie for server '${s.name}' as HTTP mode is disabled.`);
    }
  }
});

/** `force-persist` / `ignore-persist` rules of a proxy, in declaration order. */
export interface PersistRule { force: boolean; cond: ConditionConfig }

export function persistRules(p: ProxyConfig): PersistRule[] {
  return (p.ext.persistRules as PersistRule[] | undefined) ?? [];
}

registerKeywords((['force-persist', 'ignore-persist'] as const).map((name) => ({
  name, sections: ['frontend', 'backend', 'listen'] as const,
  usage: `${name} { if | unless } <condition>`,
  parse(ctx: import('../config/registry').KeywordContext) {
    const p = ctx.proxy!;
    if (p.cap === 'frontend') {
      ctx.warning(`'${name}' ignored because frontend '${p.name}' has no backend capability.`);
      return;
    }
    const w = ctx.args[1];
    if ((w !== 'if' && w !== 'unless') || ctx.args.length < 3) {
      ctx.error(`'${name}' requires either 'if' or 'unless' followed by a condition.`);
      return;
    }
    const cond: ConditionConfig = { polarity: w, words: ctx.args.slice(2), src: ctx.src };
    let msg: string | undefined;
    compileCondition(cond, p, (m) => { msg ??= m; });
    if (msg !== undefined) { ctx.error(`error detected while parsing a '${name}' rule : ${msg}.`); return; }
    extSlice<PersistRule[]>(p, 'persistRules', () => []).push({ force: name === 'force-persist', cond });
  },
})));

registerKeywords([
  {
    name: 'dynamic-cookie-key', sections: BACKEND_SECTIONS, usage: 'dynamic-cookie-key <secret_key>',
    parse(ctx) {
      const k = ctx.args[1];
      if (k === undefined || k === '') { ctx.error(`'${ctx.args[0]}' expects <secret_key> as argument.`); return; }
      ctx.proxy!.ext.dynCookieKey = k;
    },
  },
]);
