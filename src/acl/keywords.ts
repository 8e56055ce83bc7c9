/**
 * The `acl` keyword and the ACL post-check (HAProxy: cfgparse-listen.c "acl",
 * check_config_validity for switching rules and ACL argument resolution). Also loads the
 * sample subsystem's global keywords (`set-var`) and the ACL/map runtime API commands
 * (acl/commands.ts), so src/modules.ts needs one line for all of them.
 *
 * `acl NAME FETCH [flags] PATTERNS...` is compiled as soon as it is read, so its errors come
 * in file order like HAProxy's; a declaration that fails is not stored, so conditions naming
 * it report `no such ACL` as HAProxy does. Backend/server names in fetch arguments
 * (`nbsrv(be)`, `srv_is_up(be/srv)`) and `use_backend` conditions are checked afterwards.
 */

import '../sample/keywords';
import './commands';
import { registerKeywords } from '../config/registry';
import { registerPostCheck } from '../config/validate';
import { isBackend, type Config, type ProxyConfig } from '../config/model';
import type { Diagnostics } from '../config/diagnostics';
import type { SampleRef } from '../sample/expr';
import { compileAclDecl, compileConditionInfo } from './compile';

const ACL_NAME = /^[A-Za-z0-9_.:-]+$/;

registerKeywords([
  {
    name: 'acl', sections: ['defaults', 'frontend', 'backend', 'listen'],
    usage: 'acl <name> <criterion> [flags] [operator] <value> ...',
    parse(ctx) {
      const proxy = ctx.proxy!;
      if (ctx.section === 'defaults' && !ctx.sectionName) {
        ctx.error(`'acl' not allowed in anonymous 'defaults' section.`);
        return;
      }
      const name = ctx.args[1] ?? '';
      if (name === '') {
        ctx.error(`'acl' expects an ACL name and a criterion.`);
        return;
      }
      const bad = [...name].find((c) => !ACL_NAME.test(c));
      if (bad !== undefined) {
        ctx.error(`character '${bad}' is not permitted in acl name '${name}'.`);
        return;
      }
      if (name.toLowerCase() === 'or') {
        ctx.error(`acl name '${name}' will never match. 'or' is used to express a logical disjunction within a condition.`);
        return;
      }
      const acl = { name, words: ctx.args.slice(2), src: ctx.src };
      const c = compileAclDecl(acl, (m) => ctx.error(`error detected while parsing ACL '${name}' : ${m}.`), (m) => ctx.warning(m));
      if (c) proxy.acls.push(acl);
    },
  },
]);

/** Checks backend/server names used by fetch arguments (acl.c smp_resolve_args wording). */
function checkRefs(refs: SampleRef[], proxy: ProxyConfig, config: Config, at: { file: string; line: number }, diag: Diagnostics): void {
  for (const r of refs) {
    const where = `parsing [${at.file}:${at.line}]: `;
    const tail = `referenced in arg ${r.argPos} of ACL keyword '${r.keyword}' in proxy '${proxy.name}'.`;
    const slash = r.name.indexOf('/');
    const beName = r.kind === 'be' ? r.name : slash >= 0 ? r.name.slice(0, slash) : proxy.name;
    const be = config.proxies.find((p) => isBackend(p) && p.name === beName);
    if (!be) {
      diag.alert(`${where}unable to find backend '${beName}' ${tail}`);
      continue;
    }
    if (r.kind === 'srv') {
      const sv = slash >= 0 ? r.name.slice(slash + 1) : r.name;
      if (!be.servers.some((s) => s.name === sv)) diag.alert(`${where}unable to find server '${sv}' in proxy '${be.name}', ${tail}`);
    }
  }
}

/** Fetch needs that a `use_backend` rule can satisfy (it runs on the request). */
const USABLE_IN_SWITCHING = new Set(['internal', 'l4', 'req']);

registerPostCheck('acl', (config, diag) => {
  for (const p of config.proxies) {
    for (const a of p.acls) {
      const c = compileAclDecl(a);
      if (c) checkRefs(c.refs, p, config, a.src, diag);
    }
    for (const r of p.switchingRules) {
      if (!r.cond) continue;
      const info = compileConditionInfo(r.cond, p, (m) => diag.alert(`error detected while parsing switching rule : ${m}.`, r.src.file, r.src.line));
      if (!info) continue;
      for (const suite of info.suites) {
        for (const t of suite) {
          if (t.name === '') checkRefs(t.refs, p, config, r.src, diag);
          if (t.name !== '' && t.uses.length > 0 && t.uses.every((u) => !USABLE_IN_SWITCHING.has(u))) {
            diag.warning(`acl '${t.name}' will never match because it only involves keywords that are incompatible with 'frontend use-backend rule'`, r.src.file, r.src.line);
          }
        }
      }
    }
  }
}, 40);
