// The list surgery that dominates every workload, done on window words when the window covers the
// whole heap (HeapState.heapInWindow): freeing an allocated heap block, splitting an allocated block,
// carving a block from the back of a free one, merging one run of touching free blocks, and appending
// a block at the end of the heap after a brk (half of all mallocs on some real traces). Each
// header is found once (one subtraction) instead of once per field through a bounds-checked accessor,
// and its fields are read and written here as words of the window's arrays, held in locals: a call
// of a BlockHeaders accessor per field made these paths too large (in V8's bytecode) for V8 to inline
// them into malloc and free (holding the arrays took 7.6–13.7% off a trace; see docs/architecture.md).
// HeapState calls them from its general methods, after pointer validation; they make exactly the
// decisions and writes of those methods and decline (return false, having changed nothing) when
// the window does not cover the heap. window-paths.test.ts replays the same programs with and without
// a window and compares every heap byte.
import type { Addr } from "@osmem/syscalls";
import type { BlockStatus } from "../api.js";
import type { HeapState } from "./heap-state.js";
import { Layout, Status } from "./layout.js";
import { isHeapBlockStart } from "./pointers.js";

/**
 * Header words, from a header's first word (the Layout offsets divided by 4). The payload size is the
 * first word itself, read as `u32[w]` (without a `+ 0`: V8 counts every bytecode of a function against
 * its inlining budget); its high word, `u32[w + 1]`, is 0 for every block a window covers (at most
 * 2^32 bytes).
 */
const enum Word {
  Status = 2,
  Pad = 3,
  /** The low word of the previous block's address (its high word follows). */
  Prev = 4,
  /** The low word of the next block's address (its high word follows). */
  Next = 6,
}

/**
 * Makes the allocated heap block `block` (payload `sizeBytes`, already taken out of the stats' bytes
 * in use) free: merged with its free neighbours at once under immediate coalescing, else queued for
 * the pass when it touches one. pre: `block` passed pointer validation. Returns false, having changed
 * nothing, when the window does not cover the heap.
 */
export function releaseInWindow(s: HeapState, block: Addr, sizeBytes: number): boolean {
  if (!s.heapInWindow) return false;
  if (s.coalescingImmediate) mergeFreedNow(s, block, sizeBytes);
  else addFreeBlock(s, block, s.headers.wordAt(block), sizeBytes, "freed");
  return true;
}

/**
 * free() of `ptr` at check level 0 when it is the payload of an allocated heap block the window
 * covers: the pointer passes the general path's test ({@link isHeapBlockStart}), the status is read as
 * a window word instead of through a header record, and the block is released as `releaseBlockOf`
 * releases it. Returns false, having changed nothing, for anything else (a mapped block, a free one, a
 * bad pointer, a higher check level, no window): the general path then handles it, and throws for misuse.
 */
export function freeInWindow(s: HeapState, ptr: Addr): boolean {
  if (!s.heapInWindow || s.checkLevel !== 0) return false;
  const block = ptr - Layout.HeaderBytes;
  if (!isHeapBlockStart(s, block)) return false;
  const h = s.headers;
  const w = h.wordAt(block);
  if (h.i32[w + Word.Status] !== Status.Alloc) return false;
  const sizeBytes = h.u32[w]!;
  const c = s.counters;
  c.bytesInUse -= sizeBytes;
  c.allocBlocks -= 1;
  if (s.coalescingImmediate) mergeFreedNow(s, block, sizeBytes);
  else addFreeBlock(s, block, w, sizeBytes, "freed");
  return true;
}

/**
 * {@link releaseInWindow} under immediate coalescing: merges the block with its free neighbours, then
 * tells the strategy of the merged block only.
 */
function mergeFreedNow(s: HeapState, block: Addr, sizeBytes: number): void {
  const h = s.headers;
  const { u32, i32, baseLow } = h;
  let w = h.wordAt(block);
  sizeBytes = absorbFreeAfter(s, block, w, sizeBytes);
  for (let p = freeWordBefore(u32, i32, w, baseLow); p >= 0; p = freeWordBefore(u32, i32, w, baseLow)) {
    const prev = h.addrAt(p);
    const prevBytes = u32[p]!;
    s.removeFree(prev, prevBytes, "resized");
    unlinkNext(s, prev, p, block, w);
    sizeBytes += prevBytes + Layout.HeaderBytes;
    block = prev;
    w = p;
  }
  setSize(u32, w, sizeBytes);
  addFreeBlock(s, block, w, sizeBytes, "freed");
}

/**
 * Cuts the allocated heap block `block` (payload `sizeBytes`) down to `keepBytes`; the rest becomes a
 * free block right after it (merged with the free blocks after it under immediate coalescing). pre:
 * the rest holds a header plus 8 bytes. Returns false, having changed nothing, when the window does not
 * cover the heap.
 */
export function splitInWindow(s: HeapState, block: Addr, sizeBytes: number, keepBytes: number): boolean {
  if (!s.heapInWindow) return false;
  splitAt(s, block, s.headers.wordAt(block), sizeBytes, keepBytes);
  return true;
}

/**
 * Allocates the free heap block `block` (payload `blockBytes`) for a request of `keepBytes`: takes it
 * out of the free set, marks it allocated and splits the rest off when it holds a header plus 8
 * bytes, as `allocateFree` and `splitAllocated` do. Returns false, having changed nothing, when the
 * window does not cover the heap.
 */
export function allocateInWindow(s: HeapState, block: Addr, blockBytes: number, keepBytes: number): boolean {
  if (!s.heapInWindow) return false;
  const c = s.counters;
  c.bytesFree -= blockBytes;
  c.freeBlocks -= 1;
  s.strategy.removeFree(block, blockBytes, "allocated");
  const h = s.headers;
  const w = h.wordAt(block);
  h.i32[w + Word.Status] = Status.Alloc;
  c.allocBlocks += 1;
  c.bytesInUse += blockBytes;
  if (blockBytes - keepBytes >= Layout.MinSplitRemainder) splitAt(s, block, w, blockBytes, keepBytes);
  return true;
}

/**
 * The header side of carving an allocated block of `takeBytes` from the back of the free heap block
 * `block`, which keeps `frontBytes` in front: writes the new block's header, links it in and shrinks
 * `block`. Returns false, having changed nothing, when the window does not cover the heap.
 */
export function carveInWindow(s: HeapState, block: Addr, frontBytes: number, takeBytes: number): boolean {
  if (!s.heapInWindow) return false;
  const h = s.headers;
  const w = h.wordAt(block);
  linkAfter(s, block, w, block + Layout.HeaderBytes + frontBytes, takeBytes, Status.Alloc);
  setSize(h.u32, w, frontBytes);
  return true;
}

/**
 * The header side of appending a block at `block` (payload `sizeBytes`, the new memory at the end of
 * the heap) after the last block: writes its header and links it. Returns false, having changed
 * nothing, when the window does not cover the heap.
 */
export function appendInWindow(s: HeapState, block: Addr, sizeBytes: number, status: BlockStatus): boolean {
  if (!s.heapInWindow) return false;
  const h = s.headers;
  const { u32, i32 } = h;
  const tail = s.heapTail;
  const a = h.wordAt(block);
  setSize(u32, a, sizeBytes);
  i32[a + Word.Status] = status;
  i32[a + Word.Pad] = 0;
  setLink(u32, a + Word.Prev, tail);
  setLink(u32, a + Word.Next, 0);
  if (tail === 0) s.heapHead = block;
  else setLink(u32, h.wordAt(tail) + Word.Next, block);
  s.heapTail = block;
  return true;
}

/**
 * One entry of the deferred coalescing pass: merges the run of touching free blocks around the live
 * free heap block `queued` (checked by the caller) into the run's first block. Returns false, having
 * changed nothing, when the window does not cover the heap (the general pass then handles the entry).
 */
export function mergeRunInWindow(s: HeapState, queued: Addr): boolean {
  if (!s.heapInWindow) return false;
  const h = s.headers;
  const { u32, i32, baseLow } = h;
  let w = h.wordAt(queued);
  for (let p = freeWordBefore(u32, i32, w, baseLow); p >= 0; p = freeWordBefore(u32, i32, w, baseLow)) w = p;
  const firstBytes = u32[w]!;
  if (freeWordAfter(u32, i32, w, firstBytes, baseLow) < 0) return true;
  // The strategy hears of the run once: the first block leaves the free set, the others are absorbed
  // (each leaving it), and the merged block comes back.
  const first = h.addrAt(w);
  s.removeFree(first, firstBytes, "resized");
  addFreeBlock(s, first, w, absorbFreeAfter(s, first, w, firstBytes), "merged");
  return true;
}

// --- list surgery on window words, as heap-state.ts does it through accessors ---
// Links are followed as header words (-1 for none): the list of a heap the window covers
// only ever links headers inside it. The typed arrays are fetched once per function: nothing here
// makes a syscall, so the window cannot change under them.

/**
 * Cuts the allocated block `block` (header word `w`, payload `sizeBytes`, counted in use) down to
 * `keepBytes`; the rest becomes a free block right after it. pre: the rest holds a header plus 8 bytes.
 */
function splitAt(s: HeapState, block: Addr, w: number, sizeBytes: number, keepBytes: number): void {
  const rest = block + Layout.HeaderBytes + keepBytes;
  let restBytes = sizeBytes - keepBytes - Layout.HeaderBytes;
  const r = linkAfter(s, block, w, rest, restBytes, Status.Free);
  setSize(s.headers.u32, w, keepBytes);
  s.counters.bytesInUse -= restBytes + Layout.HeaderBytes;
  if (s.coalescingImmediate) restBytes = absorbFreeAfter(s, rest, r, restBytes);
  addFreeBlock(s, rest, r, restBytes, "split");
}

/**
 * Folds every touching free block after `block` (header word `w`, payload `sizeBytes`, not in the
 * free set) into it, taking them out of the free set and unlinking each on its own; returns the new
 * payload size, written only when it changed.
 */
function absorbFreeAfter(s: HeapState, block: Addr, w: number, sizeBytes: number): number {
  const h = s.headers;
  const { u32, i32, baseLow } = h;
  let merged = sizeBytes;
  for (let n = freeWordAfter(u32, i32, w, merged, baseLow); n >= 0; n = freeWordAfter(u32, i32, w, merged, baseLow)) {
    const nextBytes = u32[n]!;
    const next = h.addrAt(n);
    s.removeFree(next, nextBytes, "merged");
    unlinkNext(s, block, w, next, n);
    merged += Layout.HeaderBytes + nextBytes;
  }
  if (merged !== sizeBytes) setSize(u32, w, merged);
  return merged;
}

/**
 * Writes the header of a new block at `added` (payload `sizeBytes`), right after `block` (header word
 * `w`), and links it into the list; returns its header word.
 */
function linkAfter(s: HeapState, block: Addr, w: number, added: Addr, sizeBytes: number, status: BlockStatus): number {
  const h = s.headers;
  const { u32, i32 } = h;
  const a = h.wordAt(added);
  // The link is copied and decoded here and in unlinkNext by hand, not with a decoding helper and a
  // copy helper: that version counted 5% more instructions per op on `perl` (V8 inlined less around it).
  const nextLow = u32[w + Word.Next]!;
  const nextHigh = u32[w + Word.Next + 1]!;
  setSize(u32, a, sizeBytes);
  i32[a + Word.Status] = status;
  i32[a + Word.Pad] = 0;
  setLink(u32, a + Word.Prev, block);
  u32[a + Word.Next] = nextLow;
  u32[a + Word.Next + 1] = nextHigh;
  s.starts.add(added);
  setLink(u32, w + Word.Next, added);
  if ((nextLow | nextHigh) === 0) s.heapTail = added;
  else setLink(u32, ((nextLow - h.baseLow) >>> 2) + Word.Prev, added);
  return a;
}

/** Unlinks `next` (header word `n`), the block after `block` (word `w`), from the list. */
function unlinkNext(s: HeapState, block: Addr, w: number, next: Addr, n: number): void {
  const h = s.headers;
  const u32 = h.u32;
  const afterLow = u32[n + Word.Next]!;
  const afterHigh = u32[n + Word.Next + 1]!;
  s.starts.delete(next);
  u32[w + Word.Next] = afterLow;
  u32[w + Word.Next + 1] = afterHigh;
  if ((afterLow | afterHigh) === 0) s.heapTail = block;
  else setLink(u32, ((afterLow - h.baseLow) >>> 2) + Word.Prev, block);
}

/**
 * Marks `block` (header word `w`) free with a payload of `sizeBytes` and tells the strategy; a block
 * freed or split off under deferred coalescing that touches a free neighbour is queued for the pass.
 */
function addFreeBlock(s: HeapState, block: Addr, w: number, sizeBytes: number, reason: "freed" | "split" | "merged"): void {
  const h = s.headers;
  const { u32, i32 } = h;
  i32[w + Word.Status] = Status.Free;
  s.counters.bytesFree += sizeBytes;
  s.counters.freeBlocks += 1;
  s.strategy.insertFree(block, sizeBytes, reason);
  if (reason === "merged" || s.coalescingImmediate) return;
  // A block split off has the allocated block it came from before it: only the block after can be free.
  const baseLow = h.baseLow;
  if ((reason === "freed" && freeWordBefore(u32, i32, w, baseLow) >= 0) || freeWordAfter(u32, i32, w, sizeBytes, baseLow) >= 0) {
    s.queueForCoalescing(block);
  }
}

/**
 * The header word of the block before the block at word `w` when that block is free and ends right
 * where it starts, else -1. The link is decoded from its low word alone (integer arithmetic only); a
 * NULL link has both words 0, a header at a 4 GiB boundary only its low word. pre: the link is NULL or
 * a header inside the window.
 */
function freeWordBefore(u32: Uint32Array, i32: Int32Array, w: number, baseLow: number): number {
  const low = u32[w + Word.Prev]!;
  if ((low | u32[w + Word.Prev + 1]!) === 0) return -1;
  const p = (low - baseLow) >>> 2;
  return i32[p + Word.Status] === Status.Free && p + Layout.HeaderWords + u32[p]! / 4 === w ? p : -1;
}

/**
 * The header word of the block after the block at word `w` (payload `blockBytes`) when that block is
 * free and starts right where it ends, else -1. Decodes the link as {@link freeWordBefore} does.
 */
function freeWordAfter(u32: Uint32Array, i32: Int32Array, w: number, blockBytes: number, baseLow: number): number {
  const low = u32[w + Word.Next]!;
  if ((low | u32[w + Word.Next + 1]!) === 0) return -1;
  const n = (low - baseLow) >>> 2;
  return i32[n + Word.Status] === Status.Free && w + Layout.HeaderWords + blockBytes / 4 === n ? n : -1;
}

/** Writes the address `addr` (0 for NULL) as the 64-bit link at word `at`. */
function setLink(u32: Uint32Array, at: number, addr: Addr): void {
  const low = addr >>> 0;
  u32[at] = low;
  u32[at + 1] = (addr - low) / Layout.HighWordUnit;
}

/** Writes the payload size of the header at word `w` (below 2^32 inside a window). */
function setSize(u32: Uint32Array, w: number, sizeBytes: number): void {
  u32[w] = sizeBytes;
  u32[w + 1] = 0;
}
