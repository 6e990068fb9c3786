// One region of the simulated address space (the brk heap or one mapping) and its backing bytes.
// A region owns `[start, end)`; its buffer may be longer than that (the heap grows by doubling), and
// every byte of the buffer beyond `end - start` is kept zero so that re-exposed memory reads as zero.
import type { Addr } from "@osmem/syscalls";
import { recycleHeap, takeRecycledHeap } from "./recycled-heaps.js";

/** The smallest heap buffer ever allocated, so that early small `brk` steps do not copy. */
const MIN_HEAP_CAPACITY_BYTES = 64 * 1024;

/** A live byte range and the buffer that holds it. All regions share this one shape (monomorphic access). */
export class Region {
  // Number fields get a number initializer (docs/architecture.md, "Rules of the hot paths").
  /** First address (inclusive). */
  start: Addr = 0;
  /** One past the last live address. */
  end: Addr = 0;
  /** The backing bytes; index 0 is `start`. */
  bytes: Uint8Array;
  /** A little-endian-capable view over `bytes`. */
  view: DataView;
  /** `bytes` as whole 32-bit words (host order), for memory windows. */
  words: Uint32Array;
  /** The same words, signed. */
  signedWords: Int32Array;
  /** Bumped whenever `end` or the buffer changes (what a memory window over the region depends on). */
  generation = 0;

  constructor(start: Addr, end: Addr, bytes: Uint8Array) {
    this.start = start;
    this.end = end;
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.words = wordsOf(bytes);
    this.signedWords = new Int32Array(this.words.buffer, this.words.byteOffset, this.words.length);
  }
}

/** The whole 32-bit words of `bytes`. pre: `bytes` starts 4-aligned in its buffer. */
function wordsOf(bytes: Uint8Array): Uint32Array {
  return new Uint32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
}

/** Allocates `lengthBytes` zeroed bytes, or returns `null` when the host refuses (the caller reports ENOMEM). */
export function tryAllocateBytes(lengthBytes: number): Uint8Array | null {
  try {
    return new Uint8Array(lengthBytes);
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

/**
 * Makes the heap's buffer hold at least `lengthBytes`, doubling (capped at `maxCapacityBytes`) and
 * copying the live bytes; a zeroed buffer left by a released heap is taken first when one is large
 * enough, and the outgrown buffer is zeroed and kept for later heaps. Returns `false`, with the heap
 * unchanged, when the host cannot allocate the buffer.
 */
export function ensureHeapCapacity(heap: Region, lengthBytes: number, maxCapacityBytes: number): boolean {
  const capacity = heap.bytes.length;
  if (lengthBytes <= capacity) return true;
  const preferred = Math.max(lengthBytes, Math.min(Math.max(2 * capacity, MIN_HEAP_CAPACITY_BYTES), maxCapacityBytes));
  const grown = takeRecycledHeap(lengthBytes) ?? tryAllocateBytes(preferred) ?? (preferred > lengthBytes ? tryAllocateBytes(lengthBytes) : null);
  if (grown === null) return false;
  const usedBytes = Math.min(heap.end - heap.start, capacity);
  grown.set(heap.bytes.subarray(0, usedBytes));
  recycleHeap(heap.bytes, usedBytes);
  heap.bytes = grown;
  heap.view = new DataView(grown.buffer);
  heap.words = wordsOf(grown);
  heap.signedWords = new Int32Array(grown.buffer, 0, heap.words.length);
  heap.generation += 1;
  return true;
}

/** Empties the heap (its end back at its start) and hands its buffer, zeroed, to later heaps. */
export function releaseHeap(heap: Region): void {
  const bytes = heap.bytes;
  const usedBytes = heap.end - heap.start;
  const empty = new Uint8Array(0);
  heap.end = heap.start;
  heap.bytes = empty;
  heap.view = new DataView(empty.buffer);
  heap.words = wordsOf(empty);
  heap.signedWords = new Int32Array(empty.buffer);
  heap.generation += 1;
  recycleHeap(bytes, usedBytes);
}

/** Moves the heap's end, zeroing the bytes that a lowered end hides. pre: capacity already ensured. */
export function setHeapEnd(heap: Region, end: Addr): void {
  if (end < heap.end) heap.bytes.fill(0, end - heap.start, heap.end - heap.start);
  heap.end = end;
  heap.generation += 1;
}
