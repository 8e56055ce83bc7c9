/**
 * The `show info` fields (HAProxy: info_fields[] in stats.c), in 2.6.12 order with their
 * typed tags, types and descriptions, and the renderers for plain, `desc`, `typed` and
 * `json` output. Positions 45/46 (zlib memory) and 51 (description) are only printed when
 * they have a value, as in HAProxy. hatop requires Name, Version, Release_date, Nbproc,
 * Process_num, Pid, Uptime, Maxconn, CurrConns, Maxpipes, PipesUsed, Tasks, Run_queue and
 * node, so those must stay.
 */

import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
// v8 heap figures, not process.memoryUsage(): that one reads /proc/self, absent in a chroot.
import { getHeapStatistics } from 'node:v8';
import type { Instance } from '../process/instance';
import { PRODUCT_NAME, PRODUCT_VERSION, RELEASE_DATE } from '../runtime/version';
import { getRateLimits } from '../runtime/limits';
import { jsonTags } from './tags';
import { jsonValue } from './render';
import { droppedLogs } from '../log/index';

export interface InfoField {
  pos: number;
  name: string;
  tags: string;
  type: 'u32' | 'u64' | 's32' | 'str';
  desc: string;
  /** Value, or undefined to omit the line (optional fields). */
  get(i: Instance, now: number): string | number | undefined;
}

/** `0d 0h00m04s` as HAProxy prints uptimes. */
export function formatUptime(sec: number): string {
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  return `${d}d ${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
}

function listenerCount(i: Instance): number {
  let n = i.config.global.statsSockets.length;
  for (const p of i.proxies) if (p.isFrontend) n += p.cfg.binds.length;
  return n;
}

function totalBytesOut(i: Instance): number {
  let n = 0;
  for (const p of i.proxies) if (p.isFrontend) n += p.feCounters.bytesOut;
  return n;
}

/** Event-loop idle percentage over the last sampling period (HAProxy's Idle_pct is per thread). */
let eluPrev = performance.eventLoopUtilization();
function idlePct(): number {
  const cur = performance.eventLoopUtilization();
  const delta = performance.eventLoopUtilization(cur, eluPrev);
  eluPrev = cur;
  return Math.max(0, Math.min(100, Math.round(100 - delta.utilization * 100)));
}

function maxsock(i: Instance): number { return i.maxconn * 2 + listenerCount(i); }

const f = (pos: number, name: string, tags: string, type: InfoField['type'], desc: string, get: InfoField['get']): InfoField => ({ pos, name, tags, type, desc, get });

/** The fields, in output order. */
export const INFO_FIELDS: readonly InfoField[] = [
  f(0, 'Name', 'POS', 'str', 'Product name', () => PRODUCT_NAME),
  f(1, 'Version', 'POS', 'str', 'Product version', () => PRODUCT_VERSION),
  f(2, 'Release_date', 'POS', 'str', 'Date of latest source code update', () => RELEASE_DATE),
  f(3, 'Nbthread', 'CGS', 'u32', 'Number of started threads (global.nbthread)', (i) => i.config.global.nbthread),
  f(4, 'Nbproc', 'CGS', 'u32', 'Number of started worker processes (historical, always 1)', () => 1),
  f(5, 'Process_num', 'KGP', 'u32', 'Relative worker process number (1)', () => 1),
  f(6, 'Pid', 'SGP', 'u32', 'This worker process identifier for the system', (i) => i.pid),
  f(7, 'Uptime', 'MDP', 'str', 'How long ago this worker process was started (days+hours+minutes+seconds)', (i, now) => formatUptime(i.uptimeSeconds(now))),
  f(8, 'Uptime_sec', 'MDP', 'u32', 'How long ago this worker process was started (seconds)', (i, now) => i.uptimeSeconds(now)),
  f(9, 'Memmax_MB', 'CLP', 'u32', "Worker process's hard limit on memory usage in MB (-m on command line)", () => 0),
  f(10, 'PoolAlloc_MB', 'MGP', 'u32', 'Amount of memory allocated in pools (in MB)', () => Math.floor(getHeapStatistics().total_heap_size / 1048576)),
  f(11, 'PoolUsed_MB', 'MGP', 'u32', 'Amount of pool memory currently used (in MB)', () => Math.floor(getHeapStatistics().used_heap_size / 1048576)),
  f(12, 'PoolFailed', 'MCP', 'u32', 'Number of failed pool allocations since this worker was started', () => 0),
  f(13, 'Ulimit-n', 'CLP', 'u32', 'Hard limit on the number of per-process file descriptors', (i) => maxsock(i)),
  f(14, 'Maxsock', 'CLP', 'u32', 'Hard limit on the number of per-process sockets', (i) => maxsock(i)),
  f(15, 'Maxconn', 'CLP', 'u32', 'Hard limit on the number of per-process connections (configured or imposed by Ulimit-n)', (i) => i.maxconn),
  f(16, 'Hard_maxconn', 'CLP', 'u32', 'Hard limit on the number of per-process connections (imposed by Memmax_MB or Ulimit-n)', (i) => i.config.global.maxconn || 4096),
  f(17, 'CurrConns', 'MGP', 'u32', 'Current number of connections on this worker process', (i) => i.actconn),
  f(18, 'CumConns', 'MCP', 'u32', 'Total number of connections on this worker process since started', (i) => i.cumConns),
  f(19, 'CumReq', 'MCP', 'u32', 'Total number of requests on this worker process since started', (i) => i.cumReq),
  f(20, 'MaxSslConns', 'MMP', 'u32', 'Hard limit on the number of per-process SSL endpoints (front+back), 0=unlimited', () => 0),
  f(21, 'CurrSslConns', 'MGP', 'u32', 'Current number of SSL endpoints on this worker process (front+back)', () => 0),
  f(22, 'CumSslConns', 'MCP', 'u32', 'Total number of SSL endpoints on this worker process since started (front+back)', () => 0),
  f(23, 'Maxpipes', 'CLP', 'u32', 'Hard limit on the number of pipes for splicing, 0=unlimited', () => 0),
  f(24, 'PipesUsed', 'MGP', 'u32', 'Current number of pipes in use in this worker process', () => 0),
  f(25, 'PipesFree', 'MGP', 'u32', 'Current number of allocated and available pipes in this worker process', () => 0),
  f(26, 'ConnRate', 'MRP', 'u32', 'Number of front connections created on this worker process over the last second', (i, now) => i.connRate.read(now)),
  f(27, 'ConnRateLimit', 'CLP', 'u32', 'Hard limit for ConnRate (global.maxconnrate)', (i) => getRateLimits(i).connections),
  f(28, 'MaxConnRate', 'MMP', 'u32', 'Highest ConnRate reached on this worker process since started (in connections per second)', (i) => i.connRate.max),
  f(29, 'SessRate', 'MRP', 'u32', 'Number of sessions created on this worker process over the last second', (i, now) => i.sessRate.read(now)),
  f(30, 'SessRateLimit', 'CLP', 'u32', 'Hard limit for SessRate (global.maxsessrate)', (i) => getRateLimits(i).sessions),
  f(31, 'MaxSessRate', 'MRP', 'u32', 'Highest SessRate reached on this worker process since started (in sessions per second)', (i) => i.sessRate.max),
  f(32, 'SslRate', 'MRP', 'u32', 'Number of SSL connections created on this worker process over the last second', () => 0),
  f(33, 'SslRateLimit', 'CLP', 'u32', 'Hard limit for SslRate (global.maxsslrate)', (i) => getRateLimits(i).sslSessions),
  f(34, 'MaxSslRate', 'MMP', 'u32', 'Highest SslRate reached on this worker process since started (in connections per second)', () => 0),
  f(35, 'SslFrontendKeyRate', 'MGP', 'u32', 'Number of SSL keys created on frontends in this worker process over the last second', () => 0),
  f(36, 'SslFrontendMaxKeyRate', 'MMP', 'u32', 'Highest SslFrontendKeyRate reached on this worker process since started (in SSL keys per second)', () => 0),
  f(37, 'SslFrontendSessionReuse_pct', 'MGP', 'u32', 'Percent of frontend SSL connections which did not require a new key', () => 0),
  f(38, 'SslBackendKeyRate', 'MRP', 'u32', 'Number of SSL keys created on backends in this worker process over the last second', () => 0),
  f(39, 'SslBackendMaxKeyRate', 'MMP', 'u32', 'Highest SslBackendKeyRate reached on this worker process since started (in SSL keys per second)', () => 0),
  f(40, 'SslCacheLookups', 'MCP', 'u32', 'Total number of SSL session ID lookups in the SSL session cache on this worker since started', () => 0),
  f(41, 'SslCacheMisses', 'MCP', 'u32', "Total number of SSL session ID lookups that didn't find a session in the SSL session cache on this worker since started", () => 0),
  f(42, 'CompressBpsIn', 'MRP', 'u32', 'Number of bytes submitted to the HTTP compressor in this worker process over the last second', () => 0),
  f(43, 'CompressBpsOut', 'MRP', 'u32', 'Number of bytes emitted by the HTTP compressor in this worker process over the last second', () => 0),
  f(44, 'CompressBpsRateLim', 'CLP', 'u32', 'Limit of CompressBpsOut beyond which HTTP compression is automatically disabled', (i) => getRateLimits(i).httpCompression),
  f(47, 'Tasks', 'MGP', 'u32', 'Total number of tasks in the current worker process (active + sleeping)', () => process.getActiveResourcesInfo().length),
  f(48, 'Run_queue', 'MGP', 'u32', 'Total number of active tasks+tasklets in the current worker process', () => 0),
  f(49, 'Idle_pct', 'MaP', 'u32', 'Percentage of last second spent waiting in the current worker thread', () => idlePct()),
  f(50, 'node', 'COS', 'str', 'Node name (global.node)', (i) => i.config.global.node ?? hostname()),
  f(51, 'description', 'COS', 'str', 'Node description (global.description)', (i) => i.config.global.description),
  f(52, 'Stopping', 'MGP', 'u32', '1 if the worker process is currently stopping, otherwise zero', (i) => (i.stopping ? 1 : 0)),
  f(53, 'Jobs', 'MGP', 'u32', 'Current number of active jobs on the current worker process (frontend connections, master connections, listeners)', (i) => i.actconn + listenerCount(i)),
  f(54, 'Unstoppable Jobs', 'MGP', 'u32', 'Current number of unstoppable jobs on the current worker process (master connections)', () => 0),
  f(55, 'Listeners', 'MGP', 'u32', 'Current number of active listeners on the current worker process', (i) => listenerCount(i)),
  f(56, 'ActivePeers', 'MGP', 'u32', 'Current number of verified active peers connections on the current worker process', () => 0),
  f(57, 'ConnectedPeers', 'MGP', 'u32', 'Current number of peers having passed the connection step on the current worker process', () => 0),
  f(58, 'DroppedLogs', 'MGP', 'u32', 'Total number of dropped logs for current worker process since started', (i) => droppedLogs(i)),
  f(59, 'BusyPolling', 'MGP', 'u32', '1 if busy-polling is currently in use on the worker process, otherwise zero (config.busy-polling)', () => 0),
  f(60, 'FailedResolutions', 'MGP', 'u32', 'Total number of failed DNS resolutions in current worker process since started', () => 0),
  f(61, 'TotalBytesOut', 'MGP', 'u64', 'Total number of bytes emitted by current worker process since started', (i) => totalBytesOut(i)),
  f(62, 'TotalSplicdedBytesOut', 'MGP', 'u64', 'Total number of bytes emitted by current worker process through a kernel pipe since started', () => 0),
  f(63, 'BytesOutRate', 'MRP', 'u64', 'Number of bytes emitted by current worker process over the last second', () => 0),
  f(64, 'DebugCommandsIssued', 'MGP', 'u32', 'Number of debug commands issued on this process (anything > 0 is unsafe)', () => 0),
  f(65, 'CumRecvLogs', 'MCP', 'u32', 'Total number of log messages received by log-forwarding listeners on this worker process since started', () => 0),
  f(66, 'Build info', 'POS', 'str', 'Build info', () => PRODUCT_VERSION),
  f(67, 'Memmax_bytes', 'CLP', 'u32', "Worker process's hard limit on memory usage in byes (-m on command line)", () => 0),
  f(68, 'PoolAlloc_bytes', 'MGP', 'u64', 'Amount of memory allocated in pools (in bytes)', () => getHeapStatistics().total_heap_size),
  f(69, 'PoolUsed_bytes', 'MGP', 'u64', 'Amount of pool memory currently used (in bytes)', () => getHeapStatistics().used_heap_size),
  f(70, 'Start_time_sec', 'MDP', 'u32', 'Start time in seconds', (i) => Math.floor(i.startTime / 1000)),
  f(71, 'Tainted', 'SGP', 'str', 'Experimental features used', () => '0'),
];

/** HAProxy 2.6 prometheus-exporter names (`haproxy_process_<name>`) of the info fields. */
export const INFO_PROM: Readonly<Record<string, string>> = {
  Nbthread: 'nbthread', Nbproc: 'nbproc', Process_num: 'relative_process_id', Uptime_sec: 'uptime_seconds',
  Start_time_sec: 'start_time_seconds', Memmax_bytes: 'max_memory_bytes', PoolAlloc_bytes: 'pool_allocated_bytes',
  PoolUsed_bytes: 'pool_used_bytes', PoolFailed: 'pool_failures_total', 'Ulimit-n': 'max_fds', Maxsock: 'max_sockets',
  Maxconn: 'max_connections', Hard_maxconn: 'hard_max_connections', CurrConns: 'current_connections',
  CumConns: 'connections_total', CumReq: 'requests_total', MaxSslConns: 'max_ssl_connections',
  CurrSslConns: 'current_ssl_connections', CumSslConns: 'ssl_connections_total', Maxpipes: 'max_pipes',
  PipesUsed: 'pipes_used_total', PipesFree: 'pipes_free_total', ConnRate: 'current_connection_rate',
  ConnRateLimit: 'limit_connection_rate', MaxConnRate: 'max_connection_rate', SessRate: 'current_session_rate',
  SessRateLimit: 'limit_session_rate', MaxSessRate: 'max_session_rate', SslRate: 'current_ssl_rate',
  SslRateLimit: 'limit_ssl_rate', MaxSslRate: 'max_ssl_rate', SslFrontendKeyRate: 'current_frontend_ssl_key_rate',
  SslFrontendMaxKeyRate: 'max_frontend_ssl_key_rate', SslFrontendSessionReuse_pct: 'frontend_ssl_reuse',
  SslBackendKeyRate: 'current_backend_ssl_key_rate', SslBackendMaxKeyRate: 'max_backend_ssl_key_rate',
  SslCacheLookups: 'ssl_cache_lookups_total', SslCacheMisses: 'ssl_cache_misses_total',
  CompressBpsIn: 'http_comp_bytes_in_total', CompressBpsOut: 'http_comp_bytes_out_total',
  CompressBpsRateLim: 'limit_http_comp', Tasks: 'current_tasks', Run_queue: 'current_run_queue',
  Idle_pct: 'idle_time_percent', Stopping: 'stopping', Jobs: 'jobs', 'Unstoppable Jobs': 'unstoppable_jobs',
  Listeners: 'listeners', ActivePeers: 'active_peers', ConnectedPeers: 'connected_peers',
  DroppedLogs: 'dropped_logs_total', BusyPolling: 'busy_polling_enabled', FailedResolutions: 'failed_resolutions',
  TotalBytesOut: 'bytes_out_total', TotalSplicdedBytesOut: 'spliced_bytes_out_total', BytesOutRate: 'bytes_out_rate',
  CumRecvLogs: 'recv_logs_total', 'Build info': 'build_info',
};

/** Values of every printed field, computed once per dump. */
export function infoValues(i: Instance, now = Date.now()): { field: InfoField; value: string | number }[] {
  const out: { field: InfoField; value: string | number }[] = [];
  for (const field of INFO_FIELDS) {
    const value = field.get(i, now);
    if (value !== undefined) out.push({ field, value });
  }
  return out;
}

/** `show info` (`Key: value` lines), or with `desc` `Key: value:"description"`. */
export function renderInfo(i: Instance, withDesc = false, now = Date.now()): string {
  return infoValues(i, now).map(({ field, value }) => `${field.name}: ${value}${withDesc ? `:"${field.desc}"` : ''}\n`).join('');
}

/** `show info typed`: `<pos>.<name>.1:<tags>:<type>:<value>`. */
export function renderInfoTyped(i: Instance, withDesc = false, now = Date.now()): string {
  return infoValues(i, now).map(({ field, value }) => `${field.pos}.${field.name}.1:${field.tags}:${field.type}:${value}${withDesc ? `:"${field.desc}"` : ''}\n`).join('');
}

/** `show info json`: one array of field objects. */
export function renderInfoJson(i: Instance, now = Date.now()): string {
  const parts = infoValues(i, now).map(({ field, value }) => {
    const t = jsonTags(field.tags);
    return `{"field":{"pos":${field.pos},"name":"${field.name}"},"processNum":1,"tags":{"origin":"${t.origin}","nature":"${t.nature}","scope":"${t.scope}"},"value":${jsonValue(field.type, value)}}`;
  });
  return `[${parts.join(',')}]\n`;
}
