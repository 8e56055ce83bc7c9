/**
 * `userlist` sections (HAProxy: auth.c) and the fetches checking HTTP Basic credentials
 * against them: `http_auth(<userlist>)` (boolean) and `http_auth_group(<userlist>)` (the
 * groups of the authenticated user, one value each, so `acl a http_auth_group(L) admins`
 * matches members of `admins`).
 *
 *   userlist L
 *     group G [users u1,u2]
 *     user U [password <crypt> | insecure-password <pass>] [groups g1,g2]
 *
 * The section keywords `user` and `group` share their names with the global `user`/`group`
 * keywords registered by process/keywords.ts; the registry has one entry per name, so this
 * module extends those entries for the `userlist` section (dispatch on `ctx.section`)
 * instead of registering a second one.
 */

import { findKeyword, registerSectionType, type KeywordContext, type SectionName } from '../../../config/registry';
import type { UserlistConfig, Config } from '../../../config/model';
import { registerPostCheck } from '../../../config/validate';
import { registerFetches } from '../../../sample/registry';
import { headerValues, type SampleContext } from '../../../sample/context';
import { registerHookInstaller } from '../hooks';
import { cryptSupported, verifyCrypt } from './crypt';

registerSectionType({
  name: 'userlist',
  start(ctx) {
    const name = ctx.args[1];
    if (name === undefined) { ctx.error(`'userlist' expects <name> as arguments.`); return undefined; }
    const prev = ctx.config.userlists.find((u) => u.name === name);
    if (prev) { ctx.error(`ignoring duplicated userlist '${name}'.`); return undefined; }
    const ul: UserlistConfig = { name, src: ctx.src, users: [], groups: [] };
    ctx.config.userlists.push(ul);
    return ul;
  },
});

function parseUser(ctx: KeywordContext): void {
  const ul = ctx.sectionState as UserlistConfig | undefined;
  if (!ul) return;
  const a = ctx.args;
  if (a[1] === undefined) { ctx.error(`'user' expects <name> as arguments.`); return; }
  if (ul.users.some((u) => u.name === a[1])) { ctx.error(`'user' : user '${a[1]}' in userlist '${ul.name}' already defined.`); return; }
  const u = { name: a[1], password: '', insecure: false, groups: [] as string[] };
  for (let i = 2; i < a.length; i++) {
    const w = a[i];
    if ((w === 'password' || w === 'insecure-password') && a[i + 1] !== undefined) {
      u.password = a[++i];
      u.insecure = w === 'insecure-password';
      if (!u.insecure && !cryptSupported(u.password)) {
        ctx.error(`'user' : password format of user '${u.name}' is not supported by Fulcrum yet (use a SHA-512 '$6$' or SHA-256 '$5$' crypt hash, or 'insecure-password').`);
        return;
      }
    } else if (w === 'groups' && a[i + 1] !== undefined) {
      u.groups.push(...a[++i].split(',').filter(Boolean));
    } else {
      ctx.error(`'user' only supports 'password', 'insecure-password' and 'groups' options.`);
      return;
    }
  }
  ul.users.push(u);
}

function parseGroup(ctx: KeywordContext): void {
  const ul = ctx.sectionState as UserlistConfig | undefined;
  if (!ul) return;
  const a = ctx.args;
  if (a[1] === undefined) { ctx.error(`'group' expects <name> as arguments.`); return; }
  if (ul.groups.some((g) => g.name === a[1])) { ctx.error(`'group' : group '${a[1]}' in userlist '${ul.name}' already defined.`); return; }
  const g = { name: a[1], users: [] as string[] };
  for (let i = 2; i < a.length; i++) {
    if (a[i] === 'users' && a[i + 1] !== undefined) g.users.push(...a[++i].split(',').filter(Boolean));
    else { ctx.error(`'group' only supports 'users' option.`); return; }
  }
  ul.groups.push(g);
}

/** Makes an existing keyword entry also handle the `userlist` section (see file comment). */
function extendForUserlist(name: string, handler: (ctx: KeywordContext) => void): void {
  const kw = findKeyword(name);
  if (!kw) throw new Error(`internal: keyword '${name}' must be registered before userlist.ts`);
  const sections = kw.sections.concat(['userlist' as SectionName]);
  const orig = kw.parse.bind(kw);
  Object.assign(kw, { sections, parse: (ctx: KeywordContext) => (ctx.section === 'userlist' ? handler(ctx) : orig(ctx)) });
}
extendForUserlist('user', parseUser);
extendForUserlist('group', parseGroup);

// Group references must exist (HAProxy: userlist_postinit "group '%s' not found").
registerPostCheck('userlists', (config, diag) => {
  for (const ul of config.userlists) {
    for (const u of ul.users) {
      for (const g of u.groups) {
        if (!ul.groups.some((x) => x.name === g)) diag.alert(`userlist '${ul.name}': no such group '${g}' specified in user '${u.name}'`, ul.src.file, ul.src.line);
      }
    }
    for (const g of ul.groups) {
      for (const name of g.users) {
        if (!ul.users.some((x) => x.name === name)) diag.alert(`userlist '${ul.name}': no such user '${name}' specified in group '${g.name}'`, ul.src.file, ul.src.line);
      }
    }
  }
});

/** Runtime view of a userlist: user -> {check, groups}. */
interface RuntimeUser { check(pass: string): boolean; groups: string[] }

let active = new Map<string, Map<string, RuntimeUser>>();

/** Installs the userlists of the running configuration for the fetches. */
export function activateUserlists(config: Config): void {
  const next = new Map<string, Map<string, RuntimeUser>>();
  for (const ul of config.userlists) {
    const users = new Map<string, RuntimeUser>();
    for (const u of ul.users) {
      const groups = [...u.groups];
      for (const g of ul.groups) if (g.users.includes(u.name) && !groups.includes(g.name)) groups.push(g.name);
      const pw = u.password;
      users.set(u.name, { groups, check: u.insecure ? (p) => p === pw : (p) => verifyCrypt(p, pw) });
    }
    next.set(ul.name, users);
  }
  active = next;
}

let activatedFor: Config | undefined;
registerHookInstaller((instance) => {
  if (activatedFor !== instance.config) { activatedFor = instance.config; activateUserlists(instance.config); }
});

/**
 * Checks the request's `Authorization: Basic` credentials against a userlist. Returns the
 * user's runtime entry when valid. Crypt checks are slow by design, so the last verified
 * credentials of each stream are remembered on the sample context's variables.
 */
function authenticate(ctx: SampleContext, list: string): RuntimeUser | undefined {
  const users = active.get(list);
  if (!users) return undefined;
  const h = headerValues(ctx.req, 'authorization');
  const v = h[h.length - 1];
  if (!v || v.length < 6 || v.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const dec = Buffer.from(v.slice(6).trim(), 'base64').toString('latin1');
  const colon = dec.indexOf(':');
  if (colon < 0) return undefined;
  const u = users.get(dec.slice(0, colon));
  if (!u) return undefined;
  const key = `\0auth:${list}`;
  if (ctx.vars.get(key) === v) return u;
  if (!u.check(dec.slice(colon + 1))) return undefined;
  ctx.vars.set(key, v);
  return u;
}

registerFetches([
  {
    name: 'http_auth', out: 'bool', use: 'req', args: [{ type: 'str' }],
    fetch: (ctx, a: (string | number)[]) => authenticate(ctx, String(a[0])) !== undefined,
  },
  {
    name: 'http_auth_group', out: 'str', use: 'req', args: [{ type: 'str' }],
    fetch(ctx, a: (string | number)[]) {
      const u = authenticate(ctx, String(a[0]));
      return u ? u.groups[0] : undefined;
    },
    each(ctx, a: (string | number)[], visit) {
      const u = authenticate(ctx, String(a[0]));
      if (!u) return false;
      for (const g of u.groups) if (visit(g)) return true;
      return false;
    },
  },
]);
