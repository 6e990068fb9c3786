// Free blocks by exact payload size (bin b holds payloads of 8(b+1) bytes), each bin a 4-ary min-heap
// of addresses, with lazy removal: removing a block only counts it out of its bin, and its heap entry
// stays until it surfaces at the top, where a search recognises it as stale (the core's view says the
// address is no longer a free block of that size) and pops it. So a removal costs no sift and no tag
// write into other blocks, and nothing is ever stored inside a free block. A bin's heap is compacted
// (stale entries and repeats dropped) when it would otherwise grow, and emptied outright when its last
// live block leaves, so it never holds more than 4 entries per block it ever held at once (or 8).
import { InvariantError, type BlockView } from "@osmem/core";
import { ClassBitmap } from "./class-bitmap.js";

/** log2 of the children per heap node: four halve the depth of a binary heap for a few more comparisons. */
const ARITY_LOG2 = 2;
const ARITY = 1 << ARITY_LOG2;
/**
 * Slots a bin's heap gets the first time it holds a block. A full heap doubles when more than half its
 * entries are live, else it is compacted: so a bin never has more than 4 × its most live blocks, or 8.
 */
const FIRST_CAPACITY = 8;
const NO_SLOTS = new Float64Array(0);

const parentOf = (slot: number): number => (slot - 1) >> ARITY_LOG2;

/** The error of an insert or remove that does not match the bins; out of line, so that the hot paths stay small enough for V8 to inline. */
function throwMisfiled(addr: number, bin: number, what: string): never {
  throw new InvariantError(`block 0x${addr.toString(16)} ${what} bin ${bin}`);
}

/** The error of a bin whose live count has no valid entry behind it. */
function throwLost(bin: number, live: number, valid: number): never {
  throw new InvariantError(`bin ${bin} counts ${live} free blocks but its heap holds ${valid} of them`);
}

/**
 * Free blocks by exact size in 8-byte steps, each size ordered by address: "the lowest address of the
 * smallest size at or above s" is a bitmap scan and one array read, plus a pop for each stale entry met
 * on the way. Insert O(log k), remove O(1), search O(1) amortised (each removed block's entry is
 * popped at most once, O(log k)); k = entries of the bin. Reads the core's view only to tell a stale
 * entry (`freeBlockSize`), never the block list; writes nothing into the heap.
 */
export class SizeBins {
  /** How many bins there are: payloads 8 .. 8 * binCount bytes. */
  readonly binCount: number;
  /** Per bin: a min-heap of addresses in slots 0 .. entries[bin]-1, live and stale ones. */
  private readonly heaps: Float64Array[];
  private readonly entries: Int32Array;
  /** Per bin: the blocks inserted and not removed since (exact). */
  private readonly live: Int32Array;
  /** Per bin: 1 when the top entry may be stale (it changed since it was last checked, and the heap holds stale entries). */
  private readonly unchecked: Uint8Array;
  /** Bins with at least one live block. */
  private readonly nonEmpty: ClassBitmap;
  private readonly view: BlockView;
  /**
   * At check level 2: the bin of every live block, so that an insert of a block already in and a
   * removal of a block not in its bin throw at once (guards against bugs in the core). A map update
   * per insert and removal costs more than the rest of the bins' work, so levels 0 and 1 keep only the
   * counts' checks (a removal from an empty bin; a count with no live entry behind it, found when the
   * bin is next searched or compacted, which is where a block inserted twice shows).
   */
  private readonly members: Map<number, number> | undefined;
  private held = 0;

  constructor(view: BlockView, binCount: number) {
    this.view = view;
    this.members = (view.checkLevel ?? 1) >= 2 ? new Map() : undefined;
    this.binCount = binCount;
    this.heaps = new Array<Float64Array>(binCount).fill(NO_SLOTS);
    this.entries = new Int32Array(binCount);
    this.live = new Int32Array(binCount);
    this.unchecked = new Uint8Array(binCount);
    this.nonEmpty = new ClassBitmap(binCount);
  }

  /** Live blocks in all bins. */
  get size(): number {
    return this.held;
  }
  /** Live blocks in `bin`. */
  count(bin: number): number {
    return this.live[bin]!;
  }
  /** Heap entries of `bin`, stale ones included (for tests: the memory bound). */
  entryCount(bin: number): number {
    return this.entries[bin]!;
  }

  /** The lowest address in the first bin at or after `bin` that holds a block, or 0 (NULL) when there is none. */
  lowestFrom(bin: number): number {
    // A heap growing at its end often has no small free block at all: skip the bitmap scan then.
    if (this.held === 0) return 0;
    const found = this.nonEmpty.nextSetFrom(bin);
    if (found === -1) return 0;
    return this.unchecked[found] === 0 ? this.heaps[found]![0]! : this.checkedTop(found);
  }

  /**
   * Adds block `addr`, whose payload is 8 * (bin + 1) bytes.
   * @throws InvariantError at check level 2 when it is live in the bins already (the bins are left
   * unchanged); below, a second insert shows as a lost entry when the bin is next searched.
   */
  insert(bin: number, addr: number): void {
    if (this.members !== undefined) {
      const had = this.members.get(addr);
      if (had !== undefined) throwMisfiled(addr, had, "is already in");
      this.members.set(addr, bin);
    }
    let count = this.entries[bin]!;
    let heap = this.heaps[bin]!;
    if (count === heap.length) {
      if (count === 0 || this.live[bin]! * 2 > count) heap = this.grow(bin);
      else count = this.compact(bin, addr);
    }
    this.entries[bin] = count + 1;
    const live = this.live[bin]!;
    this.live[bin] = live + 1;
    this.held += 1;
    if (live === 0) this.nonEmpty.set(bin);
    this.siftUp(heap, count, addr);
  }

  /**
   * Counts block `addr` out of `bin`; its entry goes when a search meets it.
   * @throws InvariantError when `bin` does not hold it (the bins are left unchanged); below check
   * level 2 only when `bin` holds no block at all.
   */
  remove(bin: number, addr: number): void {
    const live = this.live[bin]! - 1;
    if (live < 0) throwMisfiled(addr, bin, "is not in");
    if (this.members !== undefined) {
      if (this.members.get(addr) !== bin) throwMisfiled(addr, bin, "is not in");
      this.members.delete(addr);
    }
    this.live[bin] = live;
    this.held -= 1;
    if (live === 0) {
      // Every entry left is stale: drop them all at once.
      this.entries[bin] = 0;
      this.unchecked[bin] = 0;
      this.nonEmpty.clear(bin);
      return;
    }
    const heap = this.heaps[bin]!;
    // Most removals take the block a search just found, on top: its entry is known stale, so it goes
    // now, with no check. Any other removal leaves the top as it was.
    if (heap[0] !== addr) return;
    const count = this.entries[bin]! - 1;
    this.siftDown(heap, 0, heap[count]!, count);
    this.entries[bin] = count;
    // The new top is live unless the heap still holds stale entries (blocks that left from below).
    this.unchecked[bin] = count > live ? 1 : 0;
  }

  /**
   * Checks heap order, the counts and the bitmap, and that each bin's valid entries (addresses the
   * view says are free blocks of the bin's size, repeats counted once) are exactly its live count;
   * returns the first problem. For tests.
   */
  validate(): string | undefined {
    let total = 0;
    for (let bin = 0; bin < this.binCount; bin++) {
      const heap = this.heaps[bin]!;
      const count = this.entries[bin]!;
      const live = this.live[bin]!;
      total += live;
      if (this.nonEmpty.has(bin) !== live > 0) return `bin ${bin} holds ${live} blocks, but its bit is ${this.nonEmpty.has(bin)}`;
      for (let slot = 1; slot < count; slot++) {
        if (heap[parentOf(slot)]! > heap[slot]!) return `bin ${bin}: slot ${slot} is below its parent`;
      }
      const valid = new Set<number>();
      for (let slot = 0; slot < count; slot++) if (this.isLive(bin, heap[slot]!)) valid.add(heap[slot]!);
      if (valid.size !== live) return `bin ${bin} counts ${live} blocks, its heap holds ${valid.size}`;
    }
    return total === this.held ? undefined : `the bins hold ${total} blocks, size says ${this.held}`;
  }

  // --- internals ---

  /** True when the view says `addr` is a free block whose payload belongs in `bin`. */
  private isLive(bin: number, addr: number): boolean {
    return this.view.freeBlockSize(addr) === (bin + 1) * 8;
  }

  /** The top of non-empty `bin` after popping the stale entries above it. */
  private checkedTop(bin: number): number {
    const heap = this.heaps[bin]!;
    let count = this.entries[bin]!;
    while (!this.isLive(bin, heap[0]!)) {
      count -= 1;
      if (count === 0) throwLost(bin, this.live[bin]!, 0);
      this.siftDown(heap, 0, heap[count]!, count);
    }
    this.entries[bin] = count;
    this.unchecked[bin] = 0;
    return heap[0]!;
  }

  /**
   * Drops the stale entries of full `bin`, repeats, and any entry of `adding` (the block being
   * inserted, whose header already looks live); returns the entries left, sorted (a valid heap).
   * @throws InvariantError when fewer valid entries are left than the bin's live count.
   */
  private compact(bin: number, adding: number): number {
    const heap = this.heaps[bin]!;
    const count = this.entries[bin]!;
    let kept = 0;
    for (let slot = 0; slot < count; slot++) {
      const addr = heap[slot]!;
      if (addr !== adding && this.isLive(bin, addr)) heap[kept++] = addr;
    }
    heap.subarray(0, kept).sort();
    let unique = 0;
    for (let slot = 0; slot < kept; slot++) if (unique === 0 || heap[unique - 1] !== heap[slot]) heap[unique++] = heap[slot]!;
    if (unique !== this.live[bin]) throwLost(bin, this.live[bin]!, unique);
    this.entries[bin] = unique;
    this.unchecked[bin] = 0;
    return unique;
  }

  /** Puts `addr` into the hole at `slot` or above it, moving larger parents down. */
  private siftUp(heap: Float64Array, slot: number, addr: number): void {
    while (slot > 0) {
      // parentOf written out: as a call it was left out of line once the inlining budget ran out.
      const parent = (slot - 1) >> ARITY_LOG2;
      const parentAddr = heap[parent]!;
      if (parentAddr <= addr) break;
      heap[slot] = parentAddr;
      slot = parent;
    }
    heap[slot] = addr;
  }

  /** Puts `addr` into the hole at `slot` or below it, moving the smallest child up; `count` slots are live. */
  private siftDown(heap: Float64Array, slot: number, addr: number, count: number): void {
    for (;;) {
      const first = ARITY * slot + 1;
      if (first >= count) break;
      const end = first + ARITY < count ? first + ARITY : count;
      let child = first;
      let childAddr = heap[first]!;
      for (let other = first + 1; other < end; other++) {
        const otherAddr = heap[other]!;
        if (otherAddr < childAddr) {
          child = other;
          childAddr = otherAddr;
        }
      }
      if (addr <= childAddr) break;
      heap[slot] = childAddr;
      slot = child;
    }
    heap[slot] = addr;
  }

  private grow(bin: number): Float64Array {
    const old = this.heaps[bin]!;
    const heap = new Float64Array(Math.max(FIRST_CAPACITY, old.length * 2));
    // A bin's first heap has nothing to copy, and a workload of many sizes makes many first heaps.
    if (old.length > 0) heap.set(old);
    this.heaps[bin] = heap;
    return heap;
  }
}
