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
  master-worker debug 51degrees-cache-size 51degrees-data-file 51degrees-property-name-list
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
    timeout tarpit, clitimeout, contimeout, srvtimeout, bind <addr> accept-netscaler-cip +1,
    bind <addr> accept-proxy, bind <addr> backlog +1, bind <addr> defer-accept,
    bind <addr> expose-fd +1, bind <addr> gid +1, bind <addr> group +1, bind <addr> id +1,
    bind <addr> interface +1, bind <addr> level +1, bind <addr> maxconn +1, bind <addr> mode +1,
    bind <addr> mss +1, bind <addr> name +1, bind <addr> namespace +1, bind <addr> nice +1,
    bind <addr> process +1, bind <addr> proto +1, bind <addr> severity-output +1,
    bind <addr> shards +1, bind <addr> tcp-ut +1, bind <addr> tfo, bind <addr> thread +1,
    bind <addr> transparent, bind <addr> uid +1, bind <addr> user +1, bind <addr> v4v6,
    bind <addr> v6only, bind <addr> ssl allow-0rtt, bind <addr> ssl alpn +1,
    bind <addr> ssl ca-file +1, bind <addr> ssl ca-ignore-err +1, bind <addr> ssl ca-sign-file +1,
    bind <addr> ssl ca-sign-pass +1, bind <addr> ssl ca-verify-file +1, bind <addr> ssl ciphers +1,
    bind <addr> ssl ciphersuites +1, bind <addr> ssl crl-file +1, bind <addr> ssl crt +1,
    bind <addr> ssl crt-ignore-err +1, bind <addr> ssl crt-list +1, bind <addr> ssl curves +1,
    bind <addr> ssl ecdhe +1, bind <addr> ssl force-sslv3, bind <addr> ssl force-tlsv10,
    bind <addr> ssl force-tlsv11, bind <addr> ssl force-tlsv12, bind <addr> ssl force-tlsv13,
    bind <addr> ssl generate-certificates, bind <addr> ssl no-ca-names, bind <addr> ssl no-sslv3,
    bind <addr> ssl no-tls-tickets, bind <addr> ssl no-tlsv10, bind <addr> ssl no-tlsv11,
    bind <addr> ssl no-tlsv12, bind <addr> ssl no-tlsv13, bind <addr> ssl npn +1,
    bind <addr> ssl prefer-client-ciphers, bind <addr> ssl ssl-max-ver +1,
    bind <addr> ssl ssl-min-ver +1, bind <addr> ssl strict-sni, bind <addr> ssl tls-ticket-keys +1,
    bind <addr> ssl verify +1, server <name> <addr> addr +1, server <name> <addr> agent-addr +1,
    server <name> <addr> agent-check, server <name> <addr> agent-inter +1,
    server <name> <addr> agent-port +1, server <name> <addr> agent-send +1,
    server <name> <addr> allow-0rtt, server <name> <addr> alpn +1, server <name> <addr> backup,
    server <name> <addr> ca-file +1, server <name> <addr> check,
    server <name> <addr> check-alpn +1, server <name> <addr> check-proto +1,
    server <name> <addr> check-send-proxy, server <name> <addr> check-sni +1,
    server <name> <addr> check-ssl, server <name> <addr> check-via-socks4,
    server <name> <addr> ciphers +1, server <name> <addr> ciphersuites +1,
    server <name> <addr> cookie +1, server <name> <addr> crl-file +1, server <name> <addr> crt +1,
    server <name> <addr> disabled, server <name> <addr> downinter +1, server <name> <addr> enabled,
    server <name> <addr> error-limit +1, server <name> <addr> fall +1,
    server <name> <addr> fastinter +1, server <name> <addr> force-sslv3,
    server <name> <addr> force-tlsv10, server <name> <addr> force-tlsv11,
    server <name> <addr> force-tlsv12, server <name> <addr> force-tlsv13,
    server <name> <addr> id +1, server <name> <addr> init-addr +1, server <name> <addr> inter +1,
    server <name> <addr> log-proto +1, server <name> <addr> max-reuse +1,
    server <name> <addr> maxconn +1, server <name> <addr> maxqueue +1,
    server <name> <addr> minconn +1, server <name> <addr> namespace +1,
    server <name> <addr> no-agent-check, server <name> <addr> no-backup,
    server <name> <addr> no-check, server <name> <addr> no-check-send-proxy,
    server <name> <addr> no-check-ssl, server <name> <addr> no-send-proxy,
    server <name> <addr> no-send-proxy-v2, server <name> <addr> no-send-proxy-v2-ssl,
    server <name> <addr> no-send-proxy-v2-ssl-cn, server <name> <addr> no-ssl,
    server <name> <addr> no-ssl-reuse, server <name> <addr> no-sslv3, server <name> <addr> no-tfo,
    server <name> <addr> no-tls-tickets, server <name> <addr> no-tlsv10,
    server <name> <addr> no-tlsv11, server <name> <addr> no-tlsv12, server <name> <addr> no-tlsv13,
    server <name> <addr> non-stick, server <name> <addr> npn +1, server <name> <addr> observe +1,
    server <name> <addr> on-error +1, server <name> <addr> on-marked-down +1,
    server <name> <addr> on-marked-up +1, server <name> <addr> pool-low-conn +1,
    server <name> <addr> pool-max-conn +1, server <name> <addr> pool-purge-delay +1,
    server <name> <addr> port +1, server <name> <addr> proto +1,
    server <name> <addr> proxy-v2-options +1, server <name> <addr> redir +1,
    server <name> <addr> resolve-net +1, server <name> <addr> resolve-opts +1,
    server <name> <addr> resolve-prefer +1, server <name> <addr> resolvers +1,
    server <name> <addr> rise +1, server <name> <addr> send-proxy,
    server <name> <addr> send-proxy-v2, server <name> <addr> send-proxy-v2-ssl,
    server <name> <addr> send-proxy-v2-ssl-cn, server <name> <addr> slowstart +1,
    server <name> <addr> sni +1, server <name> <addr> socks4 +1, server <name> <addr> source +-1,
    server <name> <addr> ssl, server <name> <addr> ssl-max-ver +1,
    server <name> <addr> ssl-min-ver +1, server <name> <addr> ssl-reuse,
    server <name> <addr> stick, server <name> <addr> tcp-ut +1, server <name> <addr> tfo,
    server <name> <addr> tls-tickets, server <name> <addr> track +1, server <name> <addr> usesrc,
    server <name> <addr> verify +1, server <name> <addr> verifyhost +1,
    server <name> <addr> weight +1, server <name> <addr> ws +1, option abortonclose [ BE ],
    option accept-invalid-http-request [ FE HTTP ],
    option accept-invalid-http-response [ BE HTTP ], option allbackups [ BE ],
    option checkcache [ BE HTTP ], option clitcpka [ FE ], option contstats [ FE ],
    option disable-h2-upgrade [ FE HTTP ], option dontlog-normal [ FE ], option dontlognull [ FE ],
    option h1-case-adjust-bogus-client [ FE ], option h1-case-adjust-bogus-server [ BE ],
    option http-buffer-request [ FE BE HTTP ], option http-ignore-probes [ FE HTTP ],
    option http-no-delay [ FE BE HTTP ], option http-pretend-keepalive [ BE HTTP ],
    option http-use-proxy-header [ FE HTTP ], option idle-close-on-response [ FE HTTP ],
    option independent-streams [ FE BE ], option log-health-checks [ BE ],
    option log-separate-errors [ FE ], option logasap [ FE ], option nolinger [ FE BE ],
    option persist [ BE ], option prefer-last-server [ BE HTTP ], option socket-stats [ FE ],
    option splice-auto [ FE BE ], option splice-request [ FE BE ],
    option splice-response [ FE BE ], option srvtcpka [ BE ], option tcp-smart-accept [ FE ],
    option tcp-smart-connect [ BE ], option transparent [ BE ], tcp-request connection sc-inc-gpc*,
    tcp-request connection sc-inc-gpc0*, tcp-request connection sc-inc-gpc1*,
    tcp-request connection sc-set-gpt*, tcp-request connection sc-set-gpt0*,
    tcp-request connection set-dst, tcp-request connection set-dst-port,
    tcp-request connection set-mark, tcp-request connection set-src,
    tcp-request connection set-src-port, tcp-request connection set-tos,
    tcp-request connection set-var*, tcp-request connection set-var-fmt*,
    tcp-request connection silent-drop, tcp-request connection unset-var*,
    tcp-request session sc-inc-gpc*, tcp-request session sc-inc-gpc0*,
    tcp-request session sc-inc-gpc1*, tcp-request session sc-set-gpt*,
    tcp-request session sc-set-gpt0*, tcp-request session set-dst,
    tcp-request session set-dst-port, tcp-request session set-mark, tcp-request session set-src,
    tcp-request session set-src-port, tcp-request session set-tos, tcp-request session set-var*,
    tcp-request session set-var-fmt*, tcp-request session silent-drop,
    tcp-request session unset-var*, tcp-request content do-resolve*, tcp-request content ot-group,
    tcp-request content sc-inc-gpc*, tcp-request content sc-inc-gpc0*,
    tcp-request content sc-inc-gpc1*, tcp-request content sc-set-gpt*,
    tcp-request content sc-set-gpt0*, tcp-request content send-spoe-group,
    tcp-request content set-dst, tcp-request content set-dst-port,
    tcp-request content set-log-level, tcp-request content set-mark, tcp-request content set-nice,
    tcp-request content set-priority-class, tcp-request content set-priority-offset,
    tcp-request content set-src, tcp-request content set-src-port, tcp-request content set-tos,
    tcp-request content set-var*, tcp-request content set-var-fmt*,
    tcp-request content silent-drop, tcp-request content switch-mode,
    tcp-request content unset-var*, tcp-request content use-service, tcp-response content ot-group,
    tcp-response content sc-inc-gpc*, tcp-response content sc-inc-gpc0*,
    tcp-response content sc-inc-gpc1*, tcp-response content sc-set-gpt*,
    tcp-response content sc-set-gpt0*, tcp-response content send-spoe-group,
    tcp-response content set-log-level, tcp-response content set-mark,
    tcp-response content set-nice, tcp-response content set-tos, tcp-response content set-var*,
    tcp-response content set-var-fmt*, tcp-response content silent-drop,
    tcp-response content unset-var*, http-request add-acl*, http-request add-header,
    http-request allow, http-request auth, http-request cache-use, http-request capture,
    http-request del-acl*, http-request del-header, http-request del-map*, http-request deny,
    http-request disable-l7-retry, http-request do-resolve*, http-request early-hint,
    http-request normalize-uri, http-request ot-group, http-request redirect, http-request reject,
    http-request replace-header, http-request replace-path, http-request replace-pathq,
    http-request replace-uri, http-request replace-value, http-request return,
    http-request sc-inc-gpc*, http-request sc-inc-gpc0*, http-request sc-inc-gpc1*,
    http-request sc-set-gpt*, http-request sc-set-gpt0*, http-request send-spoe-group,
    http-request set-dst, http-request set-dst-port, http-request set-header,
    http-request set-log-level, http-request set-map*, http-request set-mark,
    http-request set-method, http-request set-nice, http-request set-path, http-request set-pathq,
    http-request set-priority-class, http-request set-priority-offset, http-request set-query,
    http-request set-src, http-request set-src-port, http-request set-timeout,
    http-request set-tos, http-request set-uri, http-request set-var*, http-request set-var-fmt*,
    http-request silent-drop, http-request strict-mode, http-request tarpit,
    http-request track-sc*, http-request unset-var*, http-request use-service,
    http-request wait-for-body, http-request wait-for-handshake, http-response add-acl*,
    http-response add-header, http-response allow, http-response cache-store,
    http-response capture, http-response del-acl*, http-response del-header,
    http-response del-map*, http-response deny, http-response ot-group, http-response redirect,
    http-response replace-header, http-response replace-value, http-response return,
    http-response sc-inc-gpc*, http-response sc-inc-gpc0*, http-response sc-inc-gpc1*,
    http-response sc-set-gpt*, http-response sc-set-gpt0*, http-response send-spoe-group,
    http-response set-header, http-response set-log-level, http-response set-map*,
    http-response set-mark, http-response set-nice, http-response set-status,
    http-response set-tos, http-response set-var*, http-response set-var-fmt*,
    http-response silent-drop, http-response strict-mode, http-response track-sc*,
    http-response unset-var*, http-response wait-for-body, http-after-response add-header,
    http-after-response allow, http-after-response capture, http-after-response del-header,
    http-after-response ot-group, http-after-response replace-header,
    http-after-response replace-value, http-after-response set-header,
    http-after-response set-status, http-after-response set-var*, http-after-response set-var-fmt*,
    http-after-response strict-mode, http-after-response unset-var*
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
