/**
 * Health-check configuration keywords (HAProxy 2.6 configuration.txt §4.2 and §5.2):
 * `option httpchk|pgsql-check|redis-check|mysql-check|smtpchk|ldap-check|ssl-hello-chk|
 * tcp-check`, the `http-check` and `tcp-check` families, and the check-related server
 * keywords (agent-*, check-ssl, check-send-proxy, check-sni, on-marked-down/up, on-error,
 * observe, error-limit). `check`, `inter`, `fastinter`, `downinter`, `rise`, `fall`, `port`
 * and `addr` belong to proxy/keywords.ts. Importing this module also registers every
 * protocol, the `checks` service and the CLI commands of checks/.
 */

import { registerFamily, registerServerKeywords, BACKEND_SECTIONS, type KeywordContext, type ParamContext, type SectionKeyword, type ServerKeyword } from '../config/registry';
import { registerPostCheck } from '../config/validate';
import { isBackend } from '../config/model';
import { parseTime } from '../config/units';
import { checksOf } from './config';
import { parseTcpCheck } from './tcp';
import { parseHttpCheck, parseHttpchkArgs } from './http';
import './pgsql';
import './redis';
import './mysql';
import './smtp';
import './ldap';
import './ssl-hello';
import './agent';
import './service';
import './commands';

/** `option <name> [args]`: selects the proxy's check type (the last one wins). */
function checkOption(name: string, validate?: (ctx: KeywordContext, args: string[]) => boolean): SectionKeyword {
  return {
    name, sections: BACKEND_SECTIONS, negatable: true,
    parse(ctx) {
      const c = checksOf(ctx.proxy!);
      if (ctx.negated || ctx.reset) {
        if (c.type === name) { c.type = ''; c.args = []; }
        return;
      }
      const args = ctx.args.slice(2);
      if (validate && !validate(ctx, args)) return;
      c.type = name;
      c.args = args;
      if (name === 'httpchk') c.httpchk = parseHttpchkArgs(args);
    },
  };
}

registerFamily('option', [
  checkOption('httpchk', (ctx, a) => {
    if (a.length > 3) { ctx.error(`'option httpchk' cannot handle unexpected argument '${a[3]}'.`); return false; }
    return true;
  }),
  checkOption('tcp-check'),
  checkOption('pgsql-check', (ctx, a) => {
    if (a[0] !== 'user' || a[1] === undefined) {
      ctx.error(`'option pgsql-check' expects 'user <username>' as argument.`);
      return false;
    }
    return true;
  }),
  checkOption('redis-check'),
  checkOption('mysql-check', (ctx, a) => {
    if (a.length === 0) return true;
    if (a[0] !== 'user') { ctx.error(`'option mysql-check' only supports optional values: 'user' (got '${a[0]}').`); return false; }
    if (a[1] === undefined) { ctx.error(`'option mysql-check' expects 'user <username>' as argument.`); return false; }
    if (a[2] !== undefined && a[2] !== 'post-41' && a[2] !== 'pre-41') {
      ctx.error(`keyword 'user' only supports 'post-41' and 'pre-41' (got '${a[2]}').`);
      return false;
    }
    return true;
  }),
  checkOption('smtpchk'),
  checkOption('ldap-check'),
  checkOption('ssl-hello-chk'),
]);

const TCP_CHECK_ACTIONS = ['comment', 'connect', 'send', 'send-lf', 'send-binary', 'send-binary-lf', 'expect'];
const HTTP_CHECK_ACTIONS = ['comment', 'connect', 'send', 'expect', 'disable-on-404', 'send-state'];

registerFamily('tcp-check', [
  ...TCP_CHECK_ACTIONS.map((action): SectionKeyword => ({
    name: action, sections: BACKEND_SECTIONS,
    parse(ctx) {
      const r = parseTcpCheck(ctx.args.slice(1));
      if ('error' in r && r.error !== undefined) { ctx.error(r.error); return; }
      if ('rule' in r && r.rule) checksOf(ctx.proxy!).tcpRules.push(r.rule);
    },
  })),
  ...['set-var', 'unset-var'].map((action): SectionKeyword => ({
    name: action, sections: BACKEND_SECTIONS,
    parse(ctx) { ctx.warning(`'tcp-check ${action}' is not supported by Fulcrum yet; the rule is ignored.`); },
  })),
]);

registerFamily('http-check', [
  ...HTTP_CHECK_ACTIONS.map((action): SectionKeyword => ({
    name: action, sections: BACKEND_SECTIONS,
    parse(ctx) {
      const r = parseHttpCheck(ctx.args.slice(1));
      const c = checksOf(ctx.proxy!);
      if ('flag' in r) {
        if (r.flag === 'disable-on-404') c.disableOn404 = true; else c.sendState = true;
        return;
      }
      if (r.error !== undefined) { ctx.error(r.error); return; }
      c.httpRules.push(r.rule);
    },
  })),
  ...['set-var', 'unset-var'].map((action): SectionKeyword => ({
    name: action, sections: BACKEND_SECTIONS,
    parse(ctx) { ctx.warning(`'http-check ${action}' is not supported by Fulcrum yet; the rule is ignored.`); },
  })),
]);

// ---------------------------------------------------------------------------------------
// Server keywords (stored in ServerConfig.options under their own names)
// ---------------------------------------------------------------------------------------

/** HAProxy's prefix of server keyword errors: `'server be/srv' : ` (printed `[file:line] : ...`). */
function where(s: { name: string }, c: ParamContext): string {
  return c.isDefaultServer ? `'default-server'` : `'server ${c.proxy.name}/${s.name}'`;
}

function flag(name: string, value: boolean, key = name.replace(/^no-/, '')): ServerKeyword {
  return { name, argCount: 0, defaultServerOk: true, parse: (s) => { s.options[key] = value; } };
}

function timeKw(name: string): ServerKeyword {
  return {
    name, argCount: 1, defaultServerOk: true,
    parse(s, a, c) {
      const r = parseTime(a[0]);
      if (r.error !== undefined) { c.error(`${where(s, c)} : '${name}' : ${r.error}.`, 'bare'); return; }
      if (r.value === 0) { c.error(`${where(s, c)} : invalid value 0 for argument '${name}' of server ${s.name}..`, 'bare'); return; }
      s.options[name] = r.value;
    },
  };
}

function choiceKw(name: string, choices: string[], expects: string): ServerKeyword {
  return {
    name, argCount: 1, defaultServerOk: true,
    parse(s, a, c) {
      if (!choices.includes(a[0])) { c.error(`${where(s, c)} : '${name}' expects ${expects} but got '${a[0]}'.`, 'bare'); return; }
      s.options[name] = a[0];
    },
  };
}

registerServerKeywords([
  {
    name: 'agent-check', argCount: 0, defaultServerOk: true,
    parse(s, _a, c) {
      // HAProxy checks this when the server line is parsed: the port may come later on it.
      const later = c.args.includes('agent-port');
      if (!c.isDefaultServer && !later && !s.options['agent-port']) {
        c.error(`${where(s, c)} : server ${s.name} does not have agent port. Agent check has been disabled.`, 'bare');
        return;
      }
      s.options['agent-check'] = true;
    },
  },
  flag('no-agent-check', false),
  {
    name: 'agent-port', argCount: 1, defaultServerOk: true,
    parse(s, a, c) {
      // HAProxy reads it with atoi(): no error for junk (the agent then has no port).
      const n = Number.parseInt(a[0], 10);
      s.options['agent-port'] = Number.isFinite(n) && n > 0 && n <= 65535 ? n : 0;
    },
  },
  timeKw('agent-inter'),
  { name: 'agent-send', argCount: 1, defaultServerOk: true, parse: (s, a) => { s.options['agent-send'] = a[0]; } },
  {
    name: 'agent-addr', argCount: 1, defaultServerOk: true,
    parse(s, a, c) {
      if (!/^[0-9.]+$|:/.test(a[0])) { c.error(`${where(s, c)} : parsing agent-addr failed. Check if '${a[0]}' is correct address..`, 'bare'); return; }
      s.options['agent-addr'] = a[0];
    },
  },
  flag('check-send-proxy', true),
  flag('no-check-send-proxy', false),
  flag('check-ssl', true),
  flag('no-check-ssl', false),
  { name: 'check-sni', argCount: 1, defaultServerOk: true, parse: (s, a) => { s.options['check-sni'] = a[0]; } },
  { name: 'check-alpn', argCount: 1, defaultServerOk: true, parse: (s, a) => { s.options['check-alpn'] = a[0]; } },
  { name: 'check-proto', argCount: 1, defaultServerOk: true, parse: (s, a) => { s.options['check-proto'] = a[0]; } },
  flag('check-via-socks4', true),
  choiceKw('on-marked-down', ['shutdown-sessions'], "'shutdown-sessions'"),
  choiceKw('on-marked-up', ['shutdown-backup-sessions'], "'shutdown-backup-sessions'"),
  choiceKw('on-error', ['fastinter', 'fail-check', 'sudden-death', 'mark-down'], "one of 'fastinter', 'fail-check', 'sudden-death' or 'mark-down'"),
  {
    ...choiceKw('observe', ['none', 'layer4', 'layer7'], "one of 'none', 'layer4', 'layer7'"),
    parse(s, a, c) {
      if (!['none', 'layer4', 'layer7'].includes(a[0])) {
        c.error(`${where(s, c)} : 'observe' expects one of 'none', 'layer4', 'layer7' but got '${a[0]}'.`, 'bare');
        return;
      }
      if (a[0] === 'layer7' && c.proxy.mode !== 'http') {
        c.error(`${where(s, c)} : 'layer7' can only be used in http proxies..`, 'bare');
        return;
      }
      if (a[0] === 'none') delete s.options.observe;
      else s.options.observe = a[0];
    },
  },
  {
    name: 'error-limit', argCount: 1, defaultServerOk: true,
    parse(s, a, c) {
      const n = Number.parseInt(a[0], 10);
      if (!(n > 0)) { c.error(`${where(s, c)} : error-limit has to be > 0..`, 'bare'); return; }
      s.options['error-limit'] = n;
    },
  },
]);

// ---------------------------------------------------------------------------------------
// Post-checks (HAProxy: check_config_validity / init_srv_check)
// ---------------------------------------------------------------------------------------

registerPostCheck('checks', (config, diag) => {
  for (const p of config.proxies) {
    if (!isBackend(p)) continue;
    const c = checksOf(p);
    const typeWord = p.cap === 'listen' ? 'proxy' : 'backend';
    if (c.tcpRules.length && c.type !== 'tcp-check') {
      diag.warning(`${typeWord} '${p.name}' uses tcp-check rules without 'option tcp-check', so the rules are ignored.`);
    }
    if (c.httpRules.length && c.type !== 'httpchk') {
      diag.warning(`${typeWord} '${p.name}' uses http-check rules without 'option httpchk', so the rules are ignored.`);
    }
    for (const s of p.servers) {
      if (!s.check) continue;
      const hasPort = (s.address?.hasPort ?? false) || s.checkPort !== undefined;
      const isPath = s.address?.path !== undefined;
      if (hasPort || isPath) continue;
      const first = c.type === 'tcp-check' ? c.tcpRules.find((r) => r.type !== 'comment') : undefined;
      if (!first || first.type !== 'connect' || !first.port) {
        diag.alert(`config: ${typeWord} '${p.name}': server '${s.name}' has neither service port nor check port${first ? " nor tcp_check rule 'connect' with port information" : ''}.`);
      }
    }
  }
});
