// The bare best fit of the ceiling experiment (ceiling-best-fit.ts): exactly the decisions osmem's
// `indexed-best-fit` policy makes in the reference heap shape, with everything else left out, to see
// what plain JavaScript reaches when it is bound to the reference's algorithm. Unlike the bare TLSF it
// keeps the whole reference shape: 32-byte headers (size, status, prev, next) in simulated memory, an
// address-ordered doubly linked block list, 8-byte alignment, malloc(0) = NULL, mmap for every block of
// 128 KiB or more (header included) with munmap on free, a first brk(0) + brk(+128 KiB) taken as one
// free block, deferred coalescing (every run of touching free blocks merged before each fit search),
// best fit (smallest payload that holds the request, ties to the lowest address), splitting when the
// rest holds a header plus 8 bytes, growth of exactly the missing bytes by brk (extending a free last
// block, else appending a block), and the reference realloc (same size stays, shrink splits in place,
// grow absorbs the free blocks after it one at a time and then extends the break when it is the last
// block, mapped blocks always move; otherwise malloc + copy + free).
//
// What it leaves out: pointer validation, statistics beyond syscall counts, the policy interface, the
// Memory abstraction (one Int32Array over the heap, word indexes instead of addresses), fault handling.
// What it still pays: simulated memory of its own. The brk heap is one ArrayBuffer that doubles (copying
// the bytes under the break) when the break outgrows it and is kept, zeroed on release (untimed), for
// the next heap, as osmem's simulated backend keeps its heap buffers; each mapping is an ArrayBuffer of
// its own, zeroed on mmap (fresh, or a recycled one filled with zeros over every page it covers, as the
// simulated backend recycles them), and a moved mapped block really copies its bytes. The free-block
// index (bins, bitmap, sorted array, queue) is kept from one heap to the next too, as static storage.
// bench.test.ts checks that it returns the same pointers as osmem's indexed-best-fit on every bundled
// and shared trace, with the same brk/mmap/munmap counts and footprint. Not an allocator anyone should
// use: a bad pointer corrupts it.
import type { AllocatorFactory, BenchAllocator } from "../allocators.js";

/** Reference constants (osmem's core): header, alignment, the smallest split remainder, thresholds. */
const HEADER_BYTES = 32;
const MIN_SPLIT_REMAINDER = HEADER_BYTES + 8;
const MMAP_THRESHOLD_BYTES = 128 * 1024;
const PREALLOC_BYTES = 128 * 1024;
const PAGE_BYTES = 4096;

// Header words from a block's first word b: [b] size (bytes; [b+1] is its unused high half), [b+2]
// status, [b+4] prev block, [b+6] next block (word indexes, -1 for none). A free block's payload
// (at least 8 bytes): [b+8] its slot in its bin's heap, [b+9] its slot in the coalescing queue.
const SIZE = 0, STATUS = 2, PREV = 4, NEXT = 6, HEAP_SLOT = 8, QUEUE_SLOT = 9, HEADER_WORDS = 8;
const FREE = 0, ALLOC = 1, MAPPED = 2;

/** Payloads up to this size sit in a bin of their exact size (4096 bins of 8 bytes), larger ones in a sorted array. */
const BIN_MAX_BYTES = 32 * 1024;
const BIN_COUNT = BIN_MAX_BYTES >>> 3;
const BITMAP_WORDS = BIN_COUNT >>> 5;
const SUMMARY_WORDS = BITMAP_WORDS >>> 5;
const FIRST_BIN_CAPACITY = 8;
/** Large-array shifts up to this many entries are done in a loop, longer ones with copyWithin. */
const SHORT_SHIFT = 32;

/** Simulated addresses: the heap starts at HEAP_START; mapping k starts at MMAP_BASE + k * MAP_STRIDE. */
export const HEAP_START = 0x10000;
export const MMAP_BASE = 2 ** 44;
const MAP_STRIDE = 2 ** 32;

/** The smallest heap buffer; it doubles from there. */
const MIN_HEAP_BUFFER_WORDS = (1024 * 1024) >>> 2;
/** Recycled mapping buffers are kept up to this many bytes (as osmem's simulated backend does). */
const MAX_POOLED_MAP_BYTES = 64 * 1024 * 1024;

/** The heap buffer of the last released heap (zeroed), for the next heap. */
let keptHeap: Int32Array | undefined;
/**
 * The index storage of the last released heap (bin heaps, counts and bitmap cleared, large arrays,
 * coalescing queue), for the next heap: the arrays' contents past the counts are garbage. A fresh heap
 * would otherwise allocate a typed array for every bin it touches (a tenth of the time on random-bal's
 * short replays).
 */
let keptIndex: { bins: Int32Array[]; counts: Int32Array; bitmap: Int32Array; summary: Int32Array; largeSizes: Float64Array; largeBlocks: Int32Array; queue: Int32Array } | undefined;
/** Recycled mapping buffers by log2 of their byte length (contents garbage until taken). */
const mapPool: Int32Array[][] = Array.from({ length: 48 }, () => []);
let pooledMapBytes = 0;

/** A zeroed mapping buffer of at least `bytes` bytes (a power of two long), recycled when possible. */
function takeMapBuffer(bytes: number): Int32Array {
  const log2 = 32 - Math.clz32(bytes - 1);
  const pooled = mapPool[log2]!.pop();
  if (pooled === undefined) return new Int32Array(2 ** log2 / 4);
  pooledMapBytes -= pooled.length * 4;
  // mmap gives zeroed pages: zero every page the mapping covers.
  pooled.fill(0, 0, (Math.ceil(bytes / PAGE_BYTES) * PAGE_BYTES) >>> 2);
  return pooled;
}

function giveMapBuffer(buffer: Int32Array): void {
  const bytes = buffer.length * 4;
  if (pooledMapBytes + bytes > MAX_POOLED_MAP_BYTES) return;
  pooledMapBytes += bytes;
  mapPool[31 - Math.clz32(bytes)]!.push(buffer);
}

/**
 * One heap (one simulated address space), itself the benchmark's allocator interface: its methods sit on
 * the prototype, so every heap of a run hands the replay loop the same call targets (closures made per
 * heap would be new targets for the loop's optimized code at every run).
 */
export class BareBestFit implements BenchAllocator {
  /** The heap's memory: word i is heap byte 4i; its length only grows (doubling). */
  w: Int32Array;
  /** The break as a word index (0 before the first brk: the heap starts empty). */
  breakWord = 0;
  private started = false;
  /** First and last heap blocks (-1 when none); the reference keeps both, only the tail is read here. */
  private head = -1;
  private tail = -1;

  /** Syscalls made, as osmem's heap.stats().syscalls counts them. */
  brkCalls = 0;
  mmapCalls = 0;
  munmapCalls = 0;
  /** Header + payload bytes of the live mappings. */
  mappedBytes = 0;

  // Small free blocks: per bin (payload 8(bin+1) bytes) a 4-ary min-heap of block word indexes, and a
  // two-level bitmap of the non-empty bins.
  private readonly heaps: Int32Array[];
  private readonly counts: Int32Array;
  private readonly bitmap: Int32Array;
  private readonly summary: Int32Array;
  private smallHeld = 0;

  // Large free blocks: sorted by (size, address) in two parallel arrays.
  private largeSizes: Float64Array;
  private largeBlocks: Int32Array;
  private largeCount = 0;

  /** Deferred coalescing: blocks that became free beside a free block since the last pass (-1: dropped). */
  private queue: Int32Array;
  private queued = 0;

  /** Live mappings by slot (ptr = MMAP_BASE + slot * MAP_STRIDE + 32); a free slot holds undefined. */
  private readonly maps: (Int32Array | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private mappedHead = -1;
  private mappedTail = -1;

  constructor() {
    this.w = keptHeap ?? new Int32Array(MIN_HEAP_BUFFER_WORDS);
    keptHeap = undefined;
    const index = keptIndex ?? {
      bins: new Array<Int32Array>(BIN_COUNT).fill(new Int32Array(0)),
      counts: new Int32Array(BIN_COUNT),
      bitmap: new Int32Array(BITMAP_WORDS),
      summary: new Int32Array(SUMMARY_WORDS),
      largeSizes: new Float64Array(64),
      largeBlocks: new Int32Array(64),
      queue: new Int32Array(64),
    };
    keptIndex = undefined;
    this.heaps = index.bins;
    this.counts = index.counts;
    this.bitmap = index.bitmap;
    this.summary = index.summary;
    this.largeSizes = index.largeSizes;
    this.largeBlocks = index.largeBlocks;
    this.queue = index.queue;
  }

  /** Bytes taken from the break plus mapped bytes (osmem's heapBytes + mappedBytes). */
  footprintBytes(): number {
    return this.breakWord * 4 + this.mappedBytes;
  }

  /** Gives the heap buffer back, zeroed, its index storage and the mappings to the pools. The heap must not be used afterwards. */
  release(): void {
    this.w.fill(0, 0, this.breakWord);
    if (keptHeap === undefined || keptHeap.length <= this.w.length) keptHeap = this.w;
    this.counts.fill(0);
    this.bitmap.fill(0);
    this.summary.fill(0);
    keptIndex = { bins: this.heaps, counts: this.counts, bitmap: this.bitmap, summary: this.summary, largeSizes: this.largeSizes, largeBlocks: this.largeBlocks, queue: this.queue };
    for (const map of this.maps) if (map !== undefined) giveMapBuffer(map);
    this.maps.length = 0;
  }

  // --- the OS ---

  /** brk(break + bytes): moves the break, growing the buffer (a copy of the bytes under the break) when needed. */
  private brk(bytes: number): void {
    this.brkCalls += 1;
    const end = this.breakWord + (bytes >>> 2);
    if (end > this.w.length) {
      let length = this.w.length * 2;
      while (length < end) length *= 2;
      const grown = new Int32Array(length);
      grown.set(this.w.subarray(0, this.breakWord));
      this.w = grown;
    }
    this.breakWord = end;
  }

  /** mmap of a block with a payload of `size` bytes; returns its slot. */
  private mapBlock(size: number): number {
    this.mmapCalls += 1;
    const m = takeMapBuffer(size + HEADER_BYTES);
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.maps.length;
    this.maps[slot] = m;
    m[SIZE] = size;
    m[STATUS] = MAPPED;
    m[PREV] = this.mappedTail;
    m[NEXT] = -1;
    if (this.mappedTail < 0) this.mappedHead = slot;
    else this.maps[this.mappedTail]![NEXT] = slot;
    this.mappedTail = slot;
    this.mappedBytes += size + HEADER_BYTES;
    return slot;
  }

  private unmapBlock(slot: number): void {
    this.munmapCalls += 1;
    const m = this.maps[slot]!;
    const prev = m[PREV]!;
    const next = m[NEXT]!;
    if (prev < 0) this.mappedHead = next;
    else this.maps[prev]![NEXT] = next;
    if (next < 0) this.mappedTail = prev;
    else this.maps[next]![PREV] = prev;
    this.mappedBytes -= m[SIZE]! + HEADER_BYTES;
    this.maps[slot] = undefined;
    this.freeSlots.push(slot);
    giveMapBuffer(m);
  }

  // --- the free set ---

  private insertFree(b: number, size: number): void {
    if (size <= BIN_MAX_BYTES) this.binInsert((size - 1) >>> 3, b);
    else this.largeInsert(size, b);
  }

  private removeFree(b: number, size: number): void {
    if (size <= BIN_MAX_BYTES) this.binRemove((size - 1) >>> 3, b);
    else this.largeRemove(size, b);
  }

  /** The best free block for `size` bytes: smallest payload that holds them, lowest address; -1 if none. */
  private findFit(size: number): number {
    if (size <= BIN_MAX_BYTES && this.smallHeld > 0) {
      const bin = (size - 1) >>> 3;
      let word = bin >>> 5;
      let bits = this.bitmap[word]! & (-1 << (bin & 31));
      if (bits === 0 && word + 1 < BITMAP_WORDS) {
        const from = word + 1;
        let group = from >>> 5;
        let groupBits = this.summary[group]! & (-1 << (from & 31));
        while (groupBits === 0 && ++group < SUMMARY_WORDS) groupBits = this.summary[group]!;
        if (groupBits !== 0) {
          word = (group << 5) + 31 - Math.clz32(groupBits & -groupBits);
          bits = this.bitmap[word]!;
        }
      }
      if (bits !== 0) return this.heaps[(word << 5) + 31 - Math.clz32(bits & -bits)]![0]!;
    }
    const i = this.largeLowerBound(size, -1);
    return i < this.largeCount ? this.largeBlocks[i]! : -1;
  }

  /** Marks `b` free (freed, or the rest of a split) and queues it when a touching neighbour is free. */
  private addFree(b: number, size: number): void {
    const w = this.w;
    w[b + STATUS] = FREE;
    this.insertFree(b, size);
    const prev = w[b + PREV]!;
    const next = w[b + NEXT]!;
    if ((prev >= 0 && w[prev + STATUS] === FREE) || (next >= 0 && w[next + STATUS] === FREE)) {
      if (this.queued === this.queue.length) {
        const grown = new Int32Array(this.queue.length * 2);
        grown.set(this.queue);
        this.queue = grown;
      }
      w[b + QUEUE_SLOT] = this.queued;
      this.queue[this.queued++] = b;
    }
  }

  /** Drops the free block `b` from the coalescing queue if it is in it (it is being absorbed). */
  private unqueue(b: number): void {
    const slot = this.w[b + QUEUE_SLOT]!;
    if (slot >= 0 && slot < this.queued && this.queue[slot] === b) this.queue[slot] = -1;
  }

  /** The deferred coalescing pass: merges every run of touching free blocks that gained a member since the last pass. */
  private coalesce(): void {
    const w = this.w;
    const queue = this.queue;
    for (let i = 0; i < this.queued; i++) {
      let first = queue[i]!;
      if (first < 0) continue;
      for (let prev = w[first + PREV]!; prev >= 0 && w[prev + STATUS] === FREE; prev = w[first + PREV]!) first = prev;
      let next = w[first + NEXT]!;
      if (next < 0 || w[next + STATUS] !== FREE) continue;
      const firstSize = w[first + SIZE]!;
      this.removeFree(first, firstSize);
      let size = firstSize;
      do {
        const nextSize = w[next + SIZE]!;
        this.removeFree(next, nextSize);
        this.unqueue(next);
        size += HEADER_BYTES + nextSize;
        next = w[next + NEXT]!;
      } while (next >= 0 && w[next + STATUS] === FREE);
      w[first + NEXT] = next;
      if (next < 0) this.tail = first;
      else w[next + PREV] = first;
      w[first + SIZE] = size;
      this.insertFree(first, size);
    }
    this.queued = 0;
  }

  // --- list surgery ---

  /** Cuts the allocated block `b` (payload `size`) to `keep` bytes when the rest holds a header + 8; the rest becomes free. */
  private split(b: number, size: number, keep: number): void {
    if (size - keep < MIN_SPLIT_REMAINDER) return;
    const w = this.w;
    const rest = b + HEADER_WORDS + (keep >>> 2);
    const next = w[b + NEXT]!;
    w[rest + SIZE] = size - keep - HEADER_BYTES;
    w[rest + PREV] = b;
    w[rest + NEXT] = next;
    w[b + NEXT] = rest;
    if (next < 0) this.tail = rest;
    else w[next + PREV] = rest;
    w[b + SIZE] = keep;
    this.addFree(rest, size - keep - HEADER_BYTES);
  }

  /** Appends a block at the break (which the caller just moved past it). */
  private append(b: number, size: number, status: number): void {
    const w = this.w;
    w[b + SIZE] = size;
    w[b + STATUS] = status;
    w[b + PREV] = this.tail;
    w[b + NEXT] = -1;
    if (this.tail < 0) this.head = b;
    else w[this.tail + NEXT] = b;
    this.tail = b;
  }

  // --- the malloc family (block word indexes; the adapter below turns them into pointers) ---

  /** A heap block of `size` (aligned, below the mmap threshold) bytes: best fit, else the break grows. */
  allocateOnHeap(size: number): number {
    if (!this.started) {
      this.started = true;
      this.brkCalls += 1; // brk(0)
      this.brk(PREALLOC_BYTES);
      this.append(0, PREALLOC_BYTES - HEADER_BYTES, FREE);
      this.insertFree(0, PREALLOC_BYTES - HEADER_BYTES);
    }
    if (this.queued > 0) this.coalesce();
    const b = this.findFit(size);
    if (b >= 0) {
      const w = this.w;
      const fitSize = w[b + SIZE]!;
      this.removeFree(b, fitSize);
      w[b + STATUS] = ALLOC;
      this.split(b, fitSize, size);
      return b;
    }
    const tail = this.tail;
    if (this.w[tail + STATUS] === FREE) {
      const tailSize = this.w[tail + SIZE]!;
      this.removeFree(tail, tailSize);
      this.brk(size - tailSize);
      this.w[tail + SIZE] = size;
      this.w[tail + STATUS] = ALLOC;
      return tail;
    }
    const fresh = this.breakWord;
    this.brk(size + HEADER_BYTES);
    this.append(fresh, size, ALLOC);
    return fresh;
  }

  /** malloc(n): a payload pointer; 0 for n = 0. */
  malloc(n: number): number {
    if (n === 0) return 0;
    const size = (n + 7) & ~7;
    if (size + HEADER_BYTES >= MMAP_THRESHOLD_BYTES) return MMAP_BASE + this.mapBlock(size) * MAP_STRIDE + HEADER_BYTES;
    return HEAP_START + (this.allocateOnHeap(size) + HEADER_WORDS) * 4;
  }

  /** free(ptr) for a live pointer. */
  free(ptr: number): void {
    if (ptr >= MMAP_BASE) {
      this.unmapBlock((ptr - MMAP_BASE - HEADER_BYTES) / MAP_STRIDE);
      return;
    }
    const b = ((ptr - HEAP_START) >>> 2) - HEADER_WORDS;
    this.addFree(b, this.w[b + SIZE]!);
  }

  /** realloc(ptr, n) with C semantics: realloc(0, n) = malloc(n), realloc(ptr, 0) = free(ptr) and 0. */
  realloc(ptr: number, n: number): number {
    if (ptr === 0) return this.malloc(n);
    if (n === 0) {
      this.free(ptr);
      return 0;
    }
    if (ptr >= MMAP_BASE) return this.move(ptr, n);
    const size = (n + 7) & ~7;
    const b = ((ptr - HEAP_START) >>> 2) - HEADER_WORDS;
    const w = this.w;
    let current = w[b + SIZE]!;
    if (size === current) return ptr;
    if (size + HEADER_BYTES >= MMAP_THRESHOLD_BYTES) return this.move(ptr, n);
    if (size < current) {
      this.split(b, current, size);
      return ptr;
    }
    if (b !== this.tail) {
      for (let next = w[b + NEXT]!; current < size && next >= 0 && w[next + STATUS] === FREE; next = w[b + NEXT]!) {
        const nextSize = w[next + SIZE]!;
        this.removeFree(next, nextSize);
        this.unqueue(next);
        const after = w[next + NEXT]!;
        w[b + NEXT] = after;
        if (after < 0) this.tail = b;
        else w[after + PREV] = b;
        current += HEADER_BYTES + nextSize;
        w[b + SIZE] = current;
      }
      if (current >= size) {
        this.split(b, current, size);
        return ptr;
      }
    }
    if (b === this.tail) {
      this.brk(size - current);
      this.w[b + SIZE] = size;
      return ptr;
    }
    return this.move(ptr, n);
  }

  /** realloc by moving: malloc's rules for the new block, copy min(old, new) bytes, free the old block. */
  private move(ptr: number, n: number): number {
    const moved = this.malloc(n);
    const size = (n + 7) & ~7;
    if (ptr >= MMAP_BASE) {
      const from = this.maps[(ptr - MMAP_BASE - HEADER_BYTES) / MAP_STRIDE]!;
      const words = Math.min(from[SIZE]!, size) >>> 2;
      const source = from.subarray(HEADER_WORDS, HEADER_WORDS + words);
      if (moved >= MMAP_BASE) this.maps[(moved - MMAP_BASE - HEADER_BYTES) / MAP_STRIDE]!.set(source, HEADER_WORDS);
      else this.w.set(source, (moved - HEAP_START) >>> 2);
    } else {
      const b = ((ptr - HEAP_START) >>> 2) - HEADER_WORDS;
      const words = Math.min(this.w[b + SIZE]!, size) >>> 2;
      const from = b + HEADER_WORDS;
      if (moved >= MMAP_BASE) this.maps[(moved - MMAP_BASE - HEADER_BYTES) / MAP_STRIDE]!.set(this.w.subarray(from, from + words), HEADER_WORDS);
      else this.w.copyWithin((moved - HEAP_START) >>> 2, from, from + words);
    }
    this.free(ptr);
    return moved;
  }

  /** True when `ptr` (live) is a mapped block's payload. */
  static isMapped(ptr: number): boolean {
    return ptr >= MMAP_BASE;
  }

  // --- bins: 4-ary min-heaps of block word indexes; a block's slot is kept in its payload ---

  private binInsert(bin: number, b: number): void {
    const count = this.counts[bin]!;
    let heap = this.heaps[bin]!;
    if (count === heap.length) {
      const grown = new Int32Array(Math.max(FIRST_BIN_CAPACITY, count * 2));
      grown.set(heap);
      this.heaps[bin] = heap = grown;
    }
    this.counts[bin] = count + 1;
    this.smallHeld += 1;
    if (count === 0) {
      const word = bin >>> 5;
      this.bitmap[word]! |= 1 << (bin & 31);
      this.summary[word >>> 5]! |= 1 << (word & 31);
    }
    this.siftUp(heap, count, b);
  }

  /** Puts block `b` into the hole at `slot` of `heap` or above it, moving larger parents down. */
  private siftUp(heap: Int32Array, slot: number, b: number): void {
    const w = this.w;
    while (slot > 0) {
      const parent = (slot - 1) >> 2;
      const parentBlock = heap[parent]!;
      if (parentBlock < b) break;
      heap[slot] = parentBlock;
      w[parentBlock + HEAP_SLOT] = slot;
      slot = parent;
    }
    heap[slot] = b;
    w[b + HEAP_SLOT] = slot;
  }

  private binRemove(bin: number, b: number): void {
    const heap = this.heaps[bin]!;
    const last = this.counts[bin]! - 1;
    const w = this.w;
    let slot = w[b + HEAP_SLOT]!;
    this.counts[bin] = last;
    this.smallHeld -= 1;
    if (last === 0) {
      const word = bin >>> 5;
      const bits = this.bitmap[word]! & ~(1 << (bin & 31));
      this.bitmap[word] = bits;
      if (bits === 0) this.summary[word >>> 5]! &= ~(1 << (word & 31));
    }
    if (slot === last) return;
    const moved = heap[last]!;
    if (slot > 0 && heap[(slot - 1) >> 2]! > moved) {
      this.siftUp(heap, slot, moved);
      return;
    }
    // sift down
    for (;;) {
      const first = 4 * slot + 1;
      if (first >= last) break;
      const end = first + 4 < last ? first + 4 : last;
      let child = first;
      let childBlock = heap[first]!;
      for (let other = first + 1; other < end; other++) {
        const otherBlock = heap[other]!;
        if (otherBlock < childBlock) {
          child = other;
          childBlock = otherBlock;
        }
      }
      if (moved < childBlock) break;
      heap[slot] = childBlock;
      w[childBlock + HEAP_SLOT] = slot;
      slot = child;
    }
    heap[slot] = moved;
    w[moved + HEAP_SLOT] = slot;
  }

  // --- large blocks: a sorted array of (size, block) ---

  /** The first index whose (size, block) is at least (`size`, `b`). */
  private largeLowerBound(size: number, b: number): number {
    const sizes = this.largeSizes;
    const blocks = this.largeBlocks;
    let low = 0;
    let high = this.largeCount;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const s = sizes[mid]!;
      if (s < size || (s === size && blocks[mid]! < b)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private largeInsert(size: number, b: number): void {
    if (this.largeCount === this.largeSizes.length) {
      const sizes = new Float64Array(this.largeCount * 2);
      sizes.set(this.largeSizes);
      this.largeSizes = sizes;
      const blocks = new Int32Array(this.largeCount * 2);
      blocks.set(this.largeBlocks);
      this.largeBlocks = blocks;
    }
    const i = this.largeLowerBound(size, b);
    const sizes = this.largeSizes;
    const blocks = this.largeBlocks;
    const count = this.largeCount;
    // A short shift in a loop: copyWithin's call costs more than moving a few entries (there are rarely many).
    if (count - i > SHORT_SHIFT) {
      sizes.copyWithin(i + 1, i, count);
      blocks.copyWithin(i + 1, i, count);
    } else {
      for (let j = count; j > i; j--) {
        sizes[j] = sizes[j - 1]!;
        blocks[j] = blocks[j - 1]!;
      }
    }
    sizes[i] = size;
    blocks[i] = b;
    this.largeCount = count + 1;
  }

  private largeRemove(size: number, b: number): void {
    const i = this.largeLowerBound(size, b);
    const sizes = this.largeSizes;
    const blocks = this.largeBlocks;
    const count = this.largeCount - 1;
    if (count - i > SHORT_SHIFT) {
      sizes.copyWithin(i, i + 1, count + 1);
      blocks.copyWithin(i, i + 1, count + 1);
    } else {
      for (let j = i; j < count; j++) {
        sizes[j] = sizes[j + 1]!;
        blocks[j] = blocks[j + 1]!;
      }
    }
    this.largeCount = count;
  }
}

/** A fresh bare best-fit heap per run. */
export const bareBestFit: AllocatorFactory = {
  name: "bare-best-fit",
  create: () => new BareBestFit(),
};
