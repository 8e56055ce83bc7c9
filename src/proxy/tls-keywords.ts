/**
 * `bind` and `server` TLS keywords (configuration.txt §5.1 and §5.2), validated at parse time
 * (certificates are loaded by a post-check so `-c` reports unreadable files as HAProxy does).
 */

import { registerBindKeywords, registerServerKeywords, type BindKeyword, type ServerKeyword } from '../config/registry';
import { registerPostCheck } from '../config/validate';
import { bindTlsOptions } from './tls';
import { compileSampleExpr } from '../sample/expr';

const SSL_VERSIONS = ['SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

function bindFlag(name: string): BindKeyword {
  return { name, argCount: 0, parse: (b) => { b.options[name] = true; } };
}
function bindValue(name: string, check?: (v: string) => string | undefined): BindKeyword {
  return {
    name, argCount: 1,
    parse(b, a, c) {
      const err = check?.(a[0]);
      if (err) { c.error(err); return; }
      b.options[name] = a[0];
    },
  };
}
const versionCheck = (kw: string) => (v: string): string | undefined => (SSL_VERSIONS.includes(v) ? undefined : `'${kw}' : unknown version '${v}'. Expects one of: ${SSL_VERSIONS.join(', ')}.`);

registerBindKeywords([
  bindFlag('ssl'),
  {
    name: 'crt', argCount: 1,
    parse(b, a) {
      const list = (b.options.crt as string[] | undefined) ?? [];
      list.push(a[0]);
      b.options.crt = list;
    },
  },
  bindValue('alpn'),
  bindValue('npn'),
  bindValue('ciphers'),
  bindValue('ciphersuites'),
  bindValue('curves'),
  bindValue('ecdhe'),
  bindValue('ca-file'),
  bindValue('crl-file'),
  bindValue('ssl-min-ver', versionCheck('ssl-min-ver')),
  bindValue('ssl-max-ver', versionCheck('ssl-max-ver')),
  bindValue('verify', (v) => (['none', 'optional', 'required'].includes(v) ? undefined : `'verify' : unknown verify method '${v}', only 'none', 'optional', and 'required' are supported.`)),
  bindFlag('strict-sni'),
  bindFlag('no-sslv3'), bindFlag('no-tlsv10'), bindFlag('no-tlsv11'), bindFlag('no-tlsv12'), bindFlag('no-tlsv13'),
  bindFlag('no-tls-tickets'), bindFlag('prefer-client-ciphers'), bindFlag('allow-0rtt'),
]);

function srvValue(name: string, check?: (v: string) => string | undefined): ServerKeyword {
  return {
    name, argCount: 1, defaultServerOk: true,
    parse(s, a, c) {
      const err = check?.(a[0]);
      if (err) { c.error(err); return; }
      s.options[name] = a[0];
    },
  };
}
function srvFlag(name: string, value: boolean | string = true, key = name): ServerKeyword {
  return { name, argCount: 0, defaultServerOk: true, parse: (s) => { s.options[key] = value; } };
}

registerServerKeywords([
  srvFlag('ssl'),
  srvFlag('no-ssl', false, 'ssl'),
  srvValue('verify', (v) => (['none', 'required'].includes(v) ? undefined : `'verify' : unknown verify method '${v}', only 'none' and 'required' are supported.`)),
  srvValue('verifyhost'),
  srvValue('ca-file'),
  srvValue('crl-file'),
  srvValue('crt'),
  srvValue('sni', (v) => {
    let msg: string | undefined;
    compileSampleExpr(v, (m) => { msg = m; });
    return msg ? `'sni' : failed to parse sni expression: ${msg}.` : undefined;
  }),
  srvValue('alpn'),
  srvValue('ciphers'),
  srvValue('ciphersuites'),
  srvValue('ssl-min-ver', versionCheck('ssl-min-ver')),
  srvValue('ssl-max-ver', versionCheck('ssl-max-ver')),
  srvFlag('no-ssl-reuse'),
  srvFlag('no-sslv3'), srvFlag('no-tlsv10'), srvFlag('no-tlsv11'), srvFlag('no-tlsv12'), srvFlag('no-tlsv13'),
]);

registerPostCheck('tls-binds', (config, diag) => {
  for (const p of config.proxies) {
    for (const b of p.binds) {
      if (b.options.ssl !== true) {
        if (b.options.crt) diag.warning(`Proxy '${p.name}': 'crt' given without 'ssl' on bind '${b.address.raw}' : certificate ignored.`, b.src.file, b.src.line);
        continue;
      }
      if (!b.options.crt) {
        diag.alert(`Proxy '${p.name}': no SSL certificate specified for bind '${b.address.raw}' at [${b.src.file}:${b.src.line}] (use 'crt').`);
        continue;
      }
      try {
        bindTlsOptions(b);
      } catch (e) {
        diag.alert(`'bind ${b.address.raw}' : ${(e as Error).message}`, b.src.file, b.src.line);
      }
    }
    for (const s of p.servers) {
      if (s.options.ssl === true && s.options.verify !== 'none' && s.options['ca-file'] === undefined) {
        diag.alert(`${p.cap === 'listen' ? 'proxy' : 'backend'} '${p.name}', server '${s.name}': verify is enabled by default but no CA file specified. If you're running on a LAN where you're certain to trust the server's certificate, please set an explicit 'verify none' statement on the 'server' line, or use 'ssl-server-verify none' in the global section to disable server-side verifications by default.`);
      }
    }
  }
}, 55);
