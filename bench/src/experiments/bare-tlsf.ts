// The bare TLSF of the ceiling experiment (ceiling-tlsf.ts): everything osmem adds left out, to see
// what plain JavaScript reaches on the benchmark's workloads. One function per operation over one
// Int32Array: no Memory, no policy interface, no pointer validation, no mmap, no statistics, word
// indexes instead of addresses, a realloc that always moves. TLSF classes as in @osmem/policies with
// the free-list links inside the free payloads, immediate coalescing, the same 32-byte header layout
// and 8-byte alignment. Not an allocator anyone should use: a bad pointer corrupts it.
import type { AllocatorFactory, BenchAllocator } from "../allocators.js";

// TLSF classes in 8-byte units: one per unit below 32, then 32 per power of two.
const SL_LOG2 = 5;
const SL_COUNT = 32;
const CLASS_COUNT = (49 - SL_LOG2 + 2) * SL_COUNT;
const classOf = (units: number): number => {
  if (units < SL_COUNT) return units;
  const level = 31 - Math.clz32(units);
  return (level - SL_LOG2 + 1) * SL_COUNT + ((units >>> (level - SL_LOG2)) & (SL_COUNT - 1));
};
const searchClassOf = (units: number): number => (units < SL_COUNT ? units : classOf(units + (1 << (31 - Math.clz32(units) - SL_LOG2)) - 1));

// Header words from a block's first word b: [b] size, [b+2] status (0 free, 1 alloc), [b+4] prev,
// [b+6] next (word indexes, -1 for none); a free block's payload: [b+8] next free, [b+9] prev free.
const SIZE = 0, STATUS = 2, PREV = 4, NEXT = 6, FREE_NEXT = 8, FREE_PREV = 9, HEADER_WORDS = 8;

/** One heap, reusing a shared buffer between runs (as the benchmark reuses simulated memory). */
class BareTlsf {
  private readonly w: Int32Array;
  /** The first word past the last block. */
  endWord = 0;
  private tail = -1;
  private readonly heads = new Int32Array(CLASS_COUNT).fill(-1);
  private readonly bits = new Uint32Array(CLASS_COUNT >>> 5);

  constructor(words: Int32Array) {
    this.w = words;
  }

  private pushFree(b: number, size: number): void {
    const w = this.w;
    const cls = classOf(size >>> 3);
    const head = this.heads[cls]!;
    w[b + FREE_NEXT] = head;
    w[b + FREE_PREV] = -1;
    if (head >= 0) w[head + FREE_PREV] = b;
    this.heads[cls] = b;
    this.bits[cls >>> 5]! |= 1 << (cls & 31);
  }

  private unlinkFree(b: number, size: number): void {
    const w = this.w;
    const next = w[b + FREE_NEXT]!;
    const prev = w[b + FREE_PREV]!;
    if (next >= 0) w[next + FREE_PREV] = prev;
    if (prev >= 0) w[prev + FREE_NEXT] = next;
    else {
      const cls = classOf(size >>> 3);
      this.heads[cls] = next;
      if (next < 0) this.bits[cls >>> 5]! &= ~(1 << (cls & 31));
    }
  }

  private findFree(size: number): number {
    const cls = searchClassOf(size >>> 3);
    let word = cls >>> 5;
    let mask = this.bits[word]! & (0xffffffff << (cls & 31));
    while (mask === 0) {
      word += 1;
      if (word >= this.bits.length) return -1;
      mask = this.bits[word]!;
    }
    return this.heads[(word << 5) + (31 - Math.clz32(mask & -mask))]!;
  }

  /** The first word of a block with at least `n` payload bytes, or -1 when the buffer is full. */
  malloc(n: number): number {
    const size = (n + 7) & ~7;
    const w = this.w;
    const b = this.findFree(size);
    if (b < 0) {
      const fresh = this.endWord;
      if (fresh + HEADER_WORDS + (size >>> 2) > w.length) return -1;
      this.endWord += HEADER_WORDS + (size >>> 2);
      w[fresh + SIZE] = size;
      w[fresh + STATUS] = 1;
      w[fresh + PREV] = this.tail;
      w[fresh + NEXT] = -1;
      if (this.tail >= 0) w[this.tail + NEXT] = fresh;
      this.tail = fresh;
      return fresh;
    }
    const blockSize = w[b + SIZE]!;
    this.unlinkFree(b, blockSize);
    w[b + STATUS] = 1;
    if (blockSize - size >= 40) {
      const rest = b + HEADER_WORDS + (size >>> 2);
      const restSize = blockSize - size - 32;
      const next = w[b + NEXT]!;
      w[rest + SIZE] = restSize;
      w[rest + STATUS] = 0;
      w[rest + PREV] = b;
      w[rest + NEXT] = next;
      w[b + NEXT] = rest;
      if (next >= 0) w[next + PREV] = rest;
      else this.tail = rest;
      w[b + SIZE] = size;
      this.pushFree(rest, restSize);
    }
    return b;
  }

  /** Frees the block whose first word is `block`. */
  free(block: number): void {
    const w = this.w;
    let b = block;
    let size = w[b + SIZE]!;
    const next = w[b + NEXT]!;
    if (next >= 0 && w[next + STATUS]! === 0) {
      const nextSize = w[next + SIZE]!;
      this.unlinkFree(next, nextSize);
      size += 32 + nextSize;
      const after = w[next + NEXT]!;
      w[b + NEXT] = after;
      if (after >= 0) w[after + PREV] = b;
      else this.tail = b;
    }
    const prev = w[b + PREV]!;
    if (prev >= 0 && w[prev + STATUS]! === 0) {
      const prevSize = w[prev + SIZE]!;
      this.unlinkFree(prev, prevSize);
      size += 32 + prevSize;
      const after = w[b + NEXT]!;
      w[prev + NEXT] = after;
      if (after >= 0) w[after + PREV] = prev;
      else this.tail = prev;
      b = prev;
    }
    w[b + SIZE] = size;
    w[b + STATUS] = 0;
    this.pushFree(b, size);
  }

  /** Moves the block at `block` into a new one of `n` bytes (always), or returns -1 with `block` untouched. */
  realloc(block: number, n: number): number {
    const moved = this.malloc(n);
    if (moved < 0) return -1;
    const keepWords = Math.min(this.w[block + SIZE]!!, (n + 7) & ~7) >>> 2;
    const from = block + HEADER_WORDS;
    this.w.copyWithin(moved + HEADER_WORDS, from, from + keepWords);
    this.free(block);
    return moved;
  }
}


/** Payload addresses handed to the replay loop: the block's payload byte offset, never 0. */
const payloadOf = (block: number): number => (block + HEADER_WORDS) * 4;
const blockOf = (ptr: number): number => ptr / 4 - HEADER_WORDS;

/** One 1 GiB buffer for every heap of the run (headers are written before they are read). */
let shared: Int32Array | undefined;

/** The bare TLSF behind the benchmark's allocator interface, with its C edge cases. */
export const bareTlsf: AllocatorFactory = {
  name: "bare-tlsf",
  create(): BenchAllocator {
    shared ??= new Int32Array(2 ** 28);
    const heap = new BareTlsf(shared);
    return {
      malloc: (sizeBytes) => {
        if (sizeBytes === 0) return 0;
        const block = heap.malloc(sizeBytes);
        return block < 0 ? 0 : payloadOf(block);
      },
      free: (ptr) => heap.free(blockOf(ptr)),
      realloc: (ptr, sizeBytes) => {
        if (ptr === 0) {
          const block = sizeBytes === 0 ? -1 : heap.malloc(sizeBytes);
          return block < 0 ? 0 : payloadOf(block);
        }
        if (sizeBytes === 0) {
          heap.free(blockOf(ptr));
          return 0;
        }
        const moved = heap.realloc(blockOf(ptr), sizeBytes);
        return moved < 0 ? 0 : payloadOf(moved);
      },
      footprintBytes: () => heap.endWord * 4,
      release: () => {},
    };
  },
};

