// The two steps that dominate every workload, done with one window lookup per header instead of one
// per field: free() of an allocated heap block, and taking the block the policy chose out of the free
// set (with its split). They make exactly the decisions and writes of the general paths in
// heap-state.ts (releaseBlockOf + addFree, allocateFree + splitAllocated) and decline (return false or
// 0, having changed nothing) whenever anything is unusual: no window, a header outside it, immediate
// coalescing, a pointer that fails any check. The general path then runs and raises every error, so
// these functions never throw. property.test.ts replays the same programs with and without a window.
import type { Addr } from "@osmem/syscalls";
import { BlockStatus, HEADER_BYTES } from "../api.js";
import { MIN_SPLIT_REMAINDER, type HeapState } from "./heap-state.js";

/**
 * free(`ptr`) when `ptr` is the payload of a live allocated heap block whose header and list
 * neighbours lie in the window, checked as pointer validation checks it (in the heap, list links
 * pointing back, tiling up to the next block or a segment end). Returns false, having changed
 * nothing, for anything else.
 */
export function freeInWindow(s: HeapState, ptr: Addr): boolean {
  const h = s.headers;
  const block = ptr - HEADER_BYTES;
  const heapHead = s.heapHead;
  if (s.coalescingImmediate) return false;
  const w = heapWordOf(s, block);
  if (w < 0 || h.statusAt(w) !== BlockStatus.Alloc) return false;
  const sizeBytes = h.sizeAt(w);
  const prev = h.prevAt(w);
  const next = h.nextAt(w);
  const end = block + HEADER_BYTES + sizeBytes;
  let touchesFree = false;
  if (prev === 0) {
    if (block !== heapHead) return false;
  } else {
    const p = heapWordOf(s, prev);
    if (p < 0 || h.nextAt(p) !== block) return false;
    touchesFree = h.statusAt(p) === BlockStatus.Free && prev + HEADER_BYTES + h.sizeAt(p) === block;
  }
  if (next === 0) {
    if (block !== s.heapTail) return false;
  } else {
    const n = heapWordOf(s, next);
    if (n < 0 || h.prevAt(n) !== block) return false;
    touchesFree ||= h.statusAt(n) === BlockStatus.Free && end === next;
  }
  if (end !== next && !s.heapBreak.isSegmentEnd(end)) return false;
  const c = s.counters;
  c.bytesInUse -= sizeBytes;
  c.allocBlocks -= 1;
  h.setStatusAt(w, BlockStatus.Free);
  c.bytesFree += sizeBytes;
  c.freeBlocks += 1;
  s.strategy.insertFree(block, sizeBytes, "freed");
  if (touchesFree) s.queueForCoalescing(block);
  return true;
}

/**
 * Allocates `alignedBytes` at the low end of the free block `fit` the policy chose (payload `fitBytes`,
 * at least `alignedBytes`), splitting off the rest as a free block when it holds a header plus 8
 * bytes. Returns false, having changed nothing, when `fit` or the block after it is outside the
 * window or coalescing is immediate.
 */
export function takeFitInWindow(s: HeapState, fit: Addr, fitBytes: number, alignedBytes: number): boolean {
  const h = s.headers;
  if (s.coalescingImmediate) return false;
  const w = h.windowWordOf(fit);
  if (w < 0) return false;
  const split = fitBytes - alignedBytes >= MIN_SPLIT_REMAINDER;
  const rest = fit + HEADER_BYTES + alignedBytes;
  const r = split ? h.windowWordOf(rest) : -1;
  const next = h.nextAt(w);
  const n = split && next !== 0 ? h.windowWordOf(next) : -1;
  if (split && (r < 0 || (next !== 0 && n < 0))) return false;
  const c = s.counters;
  c.bytesFree -= fitBytes;
  c.freeBlocks -= 1;
  s.strategy.removeFree(fit, fitBytes, "allocated");
  h.setStatusAt(w, BlockStatus.Alloc);
  c.bytesInUse += fitBytes;
  c.allocBlocks += 1;
  if (!split) return true;
  const restBytes = fitBytes - alignedBytes - HEADER_BYTES;
  h.writeAt(r, restBytes, BlockStatus.Free, fit, next);
  h.setNextAt(w, rest);
  if (next === 0) s.heapTail = rest;
  else h.setPrevAt(n, rest);
  h.setSizeAt(w, alignedBytes);
  c.bytesInUse -= restBytes + HEADER_BYTES;
  c.bytesFree += restBytes;
  c.freeBlocks += 1;
  s.strategy.insertFree(rest, restBytes, "split");
  if (next !== 0 && h.statusAt(n) === BlockStatus.Free && rest + HEADER_BYTES + restBytes === next) s.queueForCoalescing(rest);
  return true;
}

/** The window word index of `addr` when it can be a heap block's header (inside the heap, under this heap's break), else -1. */
function heapWordOf(s: HeapState, addr: Addr): number {
  return addr >= s.heapHead && addr + HEADER_BYTES <= s.breakAddr ? s.headers.windowWordOf(addr) : -1;
}
