/**
 * A small ordered queue standing in for HAProxy's eb32 trees in the weighted algorithms:
 * items sorted by an unsigned 32-bit key, equal keys kept in insertion order (ebtree
 * duplicates are appended after existing ones, and the balancing order depends on it).
 * A sorted array with binary search: backends have at most a few thousand servers, and
 * insert/remove shift in place so that nothing is allocated on the pick path.
 */

/** An element of an {@link OrderedQueue}; `queue` tells which queue holds it. */
export interface QueueItem {
  key: number;
  queue: OrderedQueue<QueueItem> | null;
}

/** Items ordered by key, FIFO among equal keys; see the file comment. */
export class OrderedQueue<T extends QueueItem> {
  private readonly items: T[] = [];

  get size(): number { return this.items.length; }

  /** The item at position `i` (0 = first); `i` must be < size. */
  at(i: number): T { return this.items[i]; }

  /** The item with the lowest key (the earliest inserted among equals), or undefined. */
  first(): T | undefined { return this.items[0]; }

  /** Inserts `it` after every item whose key is <= its key. */
  insert(it: T): void {
    const a = this.items;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid].key <= it.key) lo = mid + 1; else hi = mid;
    }
    a.push(it);
    for (let i = a.length - 1; i > lo; i--) a[i] = a[i - 1];
    a[lo] = it;
    it.queue = this as unknown as OrderedQueue<QueueItem>;
  }

  /** Removes `it` if it is in this queue; no-op otherwise. */
  remove(it: T): void {
    const a = this.items;
    // Find the first item with this key, then scan the run of equal keys.
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid].key < it.key) lo = mid + 1; else hi = mid;
    }
    let i = lo;
    while (i < a.length && a[i] !== it && a[i].key === it.key) i++;
    if (i >= a.length || a[i] !== it) {
      // Key changed since insertion (should not happen); fall back to a linear search.
      i = a.indexOf(it);
      if (i < 0) return;
    }
    const last = a.length - 1;
    for (let j = i; j < last; j++) a[j] = a[j + 1];
    // pop(), not `length--`: shrinking through the length setter is a slow runtime call.
    a.pop();
  }

  /**
   * Index of the first item whose key is >= `key` (size when none): eb32_lookup_ge.
   */
  lowerBound(key: number): number {
    const a = this.items;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid].key < key) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** Position of `it` in the queue, or -1. */
  indexOf(it: T): number {
    let i = this.lowerBound(it.key);
    const a = this.items;
    while (i < a.length && a[i].key === it.key) {
      if (a[i] === it) return i;
      i++;
    }
    return -1;
  }

  /** Inserts many items at once (one sort instead of shifting for each). */
  insertMany(list: T[]): void {
    for (const it of list) {
      this.items.push(it);
      it.queue = this as unknown as OrderedQueue<QueueItem>;
    }
    // Array.prototype.sort is stable: equal keys keep insertion order, as ebtrees do.
    this.items.sort((a, b) => a.key - b.key);
  }

  /** Items in order (tests and explanations only: allocates). */
  toArray(): T[] { return this.items.slice(); }
}
