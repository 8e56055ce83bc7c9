/**
 * The HTML stats page (`stats uri`), laid out like HAProxy 2.6's: process information, the
 * legend, display options, then one table per proxy with the Queue / Session rate /
 * Sessions / Bytes / Denied / Errors / Warnings / Server column groups and HAProxy's row
 * classes (active_up, backup_down, maintain ...). Every cell reads the stat column table
 * (stats/columns.ts) by column name; no counter is read directly here. The HTTP side
 * (auth, `;csv`, `;up`, admin POSTs) belongs to the page handler, which calls this.
 */

import type { Instance } from '../process/instance';
import { COLUMN_BY_NAME, columnValue, type StatRow, type StatValue } from './columns';
import { statRows, ALL_ROWS } from './rows';
import { infoValues } from './info';
import { PRODUCT_NAME, PRODUCT_VERSION, RELEASE_DATE } from '../runtime/version';

export interface StatsPageOptions {
  /** The page's URI prefix (links to `;csv`, `;up` ...). */
  uri: string;
  /** Refresh delay in seconds (meta refresh), 0/undefined = none. */
  refreshSec?: number;
  hideVersion?: boolean;
  /** Show server addresses and algorithms (`stats show-legends`). */
  showLegends?: boolean;
  /** Node name to show (`stats show-node`). */
  node?: string;
  /** Description to show (`stats show-desc`). */
  desc?: string;
  /** Proxy names to show; empty/undefined = all (`stats scope`, `?scope=`). */
  scope?: string[];
  /** `;up`: hide servers that are not UP. */
  upOnly?: boolean;
  /** `stats admin` allowed: checkboxes and the action form on backends with servers. */
  admin?: boolean;
  /** `;st=CODE`: the result of the last admin action, shown above the tables. */
  status?: string;
  /** `;norefresh` is in effect (kept in the page's links). */
  norefresh?: boolean;
  /** The `scope=` value typed in the page's scope box. */
  scopeInput?: string;
}

/** The admin form's actions and labels, in HAProxy 2.6's order. */
export const ADMIN_FORM_ACTIONS: readonly [string, string][] = [
  ['ready', 'Set state to READY'], ['drain', 'Set state to DRAIN'], ['maint', 'Set state to MAINT'],
  ['dhlth', 'Health: disable checks'], ['ehlth', 'Health: enable checks'], ['hrunn', 'Health: force UP'],
  ['hnolb', 'Health: force NOLB'], ['hdown', 'Health: force DOWN'], ['dagent', 'Agent: disable checks'],
  ['eagent', 'Agent: enable checks'], ['arunn', 'Agent: force UP'], ['adown', 'Agent: force DOWN'],
  ['shutdown', 'Kill Sessions'],
];

/** `;st=` codes: CSS class and message, as the 2.6 page shows them. */
const STATUS_MESSAGES: Record<string, [string, string]> = {
  DONE: ['active_up', 'Action processed successfully.'],
  NONE: ['active_going_down', 'Nothing has changed.'],
  PART: ['active_going_down', 'Action partially processed.<br>Some server names are probably unknown or ambiguous (duplicated names in the backend).'],
  ERRP: ['active_down', 'Action not processed because of invalid parameters.<ul><li>The action is maybe unknown.</li><li>Invalid key parameter (empty or too long).</li><li>The backend name is probably unknown or ambiguous (duplicated names).</li><li>Some server names are probably unknown or ambiguous (duplicated names in the backend).</li></ul>'],
  EXCD: ['active_down', "<b>Action not processed : the buffer couldn't store all the data.<br>You should retry with less servers at a time.</b>"],
  DENY: ['active_down', '<b>Action denied.</b>'],
};

/** HTML escaping for text and attribute values. */
export function html(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

const v = (row: StatRow, name: string): StatValue => columnValue(COLUMN_BY_NAME.get(name)!, row);

function cell(x: StatValue, dash = false): string {
  return `<td>${x === undefined ? (dash ? '-' : '') : html(String(x))}</td>`;
}

/** HAProxy's short durations for lastchg / lastsess / downtime: `1d2h`, `3h4m`, `5m6s`, `7s`. */
function human(sec: StatValue): string {
  if (typeof sec !== 'number' || sec < 0) return '';
  const d = Math.floor(sec / 86400), h = Math.floor((sec % 86400) / 3600), m = Math.floor((sec % 3600) / 60), s = sec % 60;
  if (d) return `${d}d${h}h`;
  if (h) return `${h}h${m}m`;
  if (m) return `${m}m${s}s`;
  return `${s}s`;
}

/** Row class as HAProxy's stats page names it, from the status and backup flag. */
function rowClass(row: StatRow): string {
  if (row.kind === 'F') return 'frontend';
  if (row.kind === 'B') return 'backend';
  const status = String(v(row, 'status') ?? '');
  const who = row.server!.isBackup ? 'backup' : 'active';
  if (status.startsWith('MAINT')) return 'maintain';
  if (status === 'DRAIN' || status === 'NOLB') return `${who}_draining`;
  if (status === 'no check') return `${who}_no_check`;
  if (status.startsWith('UP ')) return `${who}_going_down`;
  if (status.startsWith('DOWN ')) return `${who}_going_up`;
  return status === 'UP' ? `${who}_up` : `${who}_down`;
}

const HEAD1 = '<tr class="titre"><th rowspan=2></th><th colspan=3>Queue</th><th colspan=3>Session rate</th><th colspan=6>Sessions</th><th colspan=2>Bytes</th><th colspan=2>Denied</th><th colspan=3>Errors</th><th colspan=2>Warnings</th><th colspan=9>Server</th></tr>';
const HEAD2 = '<tr class="titre">' + ['Cur', 'Max', 'Limit', 'Cur', 'Max', 'Limit', 'Cur', 'Max', 'Limit', 'Total', 'LbTot', 'Last', 'In', 'Out', 'Req', 'Resp', 'Req', 'Conn', 'Resp', 'Retr', 'Redis', 'Status', 'LastChk', 'Wght', 'Act', 'Bck', 'Chk', 'Dwn', 'Dwntme', 'Thrtle'].map((h) => `<th>${h}</th>`).join('') + '</tr>';

function rowHtml(row: StatRow, opts: StatsPageOptions, form: boolean): string {
  const px = row.proxy.name;
  const kind = row.kind;
  const label = kind === 'F' ? 'Frontend' : kind === 'B' ? 'Backend' : row.server!.name;
  const anchor = `${px}/${label}`;
  let tip = '';
  if (kind === 'S' && opts.showLegends) tip = `<div class=tips>${html(String(v(row, 'addr') ?? ''))}, id: ${row.server!.id}</div>`;
  if (kind === 'B' && opts.showLegends) tip = `<div class=tips>balancing: ${html(String(v(row, 'algo') ?? ''))}</div>`;
  const anchorTag = `<a name="${html(anchor)}"></a>`;
  const link = `<a class=lfsb href="#${html(anchor)}">${html(label)}</a>`;
  let out = `<tr class="${rowClass(row)}">`;
  if (opts.admin) out += form && kind === 'S' ? `<td><input class='${html(px)}-checkbox' type="checkbox" name="s" value="${html(row.server!.name)}"></td>` : '<td></td>';
  // As 2.6: a server's anchor sits before the tooltip's <u>, a backend's inside it.
  out += `<td class=ac>${!tip ? anchorTag + link : kind === 'S' ? `${anchorTag}<u>${link}${tip}</u>` : `<u>${anchorTag}${link}${tip}</u>`}</td>`;
  // Queue: no limit column value on backends, '-' for an unlimited server queue.
  out += kind === 'F' ? '<td colspan=3></td>' : cell(v(row, 'qcur')) + cell(v(row, 'qmax')) + cell(v(row, 'qlimit'), kind === 'S');
  out += cell(v(row, 'rate')) + cell(v(row, 'rate_max')) + (kind === 'F' && !v(row, 'rate_lim') ? '<td>-</td>' : cell(v(row, 'rate_lim')));
  out += cell(v(row, 'scur')) + cell(v(row, 'smax')) + cell(v(row, 'slim'), true) + cell(v(row, 'stot')) + cell(v(row, 'lbtot'));
  // Last session: '?' when there was none yet (2.6 prints it so).
  const lastsess = v(row, 'lastsess');
  out += kind === 'F' ? '<td></td>' : `<td>${typeof lastsess === 'number' && lastsess >= 0 ? human(lastsess) : '?'}</td>`;
  out += cell(v(row, 'bin')) + cell(v(row, 'bout')) + cell(v(row, 'dreq')) + cell(v(row, 'dresp'));
  out += cell(v(row, 'ereq')) + cell(v(row, 'econ')) + cell(v(row, 'eresp')) + cell(v(row, 'wretr')) + cell(v(row, 'wredis'));
  const status = v(row, 'status');
  const lastchg = v(row, 'lastchg');
  out += status === 'no check' ? '<td class=ac><i>no check</i></td>' : `<td class=ac>${lastchg !== undefined ? `${human(lastchg)} ` : ''}${html(String(status ?? ''))}</td>`;
  if (kind === 'F') return out + '<td class=ac colspan=8></td></tr>\n';
  const chk = v(row, 'check_status');
  if (kind === 'B') out += '<td class=ac>&nbsp;</td>';
  else if (chk === undefined) out += '<td></td>';
  else {
    const desc = [v(row, 'check_desc'), v(row, 'last_chk')].filter((x) => x !== undefined && x !== '').map(String).join(': ');
    const dur = v(row, 'check_duration');
    out += `<td class=ac><u> ${html(String(chk))}${dur !== undefined ? ` in ${dur}ms` : ''}${desc ? `<div class=tips>${html(desc)}</div>` : ''}</u></td>`;
  }
  out += `<td class=ac>${v(row, 'weight') ?? 0}/${v(row, 'uweight') ?? 0}</td>`;
  if (kind === 'S') {
    out += `<td class=ac>${v(row, 'act') ? 'Y' : '-'}</td><td class=ac>${v(row, 'bck') ? 'Y' : '-'}</td>`;
    out += chk === undefined ? '<td colspan=3></td>' : cell(v(row, 'chkfail')) + cell(v(row, 'chkdown')) + `<td>${human(v(row, 'downtime'))}</td>`;
    const thr = v(row, 'throttle');
    return out + `<td class=ac>${thr === undefined ? '-' : `${thr} %`}</td></tr>\n`;
  }
  const downtime = v(row, 'downtime');
  out += `<td class=ac>${v(row, 'act') ?? ''}</td><td class=ac>${v(row, 'bck') ?? ''}</td><td class=ac>&nbsp;</td>` + cell(v(row, 'chkdown'));
  out += `<td>${downtime === undefined ? '&nbsp;' : human(downtime)}</td><td></td>`;
  return out + '</tr>\n';
}

const LEGEND = `<td align="center" nowrap>
<table class="lgd"><tr>
<td class="active_up">&nbsp;</td><td class="noborder">active UP </td><td class="backup_up">&nbsp;</td><td class="noborder">backup UP </td></tr><tr>
<td class="active_going_down"></td><td class="noborder">active UP, going down </td><td class="backup_going_down"></td><td class="noborder">backup UP, going down </td></tr><tr>
<td class="active_going_up"></td><td class="noborder">active DOWN, going up </td><td class="backup_going_up"></td><td class="noborder">backup DOWN, going up </td></tr><tr>
<td class="active_down"></td><td class="noborder">active or backup DOWN &nbsp;</td><td class="active_no_check"></td><td class="noborder">not checked </td></tr><tr>
<td class="maintain"></td><td class="noborder" colspan="3">active or backup DOWN for maintenance (MAINT) &nbsp;</td></tr><tr>
<td class="active_draining"></td><td class="noborder" colspan="3">active or backup SOFT STOPPED for maintenance &nbsp;</td></tr></table>
Note: "NOLB"/"DRAIN" = UP with load-balancing disabled.</td>`;

const STYLE = `table.lgd { border-collapse: collapse; border-width: 1px; border-style: none none none solid; border-color: black; }
table.lgd td { border-width: 1px; border-style: solid solid solid solid; border-color: gray; padding: 2px; }
table.lgd td.noborder { border-style: none; padding: 2px; white-space: nowrap; }
body { font-family: arial, helvetica, sans-serif; font-size: 12px; font-weight: normal; color: black; background: white; }
th, td { font-size: 10px; }
h1 { font-size: x-large; margin-bottom: 0.5em; }
h2 { font-family: helvetica, arial; font-size: x-large; font-weight: bold; font-style: italic; color: #6020a0; margin-top: 0; margin-bottom: 0; }
h3 { font-family: helvetica, arial; font-size: 16px; font-weight: bold; color: #b00040; background: #e8e8d0; margin-top: 0; margin-bottom: 0.5em; }
table.tbl { border-collapse: collapse; border-style: none; }
table.tbl td { text-align: right; border-width: 1px 1px 1px 1px; border-style: solid solid solid solid; padding: 2px 3px; border-color: gray; white-space: nowrap; }
table.tbl td.ac { text-align: center; }
table.tbl th { border-width: 1px; border-style: solid solid solid solid; border-color: gray; }
table.tbl th.pxname { background: #b00040; color: #ffff40; font-weight: bold; border-style: solid solid none solid; padding: 2px 3px; white-space: nowrap; }
table.tbl th.empty { border-style: none; empty-cells: hide; background: white; }
table.tbl th.desc { background: white; border-style: solid solid none solid; text-align: left; padding: 2px 3px; }
.titre { background: #20D0D0; color: #000000; font-weight: bold; text-align: center; }
.frontend { background: #e8e8d0; }
.socket { background: #d0d0d0; }
.backend { background: #e8e8d0; }
.active_down { background: #ff9090; }
.active_going_up { background: #ffd020; }
.active_going_down { background: #ffffa0; }
.active_up { background: #c0ffc0; }
.active_nolb, .active_draining { background: #20a0ff; }
.active_no_check { background: #e0e0e0; }
.backup_down { background: #ff9090; }
.backup_going_up { background: #ff80ff; }
.backup_going_down { background: #c060ff; }
.backup_up { background: #b0d0ff; }
.backup_nolb, .backup_draining { background: #90b0e0; }
.backup_no_check { background: #e0e0e0; }
.maintain { background: #c07820; }
a.px:link, a.px:visited { color: #ffff40; text-decoration: none; }
a.lfsb:link, a.lfsb:visited { color: #000000; text-decoration: none; }
div.tips { display: none; }
u:hover div.tips { display: block; position: absolute; background: #ffffe0; border: solid 1px gray; padding: 2px; }`;

/** Renders the whole page. */
export function renderStatsPage(instance: Instance, opts: StatsPageOptions, now = Date.now()): string {
  const info = new Map(infoValues(instance, now).map(({ field, value }) => [field.name, value]));
  const on = opts.node ? ` on ${html(opts.node)}` : '';
  const title = `Statistics Report for ${opts.hideVersion ? PRODUCT_NAME : `pid ${instance.pid}`}${on}`;
  let out = '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">\n';
  out += `<html><head><title>${title}</title>\n<meta http-equiv="content-type" content="text/html; charset=iso-8859-1">\n`;
  // The refresh delay goes in a `refresh:` response header (web.ts), as HAProxy sends it.
  if (opts.refreshSec) out += `<meta http-equiv="refresh" content="${opts.refreshSec}">\n`;
  out += `<style type="text/css"><!--\n${STYLE}\n--></style></head>\n`;
  out += opts.hideVersion ? `<body><h1>${PRODUCT_NAME}</h1>\n` : `<body><h1>${PRODUCT_NAME} version ${PRODUCT_VERSION}, released ${RELEASE_DATE}</h1>\n`;
  out += `<h2>Statistics Report for pid ${instance.pid}${on}</h2>\n`;
  if (opts.desc) out += `<h2>${html(opts.desc)}</h2>\n`;
  out += '<hr width="100%" class="hr">\n<h3>&gt; General process information</h3>\n';
  out += '<table border=0><tr><td align="left" nowrap width="1%">\n';
  out += `<p><b>pid = </b> ${instance.pid} (process #1, nbproc = 1, nbthread = 1)<br>\n`;
  out += `<b>uptime = </b> ${info.get('Uptime')}<br>\n`;
  out += `<b>system limits:</b> memmax = unlimited; ulimit-n = ${info.get('Ulimit-n')}<br>\n`;
  out += `<b>maxsock = </b> ${info.get('Maxsock')}; <b>maxconn = </b> ${info.get('Maxconn')}; <b>maxpipes = </b> 0<br>\n`;
  out += `current conns = ${info.get('CurrConns')}; current pipes = 0/0; conn rate = ${info.get('ConnRate')}/sec; bit rate = 0.000 kbps<br>\n`;
  out += `Running tasks: ${info.get('Run_queue')}/${info.get('Tasks')}; idle = ${info.get('Idle_pct')} %<br>\n</td>`;
  out += LEGEND;
  out += `<td align="left" valign="top" nowrap width="1%"><b>Display option:</b><ul style="margin-top: 0.25em;">`;
  const u = html(opts.uri);
  const nr = opts.norefresh ? ';norefresh' : '';
  out += `<li><form method="GET">Scope : <input value="${html(opts.scopeInput ?? '')}" name="scope" size="8" maxlength="20" tabindex="1"/></form>\n`;
  out += opts.upOnly ? `<li><a href="${u}${nr}">Show all servers</a><br>\n` : `<li><a href="${u};up${nr}">Hide 'DOWN' servers</a><br>\n`;
  out += opts.norefresh ? `<li><a href="${u}${opts.upOnly ? ';up' : ''}">Enable refresh</a><br>\n` : `<li><a href="${u}${opts.upOnly ? ';up' : ''};norefresh">Disable refresh</a><br>\n`;
  out += `<li><a href="${u}${opts.upOnly ? ';up' : ''}${nr}">Refresh now</a><br>\n`;
  out += `<li><a href="${u};csv;norefresh">CSV export</a><br>\n<li><a href="${u};json;norefresh">JSON export</a><br>\n</ul></td></tr></table>\n`;

  const msg = opts.status !== undefined ? STATUS_MESSAGES[opts.status] ?? ['active_no_check', 'Unexpected result.'] : undefined;
  if (msg) out += `<p><div class=${msg[0]}><a class=lfsb href="${u}${nr}" title="Remove this message">[X]</a> ${msg[1]}</div>\n`;
  const scope = opts.scope && opts.scope.length > 0 ? new Set(opts.scope) : undefined;
  const rows = statRows(instance, { ...ALL_ROWS, upOnly: !!opts.upOnly, legends: !!opts.showLegends }, now);
  for (const px of instance.proxies) {
    if (scope && !scope.has(px.name)) continue;
    const cap = px.cfg.cap === 'listen' ? 'proxy' : px.cfg.cap;
    const form = !!opts.admin && px.isBackend && px.servers.length > 0;
    out += `${form ? '<form method="post">' : ''}<table class="tbl" width="100%">\n`;
    out += `<tr class="titre"><th class="pxname" width="10%"><a name="${html(px.name)}"></a><a class=px href="#${html(px.name)}">${html(px.name)}</a><div class=tips>cap: ${cap}, mode: ${px.mode}, id: ${px.id}</div></th><th class="empty" width="90%"></th></tr>\n</table>\n`;
    const pxn = html(px.name);
    const adminTh = !opts.admin ? '' : form
      ? `<th rowspan=2 width=1><input type="checkbox" onclick="for(c in document.getElementsByClassName('${pxn}-checkbox')) document.getElementsByClassName('${pxn}-checkbox').item(c).checked = this.checked"></th>`
      : '<th rowspan=2></th>';
    out += `<table class="tbl" width="100%">\n${HEAD1.replace('<tr class="titre">', `<tr class="titre">${adminTh}`)}\n${HEAD2}\n`;
    for (const row of rows) if (row.proxy === px) out += rowHtml(row, opts, form);
    out += '</table>';
    if (form) {
      out += 'Choose the action to perform on the checked servers : <select name=action><option value=""></option>';
      for (const [a, label] of ADMIN_FORM_ACTIONS) out += `<option value="${a}">${label}</option>`;
      // Beyond 2.6: "Set weight" with a value box (POSTs action=weight&weight=N, N or N%).
      out += `<option value="weight">Set weight to</option></select>&nbsp;<input type="text" name="weight" size="4" maxlength="6" placeholder="weight"><input type="hidden" name="b" value="#${px.id}">&nbsp;<input type="submit" value="Apply"></form>`;
    }
    out += '<p>\n';
  }
  return out + '</body></html>\n';
}
