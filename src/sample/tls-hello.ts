/**
 * Reads a TLS ClientHello from the start of a request buffer without decrypting anything
 * (RFC 8446 §4.1.2, RFC 6066 §3 for server_name), for req.ssl_sni, req.ssl_ver and
 * req.ssl_hello_type. Every read is bounds-checked: a short or malformed buffer gives
 * undefined, never an exception.
 */

/** Handshake message type of the first record when it is a handshake record (1 = ClientHello). */
export function helloType(b: Buffer | undefined): number | undefined {
  if (!b || b.length < 9) return undefined;
  if (!isSsl3Record(b)) return undefined;
  if (((b[3] << 8) | b[4]) < 4) return undefined;
  const hsLen = (b[6] << 16) | (b[7] << 8) | b[8];
  // HAProxy only answers once the whole handshake message is buffered.
  if (b.length < 9 + hsLen) return undefined;
  return b[5];
}

/** SSLv3-style record header: content type 20..23 (or 255), version 3.x or above. */
function isSsl3Record(b: Buffer): boolean {
  if (!((b[0] >= 0x14 && b[0] <= 0x17) || b[0] === 0xff)) return false;
  return ((b[1] << 16) | b[2]) >= 0x30000;
}

/**
 * The ClientHello's client_version as (major << 16) | minor (TLS 1.2 is 0x30003): the hello
 * version, not the record layer's, as HAProxy reports. SSLv2-format hellos give their version
 * too.
 */
export function helloVersion(b: Buffer | undefined): number | undefined {
  if (!b || b.length === 0) return undefined;
  if ((b[0] >= 0x14 && b[0] <= 0x17) || b[0] === 0xff) {
    if (b.length < 11) return undefined;
    if (((b[1] << 16) | b[2]) < 0x30000) return undefined;
    const recLen = (b[3] << 8) | b[4];
    if (recLen < 6 || recLen > (1 << 14) + 2048) return undefined;
    return (b[9] << 16) | b[10];
  }
  // SSLv2 hello: 2-byte length with the high bit set, type 1, then version.
  if (b[0] & 0x80 && b.length >= 5 && b[2] === 1) return (b[3] << 16) | b[4];
  return undefined;
}

/** The host_name from the server_name extension of a complete ClientHello record, or undefined. */
export function helloSni(b: Buffer | undefined): string | undefined {
  if (!b || b.length < 5 || b[0] !== 0x16 || b[1] !== 3) return undefined;
  const recEnd = 5 + ((b[3] << 8) | b[4]);
  if (b.length < recEnd) return undefined;
  let p = 5;
  if (b[p] !== 1) return undefined; // not a ClientHello
  const hsEnd = p + 4 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
  if (hsEnd > recEnd) return undefined;
  p += 4 + 2 + 32; // header, client_version, random
  if (p >= hsEnd) return undefined;
  p += 1 + b[p]; // session_id
  if (p + 2 > hsEnd) return undefined;
  p += 2 + ((b[p] << 8) | b[p + 1]); // cipher_suites
  if (p + 1 > hsEnd) return undefined;
  p += 1 + b[p]; // compression_methods
  if (p + 2 > hsEnd) return undefined;
  const extEnd = p + 2 + ((b[p] << 8) | b[p + 1]);
  p += 2;
  if (extEnd > hsEnd) return undefined;
  while (p + 4 <= extEnd) {
    const type = (b[p] << 8) | b[p + 1];
    const len = (b[p + 2] << 8) | b[p + 3];
    p += 4;
    if (p + len > extEnd) return undefined;
    if (type === 0) {
      // server_name_list: 2-byte list length, then entries of type(1) len(2) name.
      let q = p + 2;
      const listEnd = p + len;
      while (q + 3 <= listEnd) {
        const nameType = b[q];
        const nameLen = (b[q + 1] << 8) | b[q + 2];
        q += 3;
        if (q + nameLen > listEnd) return undefined;
        if (nameType === 0) return b.toString('latin1', q, q + nameLen);
        q += nameLen;
      }
      return undefined;
    }
    p += len;
  }
  return undefined;
}
