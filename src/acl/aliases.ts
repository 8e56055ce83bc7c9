/**
 * ACL keywords: names usable as the first word of an ACL that select a fetch and a default
 * matching method (HAProxy: the acl_kw_list tables of http_fetch.c and payload.c), e.g.
 * `path_beg` = fetch `path` + matcher `beg`, `hdr_dom(host)` = `req.hdr(host)` + `dom`.
 * Any fetch name is also usable in an ACL; it then gets the default matcher of its output
 * type ({@link typeMatcher}).
 */

import type { SampleType } from '../sample/types';

export interface AclAlias {
  /** Fetch it uses. */
  fetch: string;
  /** Matching method name (see matchers.ts). */
  match: string;
  /** Integer patterns may be written as dotted versions (`req_ssl_ver 3.1`). */
  dottedVersion?: boolean;
}

const table = new Map<string, AclAlias>();

/** Registers `base`, `base_beg`, ... `base_sub` for one fetch, as HAProxy declares them. */
function family(prefix: string, fetch: string): void {
  table.set(prefix, { fetch, match: 'str' });
  for (const m of ['beg', 'dir', 'dom', 'end', 'len', 'reg', 'sub']) table.set(`${prefix}_${m}`, { fetch, match: m });
}

family('base', 'base');
family('cook', 'req.cook');
family('hdr', 'req.hdr');
family('path', 'path');
family('scook', 'res.cook');
family('shdr', 'res.hdr');
family('url', 'url');
family('urlp', 'urlp');
table.set('method', { fetch: 'method', match: 'str' });
table.set('req_ver', { fetch: 'req.ver', match: 'str' });
table.set('resp_ver', { fetch: 'res.ver', match: 'str' });
table.set('payload', { fetch: 'req.payload', match: 'bin' });
table.set('payload_lv', { fetch: 'req.payload_lv', match: 'bin' });
table.set('req_rdp_cookie', { fetch: 'req.rdp_cookie', match: 'str' });
table.set('req_rdp_cookie_cnt', { fetch: 'req.rdp_cookie_cnt', match: 'int' });
table.set('req_ssl_sni', { fetch: 'req.ssl_sni', match: 'str' });
table.set('req_ssl_ver', { fetch: 'req.ssl_ver', match: 'int', dottedVersion: true });
table.set('req.ssl_ver', { fetch: 'req.ssl_ver', match: 'int', dottedVersion: true });
table.set('ssl_fc_sni_end', { fetch: 'ssl_fc_sni', match: 'end' });
table.set('ssl_fc_sni_reg', { fetch: 'ssl_fc_sni', match: 'reg' });

/** The ACL keyword named `name`, if any. */
export function findAclAlias(name: string): AclAlias | undefined { return table.get(name); }

/**
 * Matcher used when neither `-m` nor an ACL keyword chooses one (acl.c: by sample type);
 * undefined for types that need an explicit `-m` (bin, any, meth without a keyword).
 */
export function typeMatcher(t: SampleType): string | undefined {
  switch (t) {
    case 'bool': return 'bool';
    case 'int': return 'int';
    case 'ip': return 'ip';
    case 'str': return 'str';
    default: return undefined;
  }
}
