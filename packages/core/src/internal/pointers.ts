// Recognises the pointers this heap handed out, in O(1), without trusting the bytes in front of them:
// a mapped block is looked up in the set of live mappings; a heap block must be in the heap's map of
// block starts (kept outside the managed memory, ADR 0011) with a valid status, and from check level 1
// its list neighbours must point back at it and it must end where the next block starts. A foreign or
// stale pointer never gets its header read as truth, so a bad free cannot corrupt the list.
import type { Addr } from "@osmem/syscalls";
import { blockEnd, blockOf } from "../block-header.js";
import type { HeapState } from "./heap-state.js";
import { Layout, Status } from "./layout.js";

/**
 * The header address of the live block whose payload is `ptr`, or 0 when `ptr` is not one. When it
 * finds the block, its header is in `s.scratchHeader` (until the next header load).
 */
export function findBlockOfPointer(s: HeapState, ptr: Addr): Addr {
  const block = blockOf(ptr);
  if (isHeapBlock(s, block)) return block;
  if (s.mappedBlocks.size === 0 || !s.mappedBlocks.has(block)) return 0;
  s.headers.load(block, s.scratchHeader);
  return block;
}

/**
 * True when `block` (any number) is a live heap block with the status of a free or an allocated one;
 * its header is then in `s.scratchHeader`. From check level 1 the header must also agree with its list
 * neighbours ({@link hasConsistentLinks}).
 */
export function isHeapBlock(s: HeapState, block: Addr): boolean {
  if (!isHeapBlockStart(s, block)) return false;
  const record = s.scratchHeader;
  s.headers.load(block, record);
  const status = record.status;
  if (status !== Status.Free && status !== Status.Alloc) return false;
  return s.checkLevel === 0 || hasConsistentLinks(s, block);
}

/**
 * True when `block` is where a block of this heap's list starts, whatever its status: inside the heap,
 * 8-aligned and in the map of block starts (empty before the first block). Any number may be asked:
 * NaN, fractions and addresses outside the heap answer false. The range test is the map's
 * precondition, not a shortcut: the map's bit arithmetic would take an address just below the heap,
 * or 2^40 bytes above a block, for that block. The one test of "is this a heap block" that every free
 * and every queued coalescing entry goes through, on the general path ({@link isHeapBlock}) and on
 * free's window path (`freeInWindow`).
 */
export function isHeapBlockStart(s: HeapState, block: number): boolean {
  return block >= s.heapHead && block + Layout.HeaderBytes <= s.breakAddr && isAlignedInteger(block) && s.starts.has(block);
}

/**
 * True when the header of the heap block `block` (in `s.scratchHeader`) agrees with the list: its
 * neighbours point back at it and it ends where the next block starts (or at a segment's end). A
 * header overwritten by a write past the end of the block before it fails this. When the window covers
 * the heap (`s.heapInWindow`), the back-links are read as window words.
 */
function hasConsistentLinks(s: HeapState, block: Addr): boolean {
  const h = s.headers;
  const prev = h.prev(block);
  const next = h.next(block);
  const sizeBytes = s.scratchHeader.sizeBytes;
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
