// Bins of free blocks, each a 4-ary min-heap of block addresses, plus a bitmap of the non-empty bins:
// "the lowest address in the first non-empty bin at or after b" is a bitmap scan and one array read.
// A block's slot in its heap is its free tag (BlockView.setFreeTag), so removing any block costs one
// sift, not a search. A tag is trusted only once the heap slot it names holds the block's address:
// a stale or forged tag is an InvariantError, never a corrupted heap. Never reads the block list.
import { InvariantError, type BlockView } from "@osmem/core";
import { ClassBitmap } from "./class-bitmap.js";

/**
 * log2 of the children per heap node. Four children halve the depth of a binary heap, and so the tag
 * writes (each into a different block) of a sift, for a few more comparisons within one cache line.
 */
const ARITY_LOG2 = 2;
const ARITY = 1 << ARITY_LOG2;
/** Slots a bin's heap gets the first time it holds a block; it doubles when full. */
const FIRST_CAPACITY = 8;
const NO_SLOTS = new Float64Array(0);

const parentOf = (slot: number): number => (slot - 1) >> ARITY_LOG2;

/** The error of an insert or remove that does not match the bins; out of line, so that the hot paths stay small enough for V8 to inline. */
function throwMisfiled(addr: number, bin: number, what: string): never {
  throw new InvariantError(`block 0x${addr.toString(16)} ${what} bin ${bin}`);
}

/**
 * Free blocks in numbered bins (0 .. binCount-1), each bin ordered by address; the caller decides
 * what a bin means. Search O(1) (a few bitmap words), insert and remove O(log k) for k blocks in the
 * bin; no allocation except when a bin's heap doubles. Addresses are positive numbers, unique in the set.
 */
export class AddressHeaps {
  /** How many bins there are. */
  readonly binCount: number;
  /** Per bin: the heap of addresses in slots 0 .. counts[bin]-1; slot 0 holds the lowest address. */
  private readonly heaps: Float64Array[];
  private readonly counts: Int32Array;
  private readonly nonEmpty: ClassBitmap;
  private readonly view: BlockView;
  /** Whether an insert checks that the block is not in its bin already (not at check level 0). */
  private readonly checksInserts: boolean;
  private held = 0;

  constructor(view: BlockView, binCount: number) {
    this.view = view;
    this.checksInserts = (view.checkLevel ?? 1) >= 1;
    this.binCount = binCount;
    this.heaps = new Array<Float64Array>(binCount).fill(NO_SLOTS);
    this.counts = new Int32Array(binCount);
    this.nonEmpty = new ClassBitmap(binCount);
  }

  /** Blocks held in all bins. */
  get size(): number {
    return this.held;
  }
  /** Blocks held in `bin`. */
  count(bin: number): number {
    return this.counts[bin]!;
  }

  /** The lowest address in the first non-empty bin at or after `bin`, or 0 (NULL) when there is none. */
  lowestFrom(bin: number): number {
    // A heap growing at its end often has no small free block at all: skip the bitmap scan then.
    if (this.held === 0) return 0;
    const found = this.nonEmpty.nextSetFrom(bin);
    return found === -1 ? 0 : this.heaps[found]![0]!;
  }

  /**
   * Adds block `addr` to `bin` and tags the block with its slot.
   * @throws InvariantError when `bin` already holds it (the bins are left unchanged); not checked when
   * the view's check level is 0.
   */
  insert(bin: number, addr: number): void {
    const count = this.counts[bin]!;
    let heap = this.heaps[bin]!;
    if (this.checksInserts) {
      // A block entering the set carries a garbage tag, but a slot holding `addr` proves it is already in.
      const tag = this.view.freeTag(addr);
      if (tag >= 0 && tag < count && heap[tag] === addr) throwMisfiled(addr, bin, "is already in");
    }
    if (count === heap.length) heap = this.grow(bin);
    this.counts[bin] = count + 1;
    this.held += 1;
    if (count === 0) this.nonEmpty.set(bin);
    this.siftUp(heap, count, addr);
  }

  /**
   * Removes block `addr` from `bin`.
   * @throws InvariantError when `bin` does not hold it (never inserted, or inserted in another bin);
   * the bins are left unchanged.
   */
  remove(bin: number, addr: number): void {
    const heap = this.heaps[bin]!;
    const count = this.counts[bin]!;
    const slot = this.view.freeTag(addr);
    if (!(slot >= 0 && slot < count && heap[slot] === addr)) throwMisfiled(addr, bin, "is not in");
    const last = count - 1;
    this.counts[bin] = last;
    this.held -= 1;
    if (last === 0) this.nonEmpty.clear(bin);
    if (slot === last) return;
    // The last block fills the hole; it came from another subtree, so it may belong above it or below.
    const moved = heap[last]!;
    if (slot > 0 && heap[parentOf(slot)]! > moved) this.siftUp(heap, slot, moved);
    else this.siftDown(heap, slot, moved, last);
  }

  /** Checks heap order, every tag, the counts and the bitmap; returns the first problem. For tests. */
  validate(): string | undefined {
    let total = 0;
    for (let bin = 0; bin < this.binCount; bin++) {
      const heap = this.heaps[bin]!;
      const count = this.counts[bin]!;
      total += count;
      if (this.nonEmpty.has(bin) !== count > 0) return `bin ${bin} holds ${count} blocks, but its bit is ${this.nonEmpty.has(bin)}`;
      for (let slot = 0; slot < count; slot++) {
        if (slot > 0 && heap[parentOf(slot)]! >= heap[slot]!) return `bin ${bin}: slot ${slot} is not above its parent`;
        const tag = this.view.freeTag(heap[slot]!);
        if (tag !== slot) return `bin ${bin}: the block in slot ${slot} is tagged ${tag}`;
      }
    }
    return total === this.held ? undefined : `the bins hold ${total} blocks, size says ${this.held}`;
  }

  // --- internals ---

  /** Puts `addr` into the hole at `slot` or above it, moving larger parents down. */
  private siftUp(heap: Float64Array, slot: number, addr: number): void {
    const view = this.view;
    while (slot > 0) {
      const parent = parentOf(slot);
      const parentAddr = heap[parent]!;
      if (parentAddr < addr) break;
      heap[slot] = parentAddr;
      view.setFreeTag(parentAddr, slot);
      slot = parent;
    }
    heap[slot] = addr;
    view.setFreeTag(addr, slot);
  }

  /** Puts `addr` into the hole at `slot` or below it, moving the smallest child up; `count` slots are live. */
  private siftDown(heap: Float64Array, slot: number, addr: number, count: number): void {
    const view = this.view;
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
      if (addr < childAddr) break;
      heap[slot] = childAddr;
      view.setFreeTag(childAddr, slot);
      slot = child;
    }
    heap[slot] = addr;
    view.setFreeTag(addr, slot);
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
