/**
 * The keywords HAProxy 2.6 knows, as listed in its configuration manual (configuration.txt
 * §3 "Global parameters", §4.1 "Proxy keywords matrix", §5.1 "Bind options", §5.2 "Server and
 * default-server options") and in `haproxy -dKcfg`. The parser consults this table only for
 * words no Fulcrum module registered, to report "'X' is not supported by Fulcrum yet"
 * instead of "unknown keyword": a valid HAProxy configuration must never have a line
 * silently ignored, and must never be told its keyword does not exist.
 * Pure data (names only); regenerate from the manual when the compatibility target moves.
 */

import type { ProxySection } from './registry';

/** Keywords of the `global` section (including tune.*, ssl-default-*, performance tuning). */
export const HAPROXY_GLOBAL_KEYWORDS: ReadonlySet<string> = new Set(`
  master-worker 51degrees-cache-size 51degrees-data-file 51degrees-property-name-list
  51degrees-property-separator ca-base chroot cluster-secret cpu-map crt-base daemon default-path
  description deviceatlas-json-file deviceatlas-log-level deviceatlas-properties-cookie
  deviceatlas-separator expose-experimental-directives external-check fd-hard-limit gid grace group
  h1-accept-payload-with-any-method h1-case-adjust h1-case-adjust-file
  h2-workaround-bogus-websocket-clients hard-stop-after httpclient.resolvers.id
  httpclient.resolvers.prefer httpclient.ssl.ca-file httpclient.ssl.verify insecure-fork-wanted
  insecure-setuid-wanted issuers-chain-path localpeer log log-send-hostname log-tag lua-load
  lua-load-per-thread lua-prepend-path mworker-max-reloads nbthread node numa-cpu-mapping pidfile
  pp2-never-send-local presetenv resetenv set-dumpable set-var setenv ssl-default-bind-ciphers
  ssl-default-bind-ciphersuites ssl-default-bind-curves ssl-default-bind-options
  ssl-default-server-ciphers ssl-default-server-ciphersuites ssl-default-server-options
  ssl-dh-param-file ssl-propquery ssl-provider ssl-provider-path ssl-server-verify
  ssl-skip-self-issued-ca stats strict-limits uid ulimit-n unix-bind unsetenv user wurfl-cache-size
  wurfl-data-file wurfl-information-list wurfl-information-list-separator busy-polling
  max-spread-checks maxcompcpuusage maxcomprate maxconn maxconnrate maxpipes maxsessrate maxsslconn
  maxsslrate maxzlibmem no-memory-trimming noepoll noevports nogetaddrinfo nokqueue nopoll
  noreuseport nosplice profiling.tasks server-state-base server-state-file spread-checks ssl-engine
  ssl-mode-async tune.buffers.limit tune.buffers.reserve tune.bufsize tune.comp.maxlevel
  tune.fail-alloc tune.fd.edge-triggered tune.h2.header-table-size tune.h2.initial-window-size
  tune.h2.max-concurrent-streams tune.http.cookielen tune.http.logurilen tune.http.maxhdr
  tune.idle-pool.shared tune.idletimer tune.lua.forced-yield tune.lua.maxmem
  tune.lua.service-timeout tune.lua.session-timeout tune.lua.task-timeout tune.maxaccept
  tune.maxpollevents tune.maxrewrite tune.pattern.cache-size tune.peers.max-updates-at-once
  tune.pipesize tune.pool-high-fd-ratio tune.pool-low-fd-ratio
  tune.quic.frontend.conn-tx-buffers.limit tune.quic.frontend.max-idle-timeout
  tune.quic.frontend.max-streams-bidi tune.quic.retry-threshold tune.rcvbuf.client
  tune.rcvbuf.server tune.recv_enough tune.runqueue-depth tune.sched.low-latency tune.sndbuf.client
  tune.sndbuf.server tune.ssl.cachesize tune.ssl.capture-buffer-size
  tune.ssl.capture-cipherlist-size tune.ssl.default-dh-param tune.ssl.force-private-cache
  tune.ssl.hard-maxrecord tune.ssl.keylog tune.ssl.lifetime tune.ssl.maxrecord
  tune.ssl.ssl-ctx-cache-size tune.vars.global-max-size tune.vars.proc-max-size
  tune.vars.reqres-max-size tune.vars.sess-max-size tune.vars.txn-max-size tune.zlib.memlevel
  tune.zlib.windowsize quiet zero-warning close-spread-time set-var-fmt ssl-load-extra-del-ext
  ssl-load-extra-files thread-group thread-groups tune.h2.max-frame-size tune.listener.multi-queue
  tune.vars.check-max-size
`.split(/\s+/).filter(Boolean));

/** Section letters: d = defaults, f = frontend, l = listen, b = backend. */
const SECTION_LETTERS: Record<string, ProxySection> = { d: 'defaults', f: 'frontend', l: 'listen', b: 'backend' };

/**
 * Proxy keywords by the sections they are valid in (the §4.1 matrix). Multi-word entries
 * are family members written `family member` (`option httplog`, `timeout client`).
 */
const PROXY_BY_SECTIONS: Record<string, string> = {
  dfl: `
    backlog, clitcpka-cnt, clitcpka-idle, clitcpka-intvl, default_backend, error-log-format,
    log-format, log-format-sd, maxconn, monitor-uri, option accept-invalid-http-request,
    option clitcpka, option contstats, option disable-h2-upgrade, option dontlog-normal,
    option dontlognull, option h1-case-adjust-bogus-client, option http-ignore-probes,
    option http-use-proxy-header, option httplog, option httpslog, option log-separate-errors,
    option logasap, option socket-stats, option tcp-smart-accept, option idle-close-on-response,
    rate-limit sessions, tcp-request connection, tcp-request session, timeout client,
    timeout client-fin, unique-id-format, unique-id-header
  `,
  dflb: `
    acl, bind-process, compression, disabled, email-alert from, email-alert level,
    email-alert mailers, email-alert myhostname, email-alert to, enabled, errorfile, errorfiles,
    errorloc, errorloc302, errorloc303, http-after-response, http-error, http-request,
    http-response, log, log-tag, mode, option forwardfor, option http-buffer-request,
    option http-keep-alive, option http-no-delay, option http-restrict-req-hdr-names,
    option http-server-close, option httpclose, option independent-streams, option nolinger,
    option originalto, option splice-auto, option splice-request, option splice-response,
    option tcpka, option tcplog, stats auth, stats enable, stats hide-version, stats realm,
    stats refresh, stats scope, stats show-desc, stats show-legends, stats show-node, stats uri,
    tcp-request content, tcp-request inspect-delay, timeout http-keep-alive, timeout http-request,
    timeout tarpit, clitimeout, contimeout, srvtimeout
  `,
  dlb: `
    balance, cookie, default-server, fullconn, hash-type, http-check comment, http-check connect,
    http-check disable-on-404, http-check expect, http-check send, http-check send-state,
    http-check set-var, http-check unset-var, http-reuse, http-send-name-header,
    load-server-state-from-file, max-keep-alive-queue, option abortonclose,
    option accept-invalid-http-response, option allbackups, option checkcache,
    option h1-case-adjust-bogus-server, option http-pretend-keepalive, option httpchk,
    option ldap-check, option external-check, option log-health-checks, option mysql-check,
    option persist, option pgsql-check, option prefer-last-server, option redispatch,
    option redis-check, option smtpchk, option spop-check, option srvtcpka, option ssl-hello-chk,
    option tcp-check, option tcp-smart-connect, option transparent, external-check command,
    external-check path, persist rdp-cookie, retries, retry-on, server-state-file-name, source,
    srvtcpka-cnt, srvtcpka-idle, srvtcpka-intvl, tcp-check comment, tcp-check connect,
    tcp-check expect, tcp-check send, tcp-check send-lf, tcp-check send-binary,
    tcp-check send-binary-lf, tcp-check set-var, tcp-check unset-var, tcp-response content,
    tcp-response inspect-delay, timeout check, timeout connect, timeout queue, timeout server,
    timeout server-fin, timeout tunnel, transparent
  `,
  fl: `
    bind, capture cookie, capture request header, capture response header, declare capture,
    monitor fail, use_backend
  `,
  flb: `
    description, filter, id, redirect, stats admin, stats http-request, stick-table
  `,
  lb: `
    dispatch, force-persist, ignore-persist, server, server-template, stick match, stick on,
    stick store-request, stick store-response, use-fcgi-app, use-server
  `,
};

/** Proxy keyword (or `family member`) -> sections HAProxy accepts it in. */
export const HAPROXY_PROXY_KEYWORDS: ReadonlyMap<string, readonly ProxySection[]> = new Map(
  Object.entries(PROXY_BY_SECTIONS).flatMap(([letters, names]) => {
    const sections = [...letters].map((l) => SECTION_LETTERS[l]).filter(Boolean);
    // Names are comma-separated because family members contain a space.
    return names.split(',').map((n) => n.trim()).filter(Boolean).map((n) => [n, sections] as [string, ProxySection[]]);
  }),
);

/** `bind` line options (§5.1). */
export const HAPROXY_BIND_KEYWORDS: ReadonlySet<string> = new Set(`
  accept-netscaler-cip accept-proxy allow-0rtt alpn backlog curves ecdhe ca-file ca-ignore-err
  ca-sign-file ca-sign-pass ca-verify-file ciphers ciphersuites crl-file crt crt-ignore-err
  crt-list defer-accept expose-fd force-sslv3 force-tlsv10 force-tlsv11 force-tlsv12 force-tlsv13
  generate-certificates gid group id interface level severity-output maxconn mode mss name
  namespace nice no-ca-names no-sslv3 no-tls-tickets no-tlsv10 no-tlsv11 no-tlsv12 no-tlsv13 npn
  prefer-client-ciphers process proto quic-cc-algo quic-force-retry shards ssl ssl-max-ver
  ssl-min-ver strict-sni tcp-ut tfo thread tls-ticket-keys transparent v4v6 v6only uid user verify
`.split(/\s+/).filter(Boolean));

/** `server` / `default-server` options (§5.2). */
export const HAPROXY_SERVER_KEYWORDS: ReadonlySet<string> = new Set(`
  addr agent-check agent-send agent-inter agent-addr agent-port allow-0rtt alpn backup ca-file
  check check-send-proxy check-alpn check-proto check-sni check-ssl check-via-socks4 ciphers
  ciphersuites cookie crl-file crt disabled enabled error-limit fall force-sslv3 force-tlsv10
  force-tlsv11 force-tlsv12 force-tlsv13 id init-addr inter fastinter downinter log-proto maxconn
  maxqueue max-reuse minconn namespace no-agent-check no-backup no-check no-check-ssl no-send-proxy
  no-send-proxy-v2 no-send-proxy-v2-ssl no-send-proxy-v2-ssl-cn no-ssl no-ssl-reuse no-sslv3
  no-tls-tickets no-tlsv10 no-tlsv11 no-tlsv12 no-tlsv13 no-verifyhost no-tfo non-stick npn observe
  on-error on-marked-down on-marked-up pool-low-conn pool-max-conn pool-purge-delay port proto
  redir rise resolve-opts resolve-prefer resolve-net resolvers send-proxy send-proxy-v2
  proxy-v2-options send-proxy-v2-ssl send-proxy-v2-ssl-cn slowstart sni source ssl ssl-max-ver
  ssl-min-ver ssl-reuse stick socks4 tcp-ut tfo track tls-tickets verify verifyhost weight ws
  no-check-send-proxy usesrc
`.split(/\s+/).filter(Boolean));

/** Section keywords HAProxy 2.6 knows besides global/defaults/frontend/backend/listen. */
export const HAPROXY_OTHER_SECTIONS: ReadonlySet<string> = new Set([
  'userlist', 'peers', 'resolvers', 'mailers', 'http-errors', 'ring', 'cache', 'program',
  'fcgi-app', 'log-forward',
]);

/** Families: first words of multi-word proxy keywords (`option`, `timeout`, `stats` ...). */
export const HAPROXY_FAMILIES: ReadonlySet<string> = new Set(
  [...HAPROXY_PROXY_KEYWORDS.keys()].filter((k) => k.includes(' ')).map((k) => k.split(' ')[0]),
);

/**
 * True when HAProxy 2.6 accepts `name` (a first word, or `family member`) in `section`.
 * Non-proxy sections are not described keyword by keyword: only the section word is known.
 */
export function haproxyHasKeyword(section: string, name: string): boolean {
  if (section === 'global') return HAPROXY_GLOBAL_KEYWORDS.has(name) || (name.startsWith('stats ') && HAPROXY_GLOBAL_KEYWORDS.has('stats'));
  const secs = HAPROXY_PROXY_KEYWORDS.get(name);
  if (secs) return secs.includes(section as ProxySection);
  return false;
}

/** Sections HAProxy 2.6 accepts a proxy keyword (or `family member`) in, undefined if unknown. */
export function haproxyProxySections(name: string): readonly ProxySection[] | undefined {
  return HAPROXY_PROXY_KEYWORDS.get(name);
}

/** True when `name` is a keyword family in HAProxy 2.6 (`option`, `timeout`, `stats` ...). */
export function haproxyHasFamily(name: string): boolean { return HAPROXY_FAMILIES.has(name); }

/**
 * First words HAProxy 2.6 accepts in `section` (families included once), for "did you
 * mean" suggestions that agree with HAProxy's even for keywords Fulcrum lacks.
 */
export function haproxyKeywordNames(section: string): string[] {
  if (section === 'global') return [...HAPROXY_GLOBAL_KEYWORDS];
  const out = new Set<string>();
  for (const [name, secs] of HAPROXY_PROXY_KEYWORDS) if (secs.includes(section as ProxySection)) out.add(name.split(' ')[0]);
  return [...out];
}

/** Members of `family` HAProxy 2.6 accepts in `section`, or in any section when omitted. */
export function haproxyFamilyMembers(family: string, section?: string): string[] {
  const out: string[] = [];
  for (const [name, secs] of HAPROXY_PROXY_KEYWORDS) {
    if (name.startsWith(family + ' ') && (section === undefined || secs.includes(section as ProxySection))) out.push(name.slice(family.length + 1));
  }
  return out;
}
