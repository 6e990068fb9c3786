// The list surgery that dominates every workload, done on window words when the window covers the
// whole heap (HeapState.heapInWindow): freeing an allocated heap block, splitting an allocated block,
// carving a block from the back of a free one, merging one run of touching free blocks, and appending
// a block at the end of the heap after a brk (half of all mallocs on some real traces). Each
// header is found once (one subtraction) instead of once per field through a bounds-checked accessor.
// HeapState calls them from its general methods, after pointer validation; they make exactly the
// decisions and writes of those methods and decline (return false, having changed nothing) when
// the window does not cover the heap. window-paths.test.ts replays the same programs with and without
// a window and compares every heap byte.
import type { Addr } from "@osmem/syscalls";
import type { BlockStatus } from "../api.js";
import type { BlockHeaders } from "../block-header.js";
import type { HeapState } from "./heap-state.js";
import { Layout, Status } from "./layout.js";

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
 * {@link releaseInWindow} under immediate coalescing: merges the block with its free neighbours, then
 * tells the strategy of the merged block only.
 */
function mergeFreedNow(s: HeapState, block: Addr, sizeBytes: number): void {
  const h = s.headers;
  let w = h.wordAt(block);
  sizeBytes = absorbFreeAfter(s, block, w, sizeBytes);
  for (let p = h.prevWordAt(w); isFreeBefore(h, p, w); p = h.prevWordAt(w)) {
    const prev = h.addrAt(p);
    const prevBytes = h.sizeAt(p);
    s.removeFree(prev, prevBytes, "resized");
    unlinkNext(s, prev, p, block, w);
    sizeBytes += prevBytes + Layout.HeaderBytes;
    block = prev;
    w = p;
  }
  h.setSizeAt(w, sizeBytes);
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
  const w = s.headers.wordAt(block);
  const rest = block + Layout.HeaderBytes + keepBytes;
  let restBytes = sizeBytes - keepBytes - Layout.HeaderBytes;
  const r = linkAfter(s, block, w, rest, restBytes, Status.Free);
  s.headers.setSizeAt(w, keepBytes);
  s.counters.bytesInUse -= restBytes + Layout.HeaderBytes;
  if (s.coalescingImmediate) restBytes = absorbFreeAfter(s, rest, r, restBytes);
  addFreeBlock(s, rest, r, restBytes, "split");
  return true;
}

/**
 * The header side of carving an allocated block of `takeBytes` from the back of the free heap block
 * `block`, which keeps `frontBytes` in front: writes the new block's header, links it in and shrinks
 * `block`. Returns false, having changed nothing, when the window does not cover the heap.
 */
export function carveInWindow(s: HeapState, block: Addr, frontBytes: number, takeBytes: number): boolean {
  if (!s.heapInWindow) return false;
  const w = s.headers.wordAt(block);
  linkAfter(s, block, w, block + Layout.HeaderBytes + frontBytes, takeBytes, Status.Alloc);
  s.headers.setSizeAt(w, frontBytes);
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
  const tail = s.heapTail;
  h.writeAt(h.wordAt(block), sizeBytes, status, tail, 0);
  if (tail === 0) s.heapHead = block;
  else h.setNextAt(h.wordAt(tail), block);
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
  let w = h.wordAt(queued);
  for (let p = h.prevWordAt(w); isFreeBefore(h, p, w); p = h.prevWordAt(w)) w = p;
  const firstBytes = h.sizeAt(w);
  if (!isFreeAfter(h, w, firstBytes, h.nextWordAt(w))) return true;
  // The strategy hears of the run once: the first block leaves the free set, the others are absorbed
  // (each leaving it), and the merged block comes back.
  const first = h.addrAt(w);
  s.removeFree(first, firstBytes, "resized");
  addFreeBlock(s, first, w, absorbFreeAfter(s, first, w, firstBytes), "merged");
  return true;
}

// --- list surgery on window words, as heap-state.ts does it through accessors ---
// Links are followed as header words (BlockHeaders.prevWordAt/nextWordAt, -1 for none): the list of
// a heap the window covers only ever links headers inside it.

/**
 * Folds every touching free block after `block` (header word `w`, payload `sizeBytes`, not in the
 * free set) into it, taking them out of the free set and unlinking each on its own; returns the new
 * payload size, written only when it changed.
 */
function absorbFreeAfter(s: HeapState, block: Addr, w: number, sizeBytes: number): number {
  const h = s.headers;
  let merged = sizeBytes;
  for (let n = h.nextWordAt(w); isFreeAfter(h, w, merged, n); n = h.nextWordAt(w)) {
    const nextBytes = h.sizeAt(n);
    const next = h.addrAt(n);
    s.removeFree(next, nextBytes, "merged");
    unlinkNext(s, block, w, next, n);
    merged += Layout.HeaderBytes + nextBytes;
  }
  if (merged !== sizeBytes) h.setSizeAt(w, merged);
  return merged;
}

/**
 * Writes the header of a new block at `added` (payload `sizeBytes`), right after `block` (header word
 * `w`), and links it into the list; returns its header word.
 */
function linkAfter(s: HeapState, block: Addr, w: number, added: Addr, sizeBytes: number, status: BlockStatus): number {
  const h = s.headers;
  const a = h.wordAt(added);
  const n = h.nextWordAt(w);
  h.writeAt(a, sizeBytes, status, block, 0);
  s.starts.add(added);
  h.copyNextAt(a, w);
  h.setNextAt(w, added);
  if (n < 0) s.heapTail = added;
  else h.setPrevAt(n, added);
  return a;
}

/** Unlinks `next` (header word `n`), the block after `block` (word `w`), from the list. */
function unlinkNext(s: HeapState, block: Addr, w: number, next: Addr, n: number): void {
  const h = s.headers;
  const after = h.nextWordAt(n);
  s.starts.delete(next);
  h.copyNextAt(w, n);
  if (after < 0) s.heapTail = block;
  else h.setPrevAt(after, block);
}

/**
 * Marks `block` (header word `w`) free with a payload of `sizeBytes` and tells the strategy; a block
 * freed or split off under deferred coalescing that touches a free neighbour is queued for the pass.
 */
function addFreeBlock(s: HeapState, block: Addr, w: number, sizeBytes: number, reason: "freed" | "split" | "merged"): void {
  const h = s.headers;
  h.setStatusAt(w, Status.Free);
  s.counters.bytesFree += sizeBytes;
  s.counters.freeBlocks += 1;
  s.strategy.insertFree(block, sizeBytes, reason);
  if (reason !== "merged" && !s.coalescingImmediate && (isFreeBefore(h, h.prevWordAt(w), w) || isFreeAfter(h, w, sizeBytes, h.nextWordAt(w)))) {
    s.queueForCoalescing(block);
  }
}

/** True when the block at word `p` (-1: none) is free and ends right where the block at word `w` starts. */
function isFreeBefore(h: BlockHeaders, p: number, w: number): boolean {
  return p >= 0 && h.statusAt(p) === Status.Free && p + Layout.HeaderWords + h.sizeAt(p) / 4 === w;
}

/** True when the block at word `n` (-1: none) is free and starts right where the block at word `w`, with a payload of `blockBytes`, ends. */
function isFreeAfter(h: BlockHeaders, w: number, blockBytes: number, n: number): boolean {
  return n >= 0 && h.statusAt(n) === Status.Free && w + Layout.HeaderWords + blockBytes / 4 === n;
}
