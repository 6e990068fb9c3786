// The live payload intervals of a replay, for the "payloads never overlap" check in O(log n) per op:
// a treap keyed by start address whose nodes are slots (workload ids) in preallocated typed arrays,
// so inserting and removing allocate nothing. Holds only disjoint intervals: an insert that would
// overlap is refused and names the interval in the way.

const NONE = -1;

/** A set of disjoint half-open intervals `[start, end)`, one per slot (a non-negative integer). */
export class IntervalSet {
  private starts: Float64Array;
  private ends: Float64Array;
  private lefts: Int32Array;
  private rights: Int32Array;
  private priorities: Uint32Array;
  private members: Uint8Array;
  private root = NONE;
  private seed = 0x9e3779b9;

  /** `capacity` slots to begin with; {@link insert} grows the arrays when a larger slot comes. */
  constructor(capacity: number) {
    const size = Math.max(16, capacity);
    this.starts = new Float64Array(size);
    this.ends = new Float64Array(size);
    this.lefts = new Int32Array(size);
    this.rights = new Int32Array(size);
    this.priorities = new Uint32Array(size);
    this.members = new Uint8Array(size);
  }

  /** True when `slot` holds an interval. */
  has(slot: number): boolean {
    return slot < this.members.length && this.members[slot] === 1;
  }

  /**
   * Adds `[start, end)` for `slot` (pre: `end > start`, `slot` not a member). Returns -1 when added,
   * else the slot of an interval it overlaps (and nothing changes).
   */
  insert(slot: number, start: number, end: number): number {
    const below = this.floor(start);
    if (below !== NONE && (this.ends[below] ?? 0) > start) return below;
    const above = this.ceiling(start);
    if (above !== NONE && (this.starts[above] ?? 0) < end) return above;
    if (slot >= this.members.length) this.grow(slot + 1);
    this.starts[slot] = start;
    this.ends[slot] = end;
    this.lefts[slot] = NONE;
    this.rights[slot] = NONE;
    this.seed ^= this.seed << 13;
    this.seed ^= this.seed >>> 17;
    this.seed ^= this.seed << 5;
    this.priorities[slot] = this.seed >>> 0;
    this.members[slot] = 1;
    this.root = this.insertAt(this.root, slot);
    return -1;
  }

  /** Removes `slot`'s interval; does nothing when it has none. */
  remove(slot: number): void {
    if (!this.has(slot)) return;
    this.root = this.removeAt(this.root, slot);
    this.members[slot] = 0;
  }

  /** The start of `slot`'s interval (pre: a member). */
  startOf(slot: number): number {
    return this.starts[slot] ?? 0;
  }

  /** The end of `slot`'s interval (pre: a member). */
  endOf(slot: number): number {
    return this.ends[slot] ?? 0;
  }

  /** The member with the largest start `<= key`, or -1. */
  private floor(key: number): number {
    let found = NONE;
    for (let node = this.root; node !== NONE; ) {
      if ((this.starts[node] ?? 0) <= key) {
        found = node;
        node = this.rights[node] ?? NONE;
      } else node = this.lefts[node] ?? NONE;
    }
    return found;
  }

  /** The member with the smallest start `>= key`, or -1. */
  private ceiling(key: number): number {
    let found = NONE;
    for (let node = this.root; node !== NONE; ) {
      if ((this.starts[node] ?? 0) >= key) {
        found = node;
        node = this.lefts[node] ?? NONE;
      } else node = this.rights[node] ?? NONE;
    }
    return found;
  }

  private insertAt(tree: number, slot: number): number {
    if (tree === NONE) return slot;
    if ((this.starts[slot] ?? 0) < (this.starts[tree] ?? 0)) {
      const child = this.insertAt(this.lefts[tree] ?? NONE, slot);
      this.lefts[tree] = child;
      if ((this.priorities[child] ?? 0) > (this.priorities[tree] ?? 0)) return this.rotateRight(tree);
    } else {
      const child = this.insertAt(this.rights[tree] ?? NONE, slot);
      this.rights[tree] = child;
      if ((this.priorities[child] ?? 0) > (this.priorities[tree] ?? 0)) return this.rotateLeft(tree);
    }
    return tree;
  }

  private removeAt(tree: number, slot: number): number {
    if (tree === NONE) return NONE;
    if (tree === slot) return this.merge(this.lefts[tree] ?? NONE, this.rights[tree] ?? NONE);
    if ((this.starts[slot] ?? 0) < (this.starts[tree] ?? 0)) this.lefts[tree] = this.removeAt(this.lefts[tree] ?? NONE, slot);
    else this.rights[tree] = this.removeAt(this.rights[tree] ?? NONE, slot);
    return tree;
  }

  /** Joins two treaps where every start in `low` is below every start in `high`. */
  private merge(low: number, high: number): number {
    if (low === NONE) return high;
    if (high === NONE) return low;
    if ((this.priorities[low] ?? 0) > (this.priorities[high] ?? 0)) {
      this.rights[low] = this.merge(this.rights[low] ?? NONE, high);
      return low;
    }
    this.lefts[high] = this.merge(low, this.lefts[high] ?? NONE);
    return high;
  }

  private rotateRight(tree: number): number {
    const pivot = this.lefts[tree] ?? NONE;
    this.lefts[tree] = this.rights[pivot] ?? NONE;
    this.rights[pivot] = tree;
    return pivot;
  }

  private rotateLeft(tree: number): number {
    const pivot = this.rights[tree] ?? NONE;
    this.rights[tree] = this.lefts[pivot] ?? NONE;
    this.lefts[pivot] = tree;
    return pivot;
  }

  private grow(minimum: number): void {
    const size = Math.max(minimum, this.members.length * 2);
    const widen = <T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.starts = widen(this.starts, (n) => new Float64Array(n));
    this.ends = widen(this.ends, (n) => new Float64Array(n));
    this.lefts = widen(this.lefts, (n) => new Int32Array(n));
    this.rights = widen(this.rights, (n) => new Int32Array(n));
    this.priorities = widen(this.priorities, (n) => new Uint32Array(n));
    this.members = widen(this.members, (n) => new Uint8Array(n));
  }
}
