// Recognises the pointers this heap handed out, in O(1), without trusting the bytes in front of them:
// a mapped block is looked up in the set of live mappings; a heap block must sit inside the heap with
// its list neighbours pointing back at it. A foreign or stale pointer never gets its header read as
// truth, so a bad free cannot corrupt the list.
import type { Addr } from "@osmem/syscalls";
import { blockEnd, blockOf } from "../block-header.js";
import type { HeapState } from "./heap-state.js";
import { Layout, Status } from "./layout.js";

/**
 * The header address of the live block whose payload is `ptr`, or 0 when `ptr` is not one. When it
 * finds the block, its header is in `s.scratchHeader` (until the next header load).
 */
export function findBlockOfPointer(s: HeapState, ptr: Addr): Addr {
  if (!Number.isSafeInteger(ptr) || ptr <= 0 || !isAlignedInteger(ptr)) return 0;
  const block = blockOf(ptr);
  if (isHeapBlock(s, block)) return block;
  if (s.mappedBlocks.size === 0 || !s.mappedBlocks.has(block)) return 0;
  s.headers.load(block, s.scratchHeader);
  return block;
}

/**
 * True when `block` is a live heap block (a mapped block's header fails the status test); its header
 * is then in `s.scratchHeader`. When the window covers the heap (`s.heapInWindow`), the neighbours'
 * back-links are read as window words.
 */
export function isHeapBlock(s: HeapState, block: Addr): boolean {
  if (s.heapHead === 0 || block < s.heapHead || block + Layout.HeaderBytes > s.breakAddr) return false;
  const h = s.headers;
  const record = s.scratchHeader;
  h.load(block, record);
  const { status, prev, next, sizeBytes } = record;
  if (status !== Status.Free && status !== Status.Alloc) return false;
  const inWindow = s.heapInWindow;
  if (prev === 0 ? block !== s.heapHead : !isHeapHeader(s, prev) || (inWindow ? h.nextAt(h.wordAt(prev)) : h.next(prev)) !== block) return false;
  if (next === 0 ? block !== s.heapTail : !isHeapHeader(s, next) || (inWindow ? h.prevAt(h.wordAt(next)) : h.prev(next)) !== block) return false;
  const end = blockEnd(block, sizeBytes);
  return end === next || s.heapBreak.isSegmentEnd(end);
}

/** pre: `addr` is an integer (a header field, as `Memory.readU64` returns it). */
const isHeapHeader = (s: HeapState, addr: Addr): boolean =>
  isAlignedInteger(addr) && addr >= s.heapHead && addr + Layout.HeaderBytes <= s.breakAddr;

/**
 * `addr % ALIGN === 0` for an integer `addr`, at a fraction of the cost: addresses are doubles (above
 * 2^31), for which `%` is a call to a floating-point remainder, while dividing by a power of two is exact.
 */
const isAlignedInteger = (addr: number): boolean => Number.isInteger(addr / Layout.Align);
