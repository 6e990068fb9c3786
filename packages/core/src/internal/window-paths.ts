// The steps that dominate every workload, done on window words when the window covers the whole heap
// (HeapState.heapInWindow): free() of an allocated heap block, splitting an allocated block, carving
// a block from the back of a free one, and merging one run of touching free blocks. Each header is
// found once (one subtraction) instead of once per field through a bounds-checked accessor. They make
// exactly the decisions and writes of the general paths in heap-state.ts and pointers.ts, and decline
// (return false or 0, having changed nothing) when the window does not cover the heap or a pointer
// fails any check: the general path then runs and raises every error. window-paths.test.ts replays
// the same programs with and without a window and compares every heap byte.
import type { Addr } from "@osmem/syscalls";
import { ALIGN, BlockStatus, HEADER_BYTES } from "../api.js";
import { MIN_SPLIT_REMAINDER } from "../block-header.js";
import type { HeapState } from "./heap-state.js";

/**
 * free(`ptr`) when `ptr` is the payload of a live allocated heap block. Returns false, having changed
 * nothing, for anything else (the general path then frees a mapped block or reports the misuse).
 */
export function freeInWindow(s: HeapState, ptr: Addr): boolean {
  if (!s.heapInWindow) return false;
  let block = ptr - HEADER_BYTES;
  let w = liveHeapBlockWord(s, block, BlockStatus.Alloc);
  if (w < 0) return false;
  const h = s.headers;
  const c = s.counters;
  let sizeBytes = h.sizeAt(w);
  c.bytesInUse -= sizeBytes;
  c.allocBlocks -= 1;
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
  splitAt(s, block, s.headers.wordAt(block), sizeBytes, keepBytes);
  return true;
}

/**
 * Allocates the last `takeBytes` of the free heap block `block` (payload `sizeBytes`) as a new block
 * and returns it; `block` stays free in front with what is left. pre: the rest holds a header plus 8
 * bytes. Returns 0, having changed nothing, when the window does not cover the heap.
 */
export function carveFromBackInWindow(s: HeapState, block: Addr, sizeBytes: number, takeBytes: number): Addr {
  if (!s.heapInWindow) return 0;
  const h = s.headers;
  const w = h.wordAt(block);
  const frontBytes = sizeBytes - takeBytes - HEADER_BYTES;
  if (s.checkLevel >= 1) {
    s.assertInternal(frontBytes >= 8 && h.statusAt(w) === BlockStatus.Free, () => `carveFromBack: 0x${block.toString(16)} cannot give ${takeBytes} bytes`);
  }
  const carved = block + HEADER_BYTES + frontBytes;
  const next = h.nextAt(w);
  h.writeAt(h.wordAt(carved), takeBytes, BlockStatus.Alloc, block, next);
  h.setNextAt(w, carved);
  if (next === 0) s.heapTail = carved;
  else h.setPrevAt(h.wordAt(next), carved);
  h.setSizeAt(w, frontBytes);
  s.recordCarve(block, sizeBytes, takeBytes);
  return carved;
}

/**
 * One entry of the deferred coalescing pass: when `queued` is still a live free heap block, merges
 * the run of touching free blocks around it into the run's first block. Returns false, having changed
 * nothing, when the window does not cover the heap (the general pass then handles the entry).
 */
export function mergeRunInWindow(s: HeapState, queued: Addr): boolean {
  if (!s.heapInWindow) return false;
  if (liveHeapBlockWord(s, queued, BlockStatus.Free) < 0) return true;
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

/** {@link splitInWindow} for the block at header word `w`. */
function splitAt(s: HeapState, block: Addr, w: number, sizeBytes: number, keepBytes: number): void {
  const h = s.headers;
  const rest = block + HEADER_BYTES + keepBytes;
  const r = h.wordAt(rest);
  let restBytes = sizeBytes - keepBytes - HEADER_BYTES;
  const next = h.nextAt(w);
  h.writeAt(r, restBytes, BlockStatus.Free, block, next);
  h.setNextAt(w, rest);
  if (next === 0) s.heapTail = rest;
  else h.setPrevAt(h.wordAt(next), rest);
  h.setSizeAt(w, keepBytes);
  s.counters.bytesInUse -= restBytes + HEADER_BYTES;
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

/**
 * The window word of `block` when it is a live heap block with status `status`, checked as pointer
 * validation checks a pointer (inside the heap, list links pointing back at it, tiling up to the next
 * block or a segment end); else -1. pre: `s.heapInWindow`.
 */
function liveHeapBlockWord(s: HeapState, block: Addr, status: BlockStatus): number {
  const heapHead = s.heapHead;
  if (!isHeapHeader(s, block)) return -1;
  const h = s.headers;
  const w = h.wordAt(block);
  if (h.statusAt(w) !== status) return -1;
  const prev = h.prevAt(w);
  if (prev === 0 ? block !== heapHead : !isHeapHeader(s, prev) || h.nextAt(h.wordAt(prev)) !== block) return -1;
  const next = h.nextAt(w);
  if (next === 0 ? block !== s.heapTail : !isHeapHeader(s, next) || h.prevAt(h.wordAt(next)) !== block) return -1;
  const end = block + HEADER_BYTES + h.sizeAt(w);
  return end === next || s.heapBreak.isSegmentEnd(end) ? w : -1;
}

/** True when a header at `addr` would lie inside the heap, under this heap's break, 8-aligned. */
const isHeapHeader = (s: HeapState, addr: Addr): boolean =>
  addr >= s.heapHead && addr + HEADER_BYTES <= s.breakAddr && Number.isInteger(addr / ALIGN);

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
