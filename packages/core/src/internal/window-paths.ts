// The steps that dominate every workload, done on window words when the window covers the whole heap
// (HeapState.heapInWindow): free() of an allocated heap block, taking the block the policy chose out
// of the free set (with its split), and merging one run of touching free blocks. Each header is found
// once (one subtraction) instead of once per field through a bounds-checked accessor. They make exactly
// the decisions and writes of the general paths in heap-state.ts and pointers.ts, and decline (return
// false, having changed nothing) whenever anything is unusual: no covering window, immediate
// coalescing, a pointer that fails any check. The general path then runs and raises every error, so
// these functions never throw. property.test.ts replays the same programs with and without a window.
import type { Addr } from "@osmem/syscalls";
import { ALIGN, BlockStatus, HEADER_BYTES } from "../api.js";
import { MIN_SPLIT_REMAINDER } from "../block-header.js";
import type { HeapState } from "./heap-state.js";

/**
 * free(`ptr`) when `ptr` is the payload of a live allocated heap block. Returns false, having changed
 * nothing, for anything else (the general path then frees a mapped block or reports the misuse).
 */
export function freeInWindow(s: HeapState, ptr: Addr): boolean {
  if (!s.heapInWindow || s.coalescingImmediate) return false;
  const block = ptr - HEADER_BYTES;
  const w = liveHeapBlockWord(s, block, BlockStatus.Alloc);
  if (w < 0) return false;
  const h = s.headers;
  const sizeBytes = h.sizeAt(w);
  const c = s.counters;
  c.bytesInUse -= sizeBytes;
  c.allocBlocks -= 1;
  h.setStatusAt(w, BlockStatus.Free);
  c.bytesFree += sizeBytes;
  c.freeBlocks += 1;
  s.strategy.insertFree(block, sizeBytes, "freed");
  if (isFreeBefore(s, h.prevAt(w), block) || isFreeAfter(s, block, sizeBytes, h.nextAt(w))) s.queueForCoalescing(block);
  return true;
}

/**
 * Allocates `alignedBytes` at the low end of the free heap block `fit` the policy chose (payload
 * `fitBytes`, at least `alignedBytes`), splitting off the rest as a free block when it holds a header
 * plus 8 bytes. Returns false, having changed nothing, when the window does not cover the heap or
 * coalescing is immediate.
 */
export function takeFitInWindow(s: HeapState, fit: Addr, fitBytes: number, alignedBytes: number): boolean {
  if (!s.heapInWindow || s.coalescingImmediate) return false;
  const h = s.headers;
  const c = s.counters;
  const w = h.wordAt(fit);
  c.bytesFree -= fitBytes;
  c.freeBlocks -= 1;
  s.strategy.removeFree(fit, fitBytes, "allocated");
  h.setStatusAt(w, BlockStatus.Alloc);
  c.bytesInUse += fitBytes;
  c.allocBlocks += 1;
  if (fitBytes - alignedBytes < MIN_SPLIT_REMAINDER) return true;
  const rest = fit + HEADER_BYTES + alignedBytes;
  const restBytes = fitBytes - alignedBytes - HEADER_BYTES;
  const next = h.nextAt(w);
  h.writeAt(h.wordAt(rest), restBytes, BlockStatus.Free, fit, next);
  h.setNextAt(w, rest);
  if (next === 0) s.heapTail = rest;
  else h.setPrevAt(h.wordAt(next), rest);
  h.setSizeAt(w, alignedBytes);
  c.bytesInUse -= restBytes + HEADER_BYTES;
  c.bytesFree += restBytes;
  c.freeBlocks += 1;
  s.strategy.insertFree(rest, restBytes, "split");
  if (isFreeAfter(s, rest, restBytes, next)) s.queueForCoalescing(rest);
  return true;
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
  let next = h.nextAt(w);
  if (!isFreeAfter(s, first, firstBytes, next)) return true;
  // The strategy hears of the run once: the first block leaves the free set, each absorbed block
  // leaves it, and the merged block comes back. Each absorbed block is unlinked on its own, as the
  // general pass does, so that the bytes left behind are the same.
  const c = s.counters;
  s.strategy.removeFree(first, firstBytes, "resized");
  let merged = firstBytes;
  do {
    const n = h.wordAt(next);
    const nextBytes = h.sizeAt(n);
    s.strategy.removeFree(next, nextBytes, "merged");
    c.freeBlocks -= 1;
    c.bytesFree += HEADER_BYTES;
    merged += HEADER_BYTES + nextBytes;
    next = h.nextAt(n);
    h.setNextAt(w, next);
    if (next === 0) s.heapTail = first;
    else h.setPrevAt(h.wordAt(next), first);
  } while (isFreeAfter(s, first, merged, next));
  h.setSizeAt(w, merged);
  s.strategy.insertFree(first, merged, "merged");
  return true;
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
