// One treap of free blocks ordered by (size, address), for the blocks too large for indexed best fit's
// bins: insert, remove and "the smallest size at or above s, lowest address first", each one loop
// down the tree and no recursion. An insert splits the subtree where the new node belongs into the
// nodes before and after it; a removal zips the removed node's two subtrees together. Links are
// followed as slots of one `Int32Array` (node n's children at 2n and 2n + 1; slot 1 holds the root),
// so "the link to rewrite" is a number, and the loops write each link once. Priorities come from a
// seeded xorshift, so shapes are deterministic. No objects per node and no allocation but pool
// doubling; it never reads or writes heap memory. See docs/decisions/0013-size-treap.md.
import { InvariantError } from "@osmem/core";

/** The null node. Its two child slots are not links of any node: slot 1 is the root link. */
const NIL = 0;
const ROOT_LINK = 1;

/**
 * A set of distinct (size, address) pairs, both numbers exact up to 2^53. Every operation is
 * O(log n) expected, n the number of pairs; the tree's shape depends only on the order of operations.
 */
export class SizeTreap {
  private sizes: Float64Array;
  private addrs: Float64Array;
  private priorities: Int32Array;
  /** Node n's left child at 2n, its right child at 2n + 1; slot 1 is the root. */
  private kids: Int32Array;
  /** Head of the list of released nodes (linked through their left slot), or NIL. */
  private releasedHead = NIL;
  /** The lowest node never handed out. */
  private nextUnused = 1;
  private seed = 0x2545f491;
  private count = 0;
  private readonly refuseRepeats: boolean;
  /** The size of the pair the last {@link lowestFit} found (0 when it found none). */
  foundBytes = 0;

  /**
   * @param refuseRepeats look each insert up first and throw when its pair is there already (a guard
   *   against bugs in the core, as the policies keep from check level 1)
   * @param initialCapacity nodes to reserve; the pool doubles when it runs out
   */
  constructor(refuseRepeats: boolean, initialCapacity = 64) {
    this.refuseRepeats = refuseRepeats;
    const capacity = Math.max(2, initialCapacity + 1);
    this.sizes = new Float64Array(capacity);
    this.addrs = new Float64Array(capacity);
    this.priorities = new Int32Array(capacity);
    this.kids = new Int32Array(2 * capacity);
  }

  /** Pairs in the set. */
  get size(): number {
    return this.count;
  }

  /**
   * Adds (sizeBytes, addr).
   * @throws InvariantError when the pair is in the set already and the treap refuses repeats (the set
   * is left unchanged); without that check, a repeat leaves two nodes, which {@link validate} reports.
   */
  insert(sizeBytes: number, addr: number): void {
    if (this.refuseRepeats && this.has(sizeBytes, addr)) throwRepeat(sizeBytes, addr);
    const node = this.allocateNode();
    this.sizes[node] = sizeBytes;
    this.addrs[node] = addr;
    // The forest's xorshift, written out: as a helper shared with TreapForest it was one more call
    // competing for V8's inlining budget (binary2-bal 1638 -> 1670 instructions per op).
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x;
    this.priorities[node] = x;
    const kids = this.kids;
    const sizes = this.sizes;
    const addrs = this.addrs;
    // Down to where the new node outranks the subtree...
    let link = ROOT_LINK;
    let at = kids[link]!;
    while (at !== NIL && this.priorities[at]! > x) {
      const atSize = sizes[at]!;
      link = sizeBytes < atSize || (sizeBytes === atSize && addr < addrs[at]!) ? 2 * at : 2 * at + 1;
      at = kids[link]!;
    }
    kids[link] = node;
    // ...then split that subtree: nodes before the new one hang off its left, the others off its right.
    let before = 2 * node;
    let after = 2 * node + 1;
    while (at !== NIL) {
      const atSize = sizes[at]!;
      if (atSize < sizeBytes || (atSize === sizeBytes && addrs[at]! < addr)) {
        kids[before] = at;
        before = 2 * at + 1;
        at = kids[before]!;
      } else {
        kids[after] = at;
        after = 2 * at;
        at = kids[after]!;
      }
    }
    kids[before] = NIL;
    kids[after] = NIL;
    this.count += 1;
  }

  /**
   * Removes (sizeBytes, addr).
   * @throws InvariantError when the pair is not in the set (the set is left unchanged).
   */
  remove(sizeBytes: number, addr: number): void {
    const kids = this.kids;
    const sizes = this.sizes;
    const addrs = this.addrs;
    let link = ROOT_LINK;
    let at = kids[link]!;
    while (at !== NIL) {
      const atSize = sizes[at]!;
      const atAddr = addrs[at]!;
      if (sizeBytes === atSize && addr === atAddr) break;
      link = sizeBytes < atSize || (sizeBytes === atSize && addr < atAddr) ? 2 * at : 2 * at + 1;
      at = kids[link]!;
    }
    if (at === NIL) throwMissing(sizeBytes, addr);
    // Zip the two subtrees into the removed node's place, higher priority on top.
    let left = kids[2 * at]!;
    let right = kids[2 * at + 1]!;
    while (left !== NIL && right !== NIL) {
      if (this.priorities[left]! > this.priorities[right]!) {
        kids[link] = left;
        link = 2 * left + 1;
        left = kids[link]!;
      } else {
        kids[link] = right;
        link = 2 * right;
        right = kids[link]!;
      }
    }
    kids[link] = left !== NIL ? left : right;
    kids[2 * at] = this.releasedHead;
    this.releasedHead = at;
    this.count -= 1;
  }

  /**
   * True when (sizeBytes, addr) is in the set. Its search is `remove`'s, written out in both: shared
   * as a helper returning the link, it cost `remove` an out-of-line call (perl 2176 -> 2200
   * instructions per op, twice).
   */
  has(sizeBytes: number, addr: number): boolean {
    let at = this.kids[ROOT_LINK]!;
    while (at !== NIL) {
      const atSize = this.sizes[at]!;
      const atAddr = this.addrs[at]!;
      if (sizeBytes === atSize && addr === atAddr) return true;
      at = this.kids[sizeBytes < atSize || (sizeBytes === atSize && addr < atAddr) ? 2 * at : 2 * at + 1]!;
    }
    return false;
  }

  /** The address of the smallest pair with a size of at least `sizeBytes` (the lowest address among equal sizes), or 0; its size is left in {@link foundBytes}. */
  lowestFit(sizeBytes: number): number {
    const kids = this.kids;
    const sizes = this.sizes;
    let found = NIL;
    let at = kids[ROOT_LINK]!;
    while (at !== NIL) {
      if (sizes[at]! >= sizeBytes) {
        found = at;
        at = kids[2 * at]!;
      } else at = kids[2 * at + 1]!;
    }
    this.foundBytes = found === NIL ? 0 : sizes[found]!;
    return found === NIL ? 0 : this.addrs[found]!;
  }

  /** Every pair in order, as [size, address]. Allocates; for tests and diagnostics. */
  entries(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const stack: number[] = [];
    let at = this.kids[ROOT_LINK]!;
    while (at !== NIL || stack.length > 0) {
      for (; at !== NIL; at = this.kids[2 * at]!) stack.push(at);
      at = stack.pop()!;
      out.push([this.sizes[at]!, this.addrs[at]!]);
      at = this.kids[2 * at + 1]!;
    }
    return out;
  }

  /** Checks order (strict: no pair twice), heap priorities and the count; returns the first problem. For tests. */
  validate(): string | undefined {
    let seen = 0;
    let problem: string | undefined;
    const visit = (at: number, parentPriority: number, low: readonly [number, number] | undefined, high: readonly [number, number] | undefined): void => {
      if (at === NIL || problem !== undefined) return;
      seen += 1;
      const pair: [number, number] = [this.sizes[at]!, this.addrs[at]!];
      if (this.priorities[at]! > parentPriority) problem = `node ${at} outranks its parent`;
      else if ((low !== undefined && !pairBefore(low, pair)) || (high !== undefined && !pairBefore(pair, high))) problem = `(${pair[0]}, ${pair[1]}) is out of order`;
      visit(this.kids[2 * at]!, this.priorities[at]!, low, pair);
      visit(this.kids[2 * at + 1]!, this.priorities[at]!, pair, high);
    };
    visit(this.kids[ROOT_LINK]!, 2 ** 31, undefined, undefined);
    if (problem === undefined && seen !== this.count) problem = `the treap counts ${this.count} pairs, holds ${seen}`;
    return problem;
  }

  private allocateNode(): number {
    const released = this.releasedHead;
    if (released !== NIL) {
      this.releasedHead = this.kids[2 * released]!;
      return released;
    }
    if (this.nextUnused === this.sizes.length) this.grow();
    return this.nextUnused++;
  }

  private grow(): void {
    const capacity = this.sizes.length * 2;
    const sizes = new Float64Array(capacity);
    sizes.set(this.sizes);
    this.sizes = sizes;
    const addrs = new Float64Array(capacity);
    addrs.set(this.addrs);
    this.addrs = addrs;
    const priorities = new Int32Array(capacity);
    priorities.set(this.priorities);
    this.priorities = priorities;
    const kids = new Int32Array(2 * capacity);
    kids.set(this.kids);
    this.kids = kids;
  }
}

const pairBefore = (a: readonly [number, number], b: readonly [number, number]): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/** The error of a second insert of a pair; out of line, as {@link throwMissing}. */
function throwRepeat(sizeBytes: number, addr: number): never {
  throw new InvariantError(`free block (${sizeBytes} bytes, 0x${addr.toString(16)}) is in the size treap already`);
}

/** The error of a removal of a pair that is not there; out of line, so that `remove` stays small enough for V8 to inline. */
function throwMissing(sizeBytes: number, addr: number): never {
  throw new InvariantError(`no free block (${sizeBytes} bytes, 0x${addr.toString(16)}) in the size treap`);
}
