/**
 * THE table of stat fields (HAProxy: stat_fields[] in stats.c plus the ssl/h2/h1 module
 * fields). Every view reads it: `show stat` CSV, typed and JSON output (stats/render.ts),
 * the HTML page (stats/html.ts) and Prometheus (stats/prometheus.ts). Column order is part of
 * the wire contract: tools such as hatop read fields by position, so never insert a column
 * before an existing one.
 *
 * Each column gives its CSV name, the row kinds it can apply to (F frontend, B backend,
 * S server, L listener), its typed-output tags (origin/nature/scope letters as in
 * management.txt §9.2 "show stat typed"), its value type and a getter. A getter returns
 * `undefined` where HAProxy 2.6.12 prints an empty field for that row (e.g. check fields of
 * a server without checks, hrsp_* of a TCP proxy); this was checked field by field against
 * a live 2.6.12.
 */

import type { Instance } from '../process/instance';
import type { Proxy } from '../proxy/proxy';
import type { Server, CheckView } from '../proxy/server';
import type { TrafficCounters } from './counters';
import { CHECK_STATUSES, isCheckStatus } from '../checks/status';

/** Row kind: F = frontend, B = backend, S = server, L = listener. */
export type StatKind = 'F' | 'B' | 'S' | 'L';

/** Field value types as printed by typed/JSON output. */
export type StatType = 's32' | 'u32' | 'u64' | 'str';

export type StatValue = number | string | undefined;

/** What a getter receives: one row of `show stat`. */
export interface StatRow {
  kind: StatKind;
  instance: Instance;
  proxy: Proxy;
  /** Set for S rows only. */
  server?: Server;
  /** Unix ms used for ages and rates, so one dump is consistent. */
  now: number;
  /**
   * Whether addr/cookie/algo may be shown: HAProxy hides them at CLI level `user` and on
   * pages without `stats show-legends`. Undefined means shown.
   */
  legends?: boolean;
}

export interface StatColumn {
  /** CSV header name, e.g. 'scur'. */
  name: string;
  /** Description (`show stat desc`, HTML tooltips, Prometheus HELP). */
  desc: string;
  /** Row kinds this column applies to; other kinds always print an empty field. */
  kinds: ReadonlySet<StatKind>;
  /** Typed tags per kind, three letters: origin, nature, scope (e.g. 'MGP'). */
  tags: Partial<Record<StatKind, string>>;
  type: StatType;
  /** True for module (ssl/h2/h1) fields, printed after the `-` marker. */
  module: boolean;
  /**
   * Prometheus metric suffix as HAProxy's exporter names it (`haproxy_<kind>_<prom>`), or
   * undefined when the exporter does not publish the field. Times are converted from ms to
   * seconds when the suffix ends in `_seconds`.
   */
  prom?: string;
  get(row: StatRow): StatValue;
}

/** `type` column value per row kind. */
export const KIND_TYPE: Record<StatKind, number> = { F: 0, B: 1, S: 2, L: 3 };

function make(module: boolean, name: string, kinds: string, tags: string | Partial<Record<StatKind, string>>, type: StatType, desc: string, get: (r: StatRow) => StatValue): StatColumn {
  const kindSet = new Set(kinds.split('') as StatKind[]);
  // Listener rows (option socket-stats) carry the frontend-side fields.
  if (kindSet.has('F')) kindSet.add('L');
  const tagMap: Partial<Record<StatKind, string>> = {};
  for (const k of kindSet) tagMap[k] = typeof tags === 'string' ? tags : tags[k] ?? tags.F ?? Object.values(tags)[0];
  return { name, desc, kinds: kindSet, tags: tagMap, type, module, prom: PROM_NAMES[name], get };
}

/** HAProxy 2.6 prometheus-exporter metric suffixes by CSV column name. */
const PROM_NAMES: Record<string, string> = {
  qcur: 'current_queue', qmax: 'max_queue', scur: 'current_sessions', smax: 'max_sessions', slim: 'limit_sessions',
  stot: 'sessions_total', bin: 'bytes_in_total', bout: 'bytes_out_total', dreq: 'requests_denied_total',
  dresp: 'responses_denied_total', ereq: 'request_errors_total', econ: 'connection_errors_total',
  eresp: 'response_errors_total', wretr: 'retry_warnings_total', wredis: 'redispatch_warnings_total', status: 'status',
  weight: 'weight', act: 'active_servers', bck: 'backup_servers', chkfail: 'check_failures_total',
  chkdown: 'check_up_down_total', lastchg: 'check_last_change_seconds', downtime: 'downtime_seconds_total',
  qlimit: 'queue_limit', throttle: 'current_throttle', lbtot: 'loadbalanced_total', rate: 'current_session_rate', rate_lim: 'limit_session_rate',
  rate_max: 'max_session_rate', check_status: 'check_status', check_code: 'check_code',
  check_duration: 'check_duration_seconds', req_rate: 'http_requests_rate_current', req_rate_max: 'http_requests_rate_max',
  req_tot: 'http_requests_total', cli_abrt: 'client_aborts_total', srv_abrt: 'server_aborts_total',
  comp_in: 'http_comp_bytes_in_total', comp_out: 'http_comp_bytes_out_total', comp_byp: 'http_comp_bytes_bypassed_total',
  comp_rsp: 'http_comp_responses_total', lastsess: 'last_session_seconds', qtime: 'queue_time_average_seconds',
  ctime: 'connect_time_average_seconds', rtime: 'response_time_average_seconds', ttime: 'total_time_average_seconds',
  conn_rate: 'connections_rate_current', conn_rate_max: 'connections_rate_max', conn_tot: 'connections_total',
  intercepted: 'intercepted_requests_total', dcon: 'denied_connections_total', dses: 'denied_sessions_total',
  wrew: 'failed_header_rewriting_total', connect: 'connection_attempts_total', reuse: 'connection_reuses_total',
  cache_lookups: 'http_cache_lookups_total', cache_hits: 'http_cache_hits_total', srv_icur: 'idle_connections_current',
  src_ilim: 'idle_connections_limit', qtime_max: 'max_queue_time_seconds', ctime_max: 'max_connect_time_seconds',
  rtime_max: 'max_response_time_seconds', ttime_max: 'max_total_time_seconds', eint: 'internal_errors_total',
  idle_conn_cur: 'unsafe_idle_connections_current', safe_conn_cur: 'safe_idle_connections_current',
  used_conn_cur: 'used_connections_current', need_conn_est: 'need_connections_current', uweight: 'uweight',
  agg_server_status: 'agg_server_status', agg_check_status: 'agg_check_status',
  hrsp_1xx: 'http_responses_total', hrsp_2xx: 'http_responses_total', hrsp_3xx: 'http_responses_total',
  hrsp_4xx: 'http_responses_total', hrsp_5xx: 'http_responses_total', hrsp_other: 'http_responses_total',
};
const col = make.bind(null, false);
const mod = make.bind(null, true);

/* ---- helpers the getters share ---- */

/** The counters a row reads: frontend-side, backend-side or the server's. */
function ctr(r: StatRow): TrafficCounters {
  if (r.server) return r.server.counters;
  return r.kind === 'B' ? r.proxy.beCounters : r.proxy.feCounters;
}

function http(r: StatRow): boolean { return r.proxy.mode === 'http'; }

/** The server's health check when it is configured (HAProxy prints check fields only then). */
function chk(r: StatRow): CheckView | undefined { return r.server?.check; }
function agt(r: StatRow): CheckView | undefined { return r.server?.agent; }
function checked(r: StatRow): boolean { return !!r.server?.check?.enabled; }
/** A check produced a result (not INI/UNK), so its duration means something. */
function hasResult(c: CheckView): boolean { return c.status !== 'INI' && c.status !== 'UNK' && c.status !== ''; }
/** Layer 5-7 statuses carry a protocol code (the checks status table says which). */
function hasCode(c: CheckView): boolean { return isCheckStatus(c.status) && CHECK_STATUSES[c.status].hasCode; }

function feMaxconn(r: StatRow): number { return r.proxy.maxconn || r.instance.maxconn; }

/**
 * Backend slim: `fullconn`, or by default 10% (rounded up) of the maxconn of the frontends
 * that can route to it (HAProxy computes it over the frontends referencing the backend; the
 * frontends of the same process are a close stand-in until routing references are exposed).
 */
function beFullconn(r: StatRow): number {
  if (r.proxy.cfg.fullconn) return r.proxy.cfg.fullconn;
  let total = 0;
  for (const p of r.instance.proxies) {
    if (!p.isFrontend) continue;
    if (p === r.proxy || p.cfg.defaultBackend === r.proxy.name || p.cfg.switchingRules.some((s) => s.backend === r.proxy.name)) total += p.maxconn || r.instance.maxconn;
  }
  return Math.ceil(total / 10);
}

/**
 * HAProxy's srv_currently_usable(): running, not in maintenance nor drain, non-zero weight
 * (observed on 2.6.12: a draining or weight-0 server leaves act/bck and the BACKEND weight).
 */
function currentlyUsable(s: Server): boolean {
  return s.isRunning && !s.inMaint && !s.inDrain && s.eweight > 0;
}

/** BACKEND act / bck: currently usable active or backup servers. */
function usable(p: Proxy, backup: boolean): number {
  let n = 0;
  for (const s of p.servers) if (s.isBackup === backup && currentlyUsable(s)) n++;
  return n;
}

/** BACKEND weight/uweight: sum over usable active servers, or backups when no active is usable. */
function backendWeight(p: Proxy, which: 'eweight' | 'uweight'): number {
  let act = 0;
  let bck = 0;
  for (const s of p.servers) {
    if (!currentlyUsable(s)) continue;
    if (s.isBackup) bck += s[which]; else act += s[which];
  }
  return act > 0 ? act : bck;
}

function backendDowntime(r: StatRow): number | undefined {
  if (r.proxy.servers.length === 0) return undefined;
  const cur = usable(r.proxy, false) + usable(r.proxy, true) === 0 ? r.now - r.proxy.lastChange : 0;
  return Math.floor((r.proxy.downtimeMs + cur) / 1000);
}

/** Slowstart ratio in percent while it ramps, else empty. */
function throttleOf(s: Server, now: number): number | undefined {
  const ss = s.cfg.slowstart;
  if (!ss || !s.isRunning) return undefined;
  const elapsed = now - s.lastChange;
  if (elapsed >= ss) return undefined;
  return Math.max(1, Math.floor((elapsed * 100) / ss));
}

function statusOf(r: StatRow): string {
  if (r.kind === 'F' || r.kind === 'L') {
    if (r.proxy.state === 'stopped') return 'STOP';
    if (r.proxy.state === 'paused') return 'PAUSED';
    const max = feMaxconn(r);
    return max > 0 && r.proxy.feCounters.cur >= max ? 'FULL' : 'OPEN';
  }
  if (r.server) return r.server.statusText();
  // HAProxy: UP while the usable servers have some weight, or when there are no servers at all.
  return r.proxy.servers.length === 0 || backendWeight(r.proxy, 'eweight') > 0 ? 'UP' : 'DOWN';
}

/** The columns, in HAProxy 2.6.12 order. Fields 0..102 then the module fields. */
export const STAT_COLUMNS: readonly StatColumn[] = [
  col('pxname', 'BFS', 'KNS', 'str', 'Proxy name',
    (r) => r.proxy.name),
  col('svname', 'BFS', 'KNS', 'str', 'Server name',
    (r) => r.kind === 'F' ? 'FRONTEND' : r.kind === 'B' ? 'BACKEND' : r.server!.name),
  col('qcur', 'BS', 'MGP', 'u32', 'Number of current queued connections',
    (r) => r.server ? r.server.queueLength : r.proxy.queueLength),
  col('qmax', 'BS', 'MMP', 'u32', 'Highest value of queued connections encountered since process started',
    (r) => r.server ? r.server.queueMax : r.proxy.queueMax),
  col('scur', 'BFS', 'MGP', 'u32', 'Number of current sessions on the frontend, backend or server',
    (r) => ctr(r).cur),
  col('smax', 'BFS', 'MMP', 'u32', 'Highest value of current sessions encountered since process started',
    (r) => ctr(r).max),
  col('slim', 'BFS', 'CLP', 'u32', 'Frontend/listener/server\'s maxconn, backend\'s fullconn',
    (r) => r.kind === 'F' ? feMaxconn(r) : r.kind === 'B' ? beFullconn(r) : r.server!.maxconn || undefined),
  col('stot', 'BFS', 'MCP', 'u64', 'Total number of sessions since process started',
    (r) => ctr(r).total),
  col('bin', 'BFS', 'MCP', 'u64', 'Total number of request bytes since process started',
    (r) => ctr(r).bytesIn),
  col('bout', 'BFS', 'MCP', 'u64', 'Total number of response bytes since process started',
    (r) => ctr(r).bytesOut),
  col('dreq', 'BF', 'MCP', 'u64', 'Total number of denied requests since process started',
    (r) => ctr(r).deniedReq),
  col('dresp', 'BFS', 'MCP', 'u64', 'Total number of denied responses since process started',
    (r) => ctr(r).deniedResp),
  col('ereq', 'F', 'MCP', 'u64', 'Total number of invalid requests since process started',
    (r) => ctr(r).errReq),
  col('econ', 'BS', 'MCP', 'u64', 'Total number of failed connections to server since the worker process started',
    (r) => ctr(r).errConn),
  col('eresp', 'BS', 'MCP', 'u64', 'Total number of invalid responses since the worker process started',
    (r) => ctr(r).errResp),
  col('wretr', 'BS', 'MCP', 'u64', 'Total number of server connection retries since the worker process started',
    (r) => ctr(r).retries),
  col('wredis', 'BS', 'MCP', 'u64', 'Total number of server redispatches due to connection failures since the worker process started',
    (r) => ctr(r).redispatches),
  col('status', 'BFS', 'SGP', 'str', 'Frontend/listen status: OPEN/WAITING/FULL/STOP; backend: UP/DOWN; server: last check status',
    (r) => statusOf(r)),
  col('weight', 'BS', 'MaP', 'u32', 'Server\'s effective weight, or sum of active servers\' effective weights for a backend',
    // eweight is fractional during slowstart (lb/slowstart.ts); HAProxy rounds up.
    (r) => r.server ? Math.ceil(r.server.eweight) : Math.ceil(backendWeight(r.proxy, 'eweight'))),
  col('act', 'BS', { S: 'SGP', B: 'MGP' }, 'u32', 'Total number of active UP servers with a non-zero weight',
    (r) => r.server ? (r.server.isBackup ? 0 : 1) : usable(r.proxy, false)),
  col('bck', 'BS', { S: 'SGP', B: 'MGP' }, 'u32', 'Total number of backup UP servers with a non-zero weight',
    (r) => r.server ? (r.server.isBackup ? 1 : 0) : usable(r.proxy, true)),
  col('chkfail', 'S', 'MCP', 'u64', 'Total number of failed individual health checks per server/backend, since the worker process started',
    (r) => checked(r) ? r.server!.failedChecks : undefined),
  col('chkdown', 'BS', 'MCP', 'u64', 'Total number of failed checks causing UP to DOWN server transitions, per server/backend, since the worker process started',
    (r) => r.server ? (checked(r) ? r.server.downTransitions : undefined) : r.proxy.downTransitions),
  col('lastchg', 'BS', 'MAP', 'u32', 'How long ago the last server state changed, in seconds',
    (r) => r.server ? r.server.secondsSinceChange(r.now) : Math.floor((r.now - r.proxy.lastChange) / 1000)),
  col('downtime', 'BS', 'MCP', 'u32', 'Total time spent in DOWN state, for server or backend',
    (r) => r.server ? (checked(r) ? r.server.downtimeSeconds(r.now) : undefined) : backendDowntime(r)),
  col('qlimit', 'S', 'CLP', 'u32', 'Limit on the number of connections in queue, for servers only (maxqueue argument)',
    (r) => r.server!.maxqueue || undefined),
  col('pid', 'BFS', 'KGP', 'u32', 'Relative worker process number (1)',
    () => 1),
  col('iid', 'BFS', 'KGS', 'u32', 'Frontend or Backend numeric identifier (\'id\' setting)',
    (r) => r.proxy.id),
  col('sid', 'BFS', 'KGS', 'u32', 'Server numeric identifier (\'id\' setting)',
    (r) => r.server ? r.server.id : 0),
  col('throttle', 'S', 'MaP', 'u32', 'Throttling ratio applied to a server\'s maxconn and weight during the slowstart period (0 to 100%)',
    (r) => throttleOf(r.server!, r.now)),
  col('lbtot', 'BS', 'MCP', 'u64', 'Total number of requests routed by load balancing since the worker process started (ignores queue pop and stickiness)',
    (r) => ctr(r).lbTotal),
  col('tracked', 'S', 'CNS', 'str', 'Name of the other server this server tracks for its state',
    (r) => r.server!.tracked ? `${r.server!.tracked.backend.name}/${r.server!.tracked.name}` : undefined),
  col('type', 'BFS', 'CGS', 'u32', 'Type of the object (Listener, Frontend, Backend, Server)',
    (r) => KIND_TYPE[r.kind]),
  col('rate', 'BFS', { F: 'MRP', S: 'MRP', B: 'MGP' }, 'u32', 'Total number of sessions processed by this object over the last second (sessions for listeners/frontends, requests for backends/servers)',
    (r) => ctr(r).sessionRate.read(r.now)),
  col('rate_lim', 'F', 'CLP', 'u32', 'Limit on the number of sessions accepted in a second (frontend only, \'rate-limit sessions\' setting)',
    (r) => r.proxy.sessionRateLimit),
  col('rate_max', 'BFS', { F: 'MMP', S: 'MMP', B: 'MGP' }, 'u32', 'Highest value of sessions per second observed since the worker process started',
    (r) => ctr(r).sessionRate.max),
  col('check_status', 'S', 'MOP', 'str', 'Status report of the server\'s latest health check, prefixed with \'*\' if a check is currently in progress',
    (r) => { const c = chk(r); return c ? `${c.running ? '* ' : ''}${c.status}` : undefined; }),
  col('check_code', 'S', 'MOP', 'u32', 'HTTP/SMTP/LDAP status code reported by the latest server health check',
    (r) => { const c = chk(r); return c && hasCode(c) ? c.code : undefined; }),
  col('check_duration', 'S', 'MDP', 'u64', 'Total duration of the latest server health check, in milliseconds',
    (r) => { const c = chk(r); return c && hasResult(c) ? c.durationMs : undefined; }),
  col('hrsp_1xx', 'BFS', 'MCP', 'u64', 'Total number of HTTP responses with status 100-199 returned by this object since the worker process started',
    (r) => http(r) ? ctr(r).httpResponses[1] : undefined),
  col('hrsp_2xx', 'BFS', 'MCP', 'u64', 'Total number of HTTP responses with status 200-299 returned by this object since the worker process started',
    (r) => http(r) ? ctr(r).httpResponses[2] : undefined),
  col('hrsp_3xx', 'BFS', 'MCP', 'u64', 'Total number of HTTP responses with status 300-399 returned by this object since the worker process started',
    (r) => http(r) ? ctr(r).httpResponses[3] : undefined),
  col('hrsp_4xx', 'BFS', 'MCP', 'u64', 'Total number of HTTP responses with status 400-499 returned by this object since the worker process started',
    (r) => http(r) ? ctr(r).httpResponses[4] : undefined),
  col('hrsp_5xx', 'BFS', 'MCP', 'u64', 'Total number of HTTP responses with status 500-599 returned by this object since the worker process started',
    (r) => http(r) ? ctr(r).httpResponses[5] : undefined),
  col('hrsp_other', 'BFS', 'MCP', 'u64', 'Total number of HTTP responses with status <100, >599 returned by this object since the worker process started (error -1 included)',
    (r) => http(r) ? ctr(r).httpResponses[0] : undefined),
  col('hanafail', 'S', 'MCP', 'u64', 'Total number of failed checks caused by an \'on-error\' directive after an \'observe\' condition matched',
    () => undefined),
  col('req_rate', 'F', 'MRP', 'u32', 'Number of HTTP requests processed over the last second on this object',
    (r) => ctr(r).requestRate.read(r.now)),
  col('req_rate_max', 'F', 'MMP', 'u32', 'Highest value of http requests observed since the worker process started',
    (r) => ctr(r).requestRate.max),
  col('req_tot', 'BFS', 'MCP', 'u64', 'Total number of HTTP requests processed by this object since the worker process started',
    // 2.6 prints req_tot on TCP frontends too (0), but not on TCP backends/servers.
    (r) => http(r) || r.kind === 'F' ? ctr(r).reqTotal : undefined),
  col('cli_abrt', 'BS', 'MCP', 'u64', 'Total number of requests or connections aborted by the client since the worker process started',
    (r) => ctr(r).cliAborts),
  col('srv_abrt', 'BS', 'MCP', 'u64', 'Total number of requests or connections aborted by the server since the worker process started',
    (r) => ctr(r).srvAborts),
  col('comp_in', 'BF', 'MCP', 'u64', 'Total number of bytes submitted to the HTTP compressor for this object since the worker process started',
    (r) => ctr(r).compIn),
  col('comp_out', 'BF', 'MCP', 'u64', 'Total number of bytes emitted by the HTTP compressor for this object since the worker process started',
    (r) => ctr(r).compOut),
  col('comp_byp', 'BF', 'MCP', 'u64', 'Total number of bytes that bypassed HTTP compression for this object since the worker process started (CPU/memory/bandwidth limitation)',
    (r) => ctr(r).compBypassed),
  col('comp_rsp', 'BF', 'MCP', 'u64', 'Total number of HTTP responses that were compressed for this object since the worker process started',
    (r) => ctr(r).compResponses),
  col('lastsess', 'BS', 'MAP', 's32', 'How long ago some traffic was seen on this object on this worker process, in seconds',
    (r) => { const t = ctr(r).lastSession; return t < 0 ? -1 : Math.max(0, Math.floor(r.now / 1000) - t); }),
  col('last_chk', 'S', 'MOP', 'str', 'Short description of the latest health check report for this server (see also check_desc)',
    (r) => chk(r)?.info || undefined),
  col('last_agt', 'S', 'MOP', 'str', 'Short description of the latest agent check report for this server (or empty if none)',
    (r) => agt(r)?.info || undefined),
  col('qtime', 'BS', 'MaP', 'u32', 'Time spent in the queue, in milliseconds, averaged over the 1024 last requests (backend/server)',
    (r) => Math.round(ctr(r).qtime)),
  col('ctime', 'BS', 'MaP', 'u32', 'Time spent waiting for a connection to complete, in milliseconds, averaged over the 1024 last requests (backend/server)',
    (r) => Math.round(ctr(r).ctime)),
  col('rtime', 'BS', 'MaP', 'u32', 'Time spent waiting for a server response, in milliseconds, averaged over the 1024 last requests (backend/server)',
    (r) => Math.round(ctr(r).rtime)),
  col('ttime', 'BS', 'MaP', 'u32', 'Total request+response time (request+queue+connect+response+processing), in milliseconds, averaged over the 1024 last requests (backend/server)',
    (r) => Math.round(ctr(r).ttime)),
  col('agent_status', 'S', 'MOP', 'str', 'Status report of the server\'s latest agent check, prefixed with \'*\' if a check is currently in progress',
    (r) => { const c = agt(r); return c ? `${c.running ? '* ' : ''}${c.status}` : undefined; }),
  col('agent_code', 'S', 'MOP', 'u32', 'Status code reported by the latest server agent check',
    (r) => agt(r)?.code),
  col('agent_duration', 'S', 'MDP', 'u64', 'Total duration of the latest server agent check, in milliseconds',
    (r) => { const c = agt(r); return c && hasResult(c) ? c.durationMs : undefined; }),
  col('check_desc', 'S', 'MOP', 'str', 'Textual description of the latest health check report for this server',
    (r) => chk(r)?.desc || undefined),
  col('agent_desc', 'S', 'MOP', 'str', 'Textual description of the latest agent check report for this server',
    (r) => agt(r)?.desc || undefined),
  col('check_rise', 'S', 'CGS', 'u32', 'Number of successful health checks before declaring a server UP (server \'rise\' setting)',
    (r) => chk(r)?.rise),
  col('check_fall', 'S', 'CGS', 'u32', 'Number of failed health checks before declaring a server DOWN (server \'fall\' setting)',
    (r) => chk(r)?.fall),
  col('check_health', 'S', 'CGS', 'u32', 'Current server health check level (0..fall-1=DOWN, fall..rise-1=UP)',
    (r) => chk(r)?.health),
  col('agent_rise', 'S', 'CGS', 'u32', 'Number of successful agent checks before declaring a server UP',
    (r) => agt(r)?.rise),
  col('agent_fall', 'S', 'CGS', 'u32', 'Number of failed agent checks before declaring a server DOWN',
    (r) => agt(r)?.fall),
  col('agent_health', 'S', 'CGS', 'u32', 'Current server agent check level (0..fall-1=DOWN, fall..rise-1=UP)',
    (r) => agt(r)?.health),
  col('addr', 'S', 'CGS', 'str', 'Server\'s address:port, shown only if show-legends is set, or at levels oper/admin for the CLI',
    (r) => (r.legends === false ? undefined : r.server!.addressText)),
  col('cookie', 'BS', 'CNS', 'str', 'Backend\'s cookie name or Server\'s cookie value, shown only if show-legends is set',
    (r) => (r.legends === false || !r.server ? undefined : r.server.cfg.cookie)),
  col('mode', 'BFS', 'CGS', 'str', '\'mode\' setting (tcp/http/health/cli)',
    (r) => r.proxy.mode),
  col('algo', 'B', 'CGS', 'str', 'Backend\'s load balancing algorithm, shown only if show-legends is set, or at levels oper/admin for the CLI',
    (r) => (r.legends === false ? undefined : r.proxy.balancer?.name ?? r.proxy.cfg.balance.algorithm)),
  col('conn_rate', 'F', 'MRP', 'u32', 'Number of new connections accepted over the last second on the frontend for this worker process',
    (r) => ctr(r).connRate.read(r.now)),
  col('conn_rate_max', 'F', 'MMP', 'u32', 'Highest value of connections per second observed since the worker process started',
    (r) => ctr(r).connRate.max),
  col('conn_tot', 'F', 'MCP', 'u64', 'Total number of new connections accepted on this frontend since the worker process started',
    (r) => ctr(r).total),
  col('intercepted', 'F', 'MCP', 'u64', 'Total number of HTTP requests intercepted on the frontend (redirects/stats/services) since the worker process started',
    (r) => http(r) ? ctr(r).intercepted : undefined),
  col('dcon', 'F', 'MCP', 'u64', 'Total number of incoming connections blocked on a listener/frontend by a tcp-request connection rule since the worker process started',
    (r) => ctr(r).deniedConn),
  col('dses', 'F', 'MCP', 'u64', 'Total number of incoming sessions blocked on a listener/frontend by a tcp-request connection rule since the worker process started',
    (r) => ctr(r).deniedSess),
  col('wrew', 'BFS', 'MCP', 'u64', 'Total number of failed HTTP header rewrites since the worker process started',
    (r) => ctr(r).failedRewrites),
  col('connect', 'BS', 'MCP', 'u64', 'Total number of outgoing connection attempts on this backend/server since the worker process started',
    (r) => ctr(r).connects),
  col('reuse', 'BS', 'MCP', 'u64', 'Total number of reused connection on this backend/server since the worker process started',
    (r) => ctr(r).reuses),
  col('cache_lookups', 'BF', 'MCP', 'u64', 'Total number of HTTP requests looked up in the cache on this frontend/backend since the worker process started',
    (r) => http(r) ? 0 : undefined),
  col('cache_hits', 'BF', 'MCP', 'u64', 'Total number of HTTP requests not found in the cache on this frontend/backend since the worker process started',
    (r) => http(r) ? 0 : undefined),
  col('srv_icur', 'S', 'MGP', 'u32', 'Current number of idle connections available for reuse on this server',
    () => 0),
  col('src_ilim', 'S', 'CLP', 'u32', 'Limit on the number of available idle connections on this server (server \'pool_max_conn\' directive)',
    () => undefined),
  col('qtime_max', 'BS', 'MMP', 'u32', 'Maximum observed time spent in the queue, in milliseconds (backend/server)',
    (r) => ctr(r).qtimeMax),
  col('ctime_max', 'BS', 'MMP', 'u32', 'Maximum observed time spent waiting for a connection to complete, in milliseconds (backend/server)',
    (r) => ctr(r).ctimeMax),
  col('rtime_max', 'BS', 'MMP', 'u32', 'Maximum observed time spent waiting for a server response, in milliseconds (backend/server)',
    (r) => ctr(r).rtimeMax),
  col('ttime_max', 'BS', 'MMP', 'u32', 'Maximum observed total request+response time (request+queue+connect+response+processing), in milliseconds (backend/server)',
    (r) => ctr(r).ttimeMax),
  col('eint', 'BFS', 'MCP', 'u64', 'Total number of internal errors since process started',
    (r) => ctr(r).internalErrors),
  col('idle_conn_cur', 'S', 'MGP', 'u32', 'Current number of unsafe idle connections',
    () => 0),
  col('safe_conn_cur', 'S', 'MGP', 'u32', 'Current number of safe idle connections',
    () => 0),
  col('used_conn_cur', 'S', 'MGP', 'u32', 'Current number of connections in use',
    (r) => r.server!.curConns),
  col('need_conn_est', 'S', 'MGP', 'u32', 'Estimated needed number of connections',
    (r) => r.server!.curConns),
  col('uweight', 'BS', 'MaP', 'u32', 'Server\'s user weight, or sum of active servers\' user weights for a backend',
    (r) => r.server ? r.server.uweight : backendWeight(r.proxy, 'uweight')),
  col('agg_server_status', 'B', 'MGP', 'u32', 'Backend\'s aggregated gauge of servers\' status',
    () => 0),
  col('agg_server_check_status', 'B', 'MGP', 'u32', 'Backend\'s aggregated gauge of servers\' state check status',
    () => 0),
  col('agg_check_status', 'B', 'MGP', 'u32', 'Backend\'s aggregated gauge of servers\' state check status',
    () => 0),
  mod('ssl_sess', 'BFS', 'MCP', 'u64', 'Total number of ssl sessions established',
    () => 0),
  mod('ssl_reused_sess', 'BFS', 'MCP', 'u64', 'Total number of ssl sessions reused',
    () => 0),
  mod('ssl_failed_handshake', 'BFS', 'MCP', 'u64', 'Total number of failed handshake',
    () => 0),
  mod('h2_headers_rcvd', 'BF', 'MCP', 'u64', 'Total number of received HEADERS frames',
    () => 0),
  mod('h2_data_rcvd', 'BF', 'MCP', 'u64', 'Total number of received DATA frames',
    () => 0),
  mod('h2_settings_rcvd', 'BF', 'MCP', 'u64', 'Total number of received SETTINGS frames',
    () => 0),
  mod('h2_rst_stream_rcvd', 'BF', 'MCP', 'u64', 'Total number of received RST_STREAM frames',
    () => 0),
  mod('h2_goaway_rcvd', 'BF', 'MCP', 'u64', 'Total number of received GOAWAY frames',
    () => 0),
  mod('h2_detected_conn_protocol_errors', 'BF', 'MCP', 'u64', 'Total number of connection protocol errors',
    () => 0),
  mod('h2_detected_strm_protocol_errors', 'BF', 'MCP', 'u64', 'Total number of stream protocol errors',
    () => 0),
  mod('h2_rst_stream_resp', 'BF', 'MCP', 'u64', 'Total number of RST_STREAM sent on detected error',
    () => 0),
  mod('h2_goaway_resp', 'BF', 'MCP', 'u64', 'Total number of GOAWAY sent on detected error',
    () => 0),
  mod('h2_open_connections', 'BF', 'MGP', 'u64', 'Count of currently open connections',
    () => 0),
  mod('h2_backend_open_streams', 'BF', 'MGP', 'u64', 'Count of currently open streams',
    () => 0),
  mod('h2_total_connections', 'BF', 'MCP', 'u64', 'Total number of connections',
    () => 0),
  mod('h2_backend_total_streams', 'BF', 'MCP', 'u64', 'Total number of streams',
    () => 0),
  mod('h1_open_connections', 'BF', 'MGP', 'u64', 'Count of currently open connections',
    (r) => http(r) ? ctr(r).cur : 0),
  mod('h1_open_streams', 'BF', 'MGP', 'u64', 'Count of currently open streams',
    (r) => http(r) ? ctr(r).cur : 0),
  mod('h1_total_connections', 'BF', 'MCP', 'u64', 'Total number of connections',
    (r) => http(r) ? ctr(r).total : 0),
  mod('h1_total_streams', 'BF', 'MCP', 'u64', 'Total number of streams',
    (r) => http(r) ? ctr(r).reqTotal : 0),
  mod('h1_bytes_in', 'BF', 'MCP', 'u64', 'Total number of bytes received',
    // The backend side's mux receives responses and sends requests.
    (r) => !http(r) ? 0 : r.kind === 'B' ? ctr(r).bytesOut : ctr(r).bytesIn),
  mod('h1_bytes_out', 'BF', 'MCP', 'u64', 'Total number of bytes send',
    (r) => !http(r) ? 0 : r.kind === 'B' ? ctr(r).bytesIn : ctr(r).bytesOut),
  mod('h1_spliced_bytes_in', 'BF', 'MCP', 'u64', 'Total number of bytes received using kernel splicing',
    () => 0),
  mod('h1_spliced_bytes_out', 'BF', 'MCP', 'u64', 'Total number of bytes sendusing kernel splicing',
    () => 0),
];

/** Fixed (non-module) columns, positions 0..102. */
export const BASE_COLUMNS: readonly StatColumn[] = STAT_COLUMNS.filter((c) => !c.module);

/** Columns by name. */
export const COLUMN_BY_NAME: ReadonlyMap<string, StatColumn> = new Map(STAT_COLUMNS.map((c) => [c.name, c]));

/**
 * The value of one column for one row: `undefined` when the column does not apply to the
 * row kind or the getter leaves it empty.
 */
export function columnValue(c: StatColumn, row: StatRow): StatValue {
  if (!c.kinds.has(row.kind)) return undefined;
  return c.get(row);
}
