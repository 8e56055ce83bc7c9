/**
 * Pattern references (HAProxy: pattern.c struct pat_ref): the editable lists behind ACLs and
 * maps that the runtime API shows and changes (`show acl`, `add map` ...). A file given with
 * `-f` or to a map converter is one shared reference per file; every ACL expression also has
 * its own reference for the patterns written inline. Ids are allocated in creation order,
 * ACLs and maps sharing one sequence, as in HAProxy.
 *
 * Compiled users (ACL expressions, map converters) subscribe with {@link PatternRef.attach}
 * and recompile their pattern set when an entry changes; matching itself only reads the
 * current compiled set, so the request path pays nothing for this.
 */

/** One entry: an ACL pattern, or a map key with its value. */
export interface PatternEntry {
  key: string;
  value?: string;
  /** Stable per-entry number shown as a pseudo address by `show acl/map`. */
  readonly uid: number;
}

/** Something compiled from references; `rebuild` returns an error text to refuse a change. */
export interface PatternUser {
  rebuild(): string | undefined;
  /** Describes the user for `get acl/map`: `type=beg, case=insensitive` and a lookup. */
  lookup?(sample: string): string;
}

export type PatternKind = 'acl' | 'map';

let nextId = 0;
let nextUid = 1;
const refs: PatternRef[] = [];

export class PatternRef {
  readonly id: number;
  readonly kind: PatternKind;
  /** File path for file references, '' for inline ones. */
  readonly file: string;
  /** `acl 'path_beg' file 'x.cfg' line 10` for inline references. */
  readonly inlineDescription: string;
  /** `acl at file 'x.cfg' line 11` entries for file references. */
  readonly usedBy: string[] = [];
  readonly entries: PatternEntry[] = [];
  readonly users: PatternUser[] = [];

  /** `register` false keeps the reference out of the runtime API (predefined ACLs, tests). */
  constructor(kind: PatternKind, file: string, inlineDescription: string, register = true) {
    this.id = register ? nextId++ : -1;
    this.kind = kind;
    this.file = file;
    this.inlineDescription = inlineDescription;
    if (register) refs.push(this);
  }

  /** The `show acl` / `show map` list line. */
  get listLine(): string {
    const desc = this.file
      ? `pattern loaded from file '${this.file}' used by ${this.usedBy.join(', by ')}`
      : this.inlineDescription;
    return `${this.id} (${this.file}) ${desc}. curr_ver=0 next_ver=0 entry_cnt=${this.entries.length}`;
  }

  attach(user: PatternUser): void { this.users.push(user); }

  /** Appends an entry (no rebuild: callers batch and call {@link commit}). */
  push(key: string, value?: string): PatternEntry {
    const e: PatternEntry = { key, value, uid: nextUid++ };
    this.entries.push(e);
    return e;
  }

  /**
   * Rebuilds every user; on the first error the change is rolled back with `undo` and the
   * error returned (e.g. `'abc' is not a number` when adding to an integer ACL).
   */
  commit(undo: () => void): string | undefined {
    for (const u of this.users) {
      const err = u.rebuild();
      if (err !== undefined) {
        undo();
        for (const v of this.users) v.rebuild();
        return err;
      }
    }
    return undefined;
  }

  add(key: string, value?: string): string | undefined {
    const e = this.push(key, value);
    return this.commit(() => { this.entries.splice(this.entries.indexOf(e), 1); });
  }

  /** Removes every entry with this key (or `#<uid>`); false when none matched. */
  del(key: string): boolean {
    const before = this.entries.length;
    const keep = this.entries.filter((e) => !matchesId(e, key));
    if (keep.length === before) return false;
    this.entries.splice(0, before, ...keep);
    this.commit(() => undefined);
    return true;
  }

  /** Sets the value of every entry with this key (or `#<uid>`); false when none matched. */
  set(key: string, value: string): { found: boolean; error?: string } {
    const hits = this.entries.filter((e) => matchesId(e, key));
    if (hits.length === 0) return { found: false };
    const old = hits.map((e) => e.value);
    for (const e of hits) e.value = value;
    const error = this.commit(() => hits.forEach((e, i) => { e.value = old[i]; }));
    return { found: true, error };
  }

  clear(): void {
    this.entries.length = 0;
    this.commit(() => undefined);
  }

  /** Pseudo address for `show acl/map` lines (HAProxy prints the entry's pointer). */
  static address(e: PatternEntry): string {
    return `0x${(0x55e600000000 + e.uid * 0x50).toString(16)}`;
  }
}

function matchesId(e: PatternEntry, key: string): boolean {
  return key.startsWith('#') ? PatternRef.address(e) === key.slice(1) || String(e.uid) === key.slice(1) : e.key === key;
}

/** The shared reference for a file (created on first use), recording who uses it. */
export function fileRef(kind: PatternKind, file: string, usedBy: string): { ref: PatternRef; created: boolean } {
  let ref = refs.find((r) => r.kind === kind && r.file === file);
  const created = !ref;
  if (!ref) ref = new PatternRef(kind, file, '');
  ref.usedBy.push(usedBy);
  return { ref, created };
}

/** All references, in id order. */
export function patternRefs(): readonly PatternRef[] { return refs; }

/**
 * Finds a reference by `#<id>` or file name among those of `kind` (HAProxy: pat_ref_lookup /
 * pat_ref_lookupid).
 */
export function findPatternRef(kind: PatternKind, ident: string): PatternRef | undefined {
  if (ident.startsWith('#')) {
    const id = Number(ident.slice(1));
    return refs.find((r) => r.kind === kind && r.id === id);
  }
  return refs.find((r) => r.kind === kind && r.file === ident && ident !== '');
}
