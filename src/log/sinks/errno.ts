/**
 * errno names and texts for sink failure messages, as glibc's strerror() words them
 * (HAProxy prints `sendmsg()/writev() failed in logger #N: <strerror> (errno=<n>)`).
 */

import { constants } from 'node:os';

const TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ECONNREFUSED: 'Connection refused',
  EAGAIN: 'Resource temporarily unavailable',
  ENOTSOCK: 'Socket operation on non-socket',
  EPROTOTYPE: 'Protocol wrong type for socket',
  EMSGSIZE: 'Message too long',
  ENOBUFS: 'No buffer space available',
  ENETUNREACH: 'Network is unreachable',
  EHOSTUNREACH: 'No route to host',
  EBADF: 'Bad file descriptor',
  EPIPE: 'Broken pipe',
  ENAMETOOLONG: 'File name too long',
  EINVAL: 'Invalid argument',
  ENOTDIR: 'Not a directory',
  ECONNRESET: 'Connection reset by peer',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EAFNOSUPPORT: 'Address family not supported by protocol',
};

const byNumber = new Map<number, string>();
for (const [name, n] of Object.entries(constants.errno)) byNumber.set(n, name);

/** `{ code: 'ENOENT', text: 'No such file or directory', errno: 2 }` for an errno number. */
export function describeErrno(errno: number): { code: string; text: string; errno: number } {
  const code = byNumber.get(errno) ?? `E${errno}`;
  return { code, text: TEXT[code] ?? code, errno };
}

/** Same, from a Node error's `code` (e.g. 'ECONNREFUSED'). */
export function describeCode(code: string): { code: string; text: string; errno: number } {
  const n = (constants.errno as Record<string, number>)[code] ?? 0;
  return { code, text: TEXT[code] ?? code, errno: n };
}
