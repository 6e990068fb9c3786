// The list surgery that dominates every workload, done on window words when the window covers the
// whole heap (HeapState.heapInWindow): freeing an allocated heap block, splitting an allocated block,
// carving a block from the back of a free one, and merging one run of touching free blocks. Each
// header is found once (one subtraction) instead of once per field through a bounds-checked accessor.
// HeapState calls them from its general methods, after pointer validation; they make exactly the
// decisions and writes of those methods and decline (return false, having changed nothing) when
// the window does not cover the heap. window-paths.test.ts replays the same programs with and without
// a window and compares every heap byte.
import type { Addr } from "@osmem/syscalls";
import { BlockStatus, HEADER_BYTES } from "../api.js";
import type { HeapState } from "./heap-state.js";

/**
 * Makes the allocated heap block `block` (payload `sizeBytes`, already taken out of the stats' bytes
 * in use) free: merged with its free neighbours at once under immediate coalescing, else queued for
 * the pass when it touches one. pre: `block` passed pointer validation. Returns false, having changed
 * nothing, when the window does not cover the heap.
 */
export function releaseInWindow(s: HeapState, block: Addr, sizeBytes: number): boolean {
  if (!s.heapInWindow) return false;
  const h = s.headers;
  let w = h.wordAt(block);
  if (s.coalescingImmediate) {
    // Merged with its free neighbours at once, before the strategy hears of it.
    sizeBytes = absorbFreeAfter(s, block, w, sizeBytes);
    for (let prev = h.prevAt(w); isFreeBefore(s, prev, block); prev = h.prevAt(w)) {
      const p = h.wordAt(prev);
      const prevBytes = h.sizeAt(p);
      s.removeFree(prev, prevBytes, "resized");
      unlinkNext(s, prev, p, w);
      sizeBytes += prevBytes + HEADER_BYTES;
      block = prev;
      w = p;
    }
    h.setSizeAt(w, sizeBytes);
  }
  addFreeBlock(s, block, w, sizeBytes, "freed");
  return true;
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
  const rest = block + HEADER_BYTES + keepBytes;
  let restBytes = sizeBytes - keepBytes - HEADER_BYTES;
  const r = linkAfter(s, block, w, rest, restBytes, BlockStatus.Free);
  s.headers.setSizeAt(w, keepBytes);
  s.counters.bytesInUse -= restBytes + HEADER_BYTES;
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
  linkAfter(s, block, w, block + HEADER_BYTES + frontBytes, takeBytes, BlockStatus.Alloc);
  s.headers.setSizeAt(w, frontBytes);
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
  let first = queued;
  for (let prev = h.prevAt(h.wordAt(first)); isFreeBefore(s, prev, first); prev = h.prevAt(h.wordAt(first))) first = prev;
  const w = h.wordAt(first);
  const firstBytes = h.sizeAt(w);
  if (!isFreeAfter(s, first, firstBytes, h.nextAt(w))) return true;
  // The strategy hears of the run once: the first block leaves the free set, the others are absorbed
  // (each leaving it), and the merged block comes back.
  s.removeFree(first, firstBytes, "resized");
  addFreeBlock(s, first, w, absorbFreeAfter(s, first, w, firstBytes), "merged");
  return true;
}

// --- list surgery on window words, as heap-state.ts does it through accessors ---

/**
 * Folds every touching free block after `block` (header word `w`, payload `sizeBytes`, not in the
 * free set) into it, taking them out of the free set and unlinking each on its own; returns the new
 * payload size, written only when it changed.
 */
function absorbFreeAfter(s: HeapState, block: Addr, w: number, sizeBytes: number): number {
  const h = s.headers;
  let merged = sizeBytes;
  for (let next = h.nextAt(w); isFreeAfter(s, block, merged, next); next = h.nextAt(w)) {
    const n = h.wordAt(next);
    const nextBytes = h.sizeAt(n);
    s.removeFree(next, nextBytes, "merged");
    unlinkNext(s, block, w, n);
    merged += HEADER_BYTES + nextBytes;
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
  const next = h.nextAt(w);
  h.writeAt(a, sizeBytes, status, block, next);
  h.setNextAt(w, added);
  if (next === 0) s.heapTail = added;
  else h.setPrevAt(h.wordAt(next), added);
  return a;
}

/** Unlinks the block at header word `n`, the one after `block` (word `w`), from the list. */
function unlinkNext(s: HeapState, block: Addr, w: number, n: number): void {
  const h = s.headers;
  const after = h.nextAt(n);
  h.setNextAt(w, after);
  if (after === 0) s.heapTail = block;
  else h.setPrevAt(h.wordAt(after), block);
}

/**
 * Marks `block` (header word `w`) free with a payload of `sizeBytes` and tells the strategy; a block
 * freed or split off under deferred coalescing that touches a free neighbour is queued for the pass.
 */
function addFreeBlock(s: HeapState, block: Addr, w: number, sizeBytes: number, reason: "freed" | "split" | "merged"): void {
  const h = s.headers;
  h.setStatusAt(w, BlockStatus.Free);
  s.counters.bytesFree += sizeBytes;
  s.counters.freeBlocks += 1;
  s.strategy.insertFree(block, sizeBytes, reason);
  if (reason !== "merged" && !s.coalescingImmediate && (isFreeBefore(s, h.prevAt(w), block) || isFreeAfter(s, block, sizeBytes, h.nextAt(w)))) {
    s.queueForCoalescing(block);
  }
}

/** True when `prev` (0 or a heap block) is free and ends right where the heap block `block` starts. */
function isFreeBefore(s: HeapState, prev: Addr, block: Addr): boolean {
  if (prev === 0) return false;
  const h = s.headers;
  const p = h.wordAt(prev);
  return h.statusAt(p) === BlockStatus.Free && prev + HEADER_BYTES + h.sizeAt(p) === block;
}

/** True when `next` (0 or a heap block) is free and starts right where `block`, with a payload of `blockBytes`, ends. */
function isFreeAfter(s: HeapState, block: Addr, blockBytes: number, next: Addr): boolean {
  return next !== 0 && s.headers.statusAt(s.headers.wordAt(next)) === BlockStatus.Free && block + HEADER_BYTES + blockBytes === next;
}
