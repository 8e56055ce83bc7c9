/**
 * User and group lookups for `user`/`group` (global) and `stats socket ... user/group`.
 * HAProxy calls getpwnam()/getgrnam(); Node has no binding for them, so this reads the
 * local databases /etc/passwd and /etc/group, which is what NSS "files" does. Pure reads,
 * no caching (the files are tiny and read once per configuration load).
 */

import { readFileSync } from 'node:fs';

/** Paths of the databases; overridable for tests. */
export const accountFiles = { passwd: '/etc/passwd', group: '/etc/group' };

function lookup(path: string, name: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    // name:password:ID:...; comments and NIS `+` entries are not users.
    if (f.length >= 3 && f[0] === name && name !== '' && /^\d+$/.test(f[2])) return Number(f[2]);
  }
  return undefined;
}

/** The uid of user `name` in /etc/passwd, or undefined when there is no such user. */
export function findUserId(name: string): number | undefined { return lookup(accountFiles.passwd, name); }

/** The gid of group `name` in /etc/group, or undefined when there is no such group. */
export function findGroupId(name: string): number | undefined { return lookup(accountFiles.group, name); }
