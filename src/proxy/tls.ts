/**
 * TLS on both sides. Binds with `ssl crt FILE|DIR ...` terminate TLS (node:tls), choosing the
 * certificate by SNI among the loaded ones (names from CN and subjectAltName, wildcards
 * allowed, first certificate as the default), with `alpn`, `ssl-min-ver`/`ssl-max-ver`,
 * `ciphers`, `ciphersuites`, `ca-file` + `verify`. Servers with `ssl` are reached over TLS
 * with `verify none|required`, `ca-file`, `sni`, `crt` and `alpn`.
 *
 * HAProxy's PEM convention: one file holds the certificate chain and the private key;
 * `crt DIR` loads every file of the directory except .key/.ocsp/.issuer/.sctl companions
 * (whose .key companion is used when the PEM has no key).
 */

import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import type { BindConfig, ServerConfig } from '../config/model';

const VERSIONS: Record<string, tls.SecureVersion> = {
  'TLSv1.0': 'TLSv1', 'TLSv1.1': 'TLSv1.1', 'TLSv1.2': 'TLSv1.2', 'TLSv1.3': 'TLSv1.3', SSLv3: 'TLSv1',
};

export interface LoadedCert {
  file: string;
  names: string[];
  context: tls.SecureContext;
  /** The PEM chain and key, for the server's own (no-SNI) context. */
  cert: string;
  key: string;
}

/** Reads one HAProxy-style PEM (cert chain + key, or key in FILE.key). Throws with a message. */
export function loadPem(file: string, extra: tls.SecureContextOptions = {}): LoadedCert {
  const pem = readFileSync(file, 'utf8');
  let key = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/.exec(pem)?.[0];
  if (!key && existsSync(`${file}.key`)) key = readFileSync(`${file}.key`, 'utf8');
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (!certs || !key) throw new Error(`unable to load SSL certificate from PEM file '${file}'.`);
  const x = new X509Certificate(certs[0]);
  const names = new Set<string>();
  const cn = /CN=([^\n,]+)/.exec(x.subject)?.[1];
  if (cn) names.add(cn.toLowerCase());
  for (const part of (x.subjectAltName ?? '').split(',')) {
    const m = /^\s*DNS:(.+)$/.exec(part);
    if (m) names.add(m[1].trim().toLowerCase());
  }
  const context = tls.createSecureContext({ ...extra, cert: certs.join('\n'), key });
  return { file, names: [...names], context, cert: certs.join('\n'), key };
}

/** Files a `crt DIR` loads (HAProxy skips companion files). */
function dirCerts(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => !/\.(key|ocsp|issuer|sctl|dh)$/.test(f))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

/** TLS options of a bind (already validated at parse time). */
export function bindTlsOptions(bind: BindConfig): tls.TlsOptions {
  const o = bind.options;
  const crtArgs = (o.crt as string[] | undefined) ?? [];
  const common: tls.SecureContextOptions = {};
  if (typeof o.ciphers === 'string') common.ciphers = o.ciphers;
  if (typeof o.ciphersuites === 'string') common.ciphers = [common.ciphers, o.ciphersuites].filter(Boolean).join(':');
  if (typeof o['ssl-min-ver'] === 'string') common.minVersion = VERSIONS[o['ssl-min-ver']];
  if (typeof o['ssl-max-ver'] === 'string') common.maxVersion = VERSIONS[o['ssl-max-ver']];
  if (typeof o['ca-file'] === 'string') common.ca = readFileSync(o['ca-file']);
  const certs: LoadedCert[] = [];
  for (const c of crtArgs) {
    const files = statSync(c).isDirectory() ? dirCerts(c) : [c];
    for (const f of files) certs.push(loadPem(f, common));
  }
  if (certs.length === 0) throw new Error('no certificate loaded');
  const exact = new Map<string, tls.SecureContext>();
  const wild = new Map<string, tls.SecureContext>();
  for (const c of certs) {
    for (const n of c.names) {
      if (n.startsWith('*.')) { if (!wild.has(n.slice(2))) wild.set(n.slice(2), c.context); }
      else if (!exact.has(n)) exact.set(n, c.context);
    }
  }
  const def = certs[0];
  const strict = o['strict-sni'] === true;
  const verify = o.verify as string | undefined;
  const alpn = typeof o.alpn === 'string' ? o.alpn.split(',') : undefined;
  return {
    ...common,
    // tls.Server ignores `secureContext`: its own context (used when the client sends no
    // SNI, so SNICallback is not called) is built from `cert`/`key`. The first certificate
    // is the default, as in HAProxy; with strict-sni there is none (no-SNI handshakes fail).
    cert: strict ? undefined : def.cert,
    key: strict ? undefined : def.key,
    SNICallback: (servername, cb) => {
      const name = servername.toLowerCase();
      let ctx = exact.get(name);
      if (!ctx) {
        const dot = name.indexOf('.');
        if (dot > 0) ctx = wild.get(name.slice(dot + 1));
      }
      if (!ctx && strict) { cb(new Error('no certificate for SNI'), undefined); return; }
      cb(null, ctx ?? def.context);
    },
    ALPNProtocols: alpn,
    requestCert: verify === 'optional' || verify === 'required',
    rejectUnauthorized: verify === 'required',
  };
}

/** `tls.connect` options for a server with `ssl`. `sni` is the evaluated `sni` expression. */
export function serverTlsOptions(s: ServerConfig, host: string, port: number, sni: string | undefined): tls.ConnectionOptions {
  const o = s.options;
  const opts: tls.ConnectionOptions = { host, port, rejectUnauthorized: o.verify !== 'none' };
  if (typeof o['ca-file'] === 'string') opts.ca = readFileSync(o['ca-file']);
  if (typeof o.crt === 'string') {
    const pem = readFileSync(o.crt, 'utf8');
    opts.cert = pem;
    opts.key = pem;
  }
  if (sni) opts.servername = sni;
  else opts.checkServerIdentity = () => undefined; // HAProxy verifies the chain, not the name, without sni/verifyhost
  if (typeof o.verifyhost === 'string') {
    opts.checkServerIdentity = (_h, cert) => tls.checkServerIdentity(o.verifyhost as string, cert);
  }
  if (typeof o.alpn === 'string') opts.ALPNProtocols = o.alpn.split(',');
  if (typeof o['ssl-min-ver'] === 'string') opts.minVersion = VERSIONS[o['ssl-min-ver']];
  if (typeof o['ssl-max-ver'] === 'string') opts.maxVersion = VERSIONS[o['ssl-max-ver']];
  if (typeof o.ciphers === 'string') opts.ciphers = o.ciphers;
  return opts;
}
