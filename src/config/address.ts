/**
 * Address parsing for `bind`, `server`, `log` and `stats socket` (configuration.txt §2.6 and
 * "bind"). Accepts `HOST:PORT`, `:PORT`, `*:PORT`, `[v6]:PORT`, bare v6 with the last colon
 * as the port separator, port ranges `P1-P2`, and the prefixes `ipv4@`, `ipv6@`, `unix@`,
 * `abns@`, `fd@`, `udp@`/`udp4@`/`udp6@`, `stdout`/`stderr` are left to callers.
 */

import { isIP } from 'node:net';

export type AddressFamily = 'ipv4' | 'ipv6' | 'unix' | 'abns' | 'fd' | 'hostname';

export interface ParsedAddress {
  family: AddressFamily;
  /** Host (IP literal or name) for inet families; '' means any address. */
  host: string;
  /** First port; 0 when none was given (a server without port keeps the client's port). */
  port: number;
  /** Last port of a range `P1-P2`, equal to `port` otherwise. */
  portEnd: number;
  /** True when a port (or range) was written. */
  hasPort: boolean;
  /** Port written with a `+`/`-` offset (`server s 1.2.3.4:+1`): relative to the client's port. */
  portOffset?: number;
  /** Socket path for unix/abns. */
  path?: string;
  /** Inherited file descriptor for `fd@N`. */
  fd?: number;
  /** The text as written, for messages. */
  raw: string;
}

export type AddressResult = { address: ParsedAddress; error?: undefined } | { address?: undefined; error: string };

export interface AddressOptions {
  /** Allow a missing port (servers may omit it). */
  portOptional?: boolean;
  /** Allow `P1-P2` ranges (bind lines). */
  allowRange?: boolean;
  /** Allow host names (servers, log targets) rather than only IP literals. */
  allowHostname?: boolean;
}

function parsePortPart(text: string, raw: string, opts: AddressOptions): { port: number; portEnd: number; offset?: number } | string {
  if (/^[+-]\d+$/.test(text)) return { port: 0, portEnd: 0, offset: Number(text) };
  const range = /^(\d+)(?:-(\d+))?$/.exec(text);
  // Messages as HAProxy's str2sa_range().
  if (!range) {
    const bad = [...text].find((c) => !/[0-9-]/.test(c));
    return bad !== undefined ? `invalid character '${bad}' in port number '${text}' in '${raw}'\n` : `invalid port '${text}'`;
  }
  const p1 = Number(range[1]);
  const p2 = range[2] !== undefined ? Number(range[2]) : p1;
  if (range[2] !== undefined && !opts.allowRange) return `port offsets or ranges are not allowed in '${raw}'`;
  if (p1 < 1 || p1 > 65535) return `invalid port '${range[1]}'`;
  if (p2 < p1 || p2 > 65535) return `invalid port '${range[2]}'`;
  return { port: p1, portEnd: p2 };
}

/**
 * The classic inet_aton() short forms HAProxy accepts through the resolver (`1.2.3` is
 * 1.2.0.3, `10.1` is 10.0.0.1, `127` is 0.0.0.127), normalised to dotted quads; undefined
 * for anything else.
 */
function shortIpv4(host: string): string | undefined {
  if (!/^\d+(\.\d+){0,2}$/.test(host)) return undefined;
  const parts = host.split('.').map(Number);
  const last = parts[parts.length - 1];
  const head = parts.slice(0, -1);
  if (head.some((n) => n > 255)) return undefined;
  const tailBytes = 4 - head.length;
  if (last >= 2 ** (8 * tailBytes)) return undefined;
  const tail: number[] = [];
  for (let i = tailBytes - 1; i >= 0; i--) tail.push(Math.floor(last / 2 ** (8 * i)) % 256);
  return [...head, ...tail].join('.');
}

/** Parses one address as written in the configuration. Never throws. */
export function parseAddress(raw: string, opts: AddressOptions = {}): AddressResult {
  let text = raw;
  let forced: AddressFamily | undefined;
  const prefix = /^(ipv4|ipv6|unix|abns|fd|sockpair|udp|udp4|udp6|tcp|tcp4|tcp6)@/.exec(text);
  if (prefix) {
    text = text.slice(prefix[0].length);
    const p = prefix[1];
    if (p === 'unix') return { address: { family: 'unix', host: '', port: 0, portEnd: 0, hasPort: false, path: text, raw } };
    if (p === 'abns') return { address: { family: 'abns', host: '', port: 0, portEnd: 0, hasPort: false, path: text, raw } };
    if (p === 'fd' || p === 'sockpair') {
      if (!/^\d+$/.test(text)) return { error: `invalid file descriptor '${text}' in address '${raw}'` };
      return { address: { family: 'fd', host: '', port: 0, portEnd: 0, hasPort: false, fd: Number(text), raw } };
    }
    if (p === 'ipv4' || p === 'udp4' || p === 'tcp4') forced = 'ipv4';
    else if (p === 'ipv6' || p === 'udp6' || p === 'tcp6') forced = 'ipv6';
  }
  if (text.startsWith('/')) {
    return { address: { family: 'unix', host: '', port: 0, portEnd: 0, hasPort: false, path: text, raw } };
  }
  let host: string;
  let portText: string | undefined;
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracket) {
    host = bracket[1];
    portText = bracket[2];
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) {
      host = text;
      portText = undefined;
    } else {
      const first = text.indexOf(':');
      // A bare IPv6 literal without port (e.g. "::1" or "fe80::1") has several colons and
      // its tail is not a number-or-range; with exactly one colon the tail is always a port.
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
      if (first !== colon && isIP(text) === 6 && !/^\d+(-\d+)?$/.test(portText)) {
        host = text;
        portText = undefined;
      }
    }
  }
  if (host === '*' || host === '0.0.0.0') host = host === '*' ? '' : '0.0.0.0';
  const short = shortIpv4(host);
  if (short !== undefined) host = short;
  let family: AddressFamily;
  if (host === '') family = forced ?? 'ipv4';
  else if (isIP(host) === 4) family = 'ipv4';
  else if (isIP(host) === 6) family = 'ipv6';
  else if (opts.allowHostname && /^[A-Za-z0-9_.-]+$/.test(host)) family = 'hostname';
  else return { error: `invalid address: '${host}' in '${raw}'` };
  if (forced && family !== 'hostname' && family !== forced && host !== '') {
    return { error: `address '${raw}' does not match its '${forced}@' prefix` };
  }
  if (forced === 'ipv6' && host === '') host = '::';
  if (portText === undefined || portText === '') {
    if (!opts.portOptional) return { error: `missing port specification in '${raw}'` };
    return { address: { family, host, port: 0, portEnd: 0, hasPort: false, raw } };
  }
  const p = parsePortPart(portText, raw, opts);
  if (typeof p === 'string') return { error: p };
  return { address: { family, host, port: p.port, portEnd: p.portEnd, hasPort: true, portOffset: p.offset, raw } };
}

/** `host:port` for messages and stats (`addr` column): `[v6]:port` for IPv6. */
export function formatHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
