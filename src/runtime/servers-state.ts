/**
 * `show servers state [be]` and `show servers conn [be]` (HAProxy server.c / proxy.c dumps).
 * hapc parses these by column name (srv_op_state, srv_admin_state, srv_name, used_cur), so
 * the headers are kept exactly as 2.6.12 prints them.
 */

import { registerCliCommands, type CliContext } from './registry';
import { cliHelp } from './usage';
import type { Proxy } from '../proxy/proxy';
import type { Server, CheckView } from '../proxy/server';

export const SERVERS_STATE_HEADER = '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port';

/** HAProxy's numeric check status (enum healthcheck_status, with its START/CHECKED/L57DATA markers). */
const CHECK_STATUS_CODE: Record<string, number> = {
  UNK: 0, INI: 1, HANA: 4, SOCKERR: 5, L4OK: 6, L4TOUT: 7, L4CON: 8, L6OK: 9, L6TOUT: 10, L6RSP: 11,
  L7TOUT: 12, L7RSP: 13, L7OK: 15, L7OKC: 16, L7STS: 17, PROCERR: 18, PROCTOUT: 19, PROCOK: 20,
};

/** CHK_RES_*: unknown 0, neutral 1, failed 2, passed 3, condpass 4. */
function checkResult(c: CheckView | undefined): number {
  if (!c) return 0;
  const s = c.status;
  if (s === 'UNK' || s === 'INI' || s === '') return 0;
  if (s === 'L7OKC') return 4;
  if (s.endsWith('OK')) return 3;
  return 2;
}

/** CHK_ST_* bits: INPROGRESS 1, CONFIGURED 2, ENABLED 4, PAUSED 8, AGENT 0x10. */
function checkState(srv: Server, c: CheckView | undefined, agent: boolean): number {
  if (!c) return srv.cfg.disabled && !agent ? 8 : 0;
  let st = 2;
  if (c.enabled) st |= 4;
  if (c.running) st |= 1;
  if (srv.inMaint) st |= 8;
  if (agent) st |= 0x10;
  return st;
}

function opt(s: Server, name: string): string | number | boolean | string[] | undefined { return s.cfg.options[name]; }

/** One data line of `show servers state`. */
export function serverStateLine(px: Proxy, s: Server, now = Date.now()): string {
  const c = s.check;
  const health = c ? c.health : s.isRunning ? s.cfg.rise : 0;
  const fqdn = s.cfg.address?.family === 'hostname' ? s.cfg.address.host : '-';
  const useSsl = opt(s, 'ssl') === true ? 1 : 0;
  const agentAddr = opt(s, 'agent-addr');
  const agentPort = opt(s, 'agent-port');
  return [
    px.id, px.name, s.id, s.name, s.host || '-', s.opState, s.adminState, s.uweight, s.iweight,
    s.secondsSinceChange(now), c ? CHECK_STATUS_CODE[c.status] ?? 0 : 1, checkResult(c), health,
    checkState(s, c, false), s.agent ? checkState(s, s.agent, true) : 0, px.cfg.id ? 1 : 0, s.cfg.id ? 1 : 0,
    fqdn, s.port, '-', useSsl, s.cfg.checkPort ?? 0, s.cfg.checkAddr ?? '-',
    typeof agentAddr === 'string' ? agentAddr : '-', typeof agentPort === 'number' ? agentPort : 0,
  ].join(' ');
}

/** Backends selected by an optional name argument, or the error answer. */
function backends(ctx: CliContext): Proxy[] | string {
  const name = ctx.args[3];
  if (name === undefined) return ctx.instance.proxies.filter((p) => p.isBackend);
  const be = ctx.instance.findBackend(name);
  return be ? [be] : "Can't find backend.\n";
}

/** `show servers state [be]`: version line `1`, header, then one line per server. */
export function renderServersState(list: Proxy[], now = Date.now()): string {
  let out = `1\n${SERVERS_STATE_HEADER}\n`;
  for (const px of list) for (const s of px.servers) out += serverStateLine(px, s, now) + '\n';
  return out;
}

/**
 * `show servers conn [be]`: per server, connection pool figures. Fulcrum runs one thread,
 * hence one `idle_per_thr` column.
 */
export function renderServersConn(list: Proxy[]): string {
  let out = '# bkname/svname bkid/svid addr port - purge_delay used_cur used_max need_est unsafe_nb safe_nb idle_lim idle_cur idle_per_thr[1]\n';
  for (const px of list) {
    for (const s of px.servers) {
      out += `${px.name}/${s.name} ${px.id}/${s.id} ${s.host} ${s.port} - 5000 ${s.curConns} ${s.counters.max} ${s.curConns} 0 0 -1 0 0\n`;
    }
  }
  return out;
}

registerCliCommands([
  {
    words: ['show', 'servers', 'state'], level: 'user',
    help: cliHelp('show servers state [<backend>]', 'dump volatile server information (all or for a single backend)'),
    handler: (ctx) => {
      const list = backends(ctx);
      return typeof list === 'string' ? list : renderServersState(list);
    },
  },
  {
    words: ['show', 'servers', 'conn'], level: 'user',
    help: cliHelp('show servers conn [<backend>]', 'dump server connections status (all or for a single backend)'),
    handler: (ctx) => {
      const list = backends(ctx);
      return typeof list === 'string' ? list : renderServersConn(list);
    },
  },
]);
