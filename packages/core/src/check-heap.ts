// The heap checker: walks every block of every region and reports all violated invariants instead of
// stopping at the first. It reads headers through block-header.ts and never modifies the heap.
// Checked: links both ways, address order, alignment, exact tiling of the brk heap, mapped blocks
// inside live mappings, valid statuses, no adjacent free blocks after a coalescing pass, the map of
// block starts against the list, slab blocks against the slab index (headers, bitmaps, counts), and the
// stats gauges against a recount.
import type { Addr } from "@osmem/syscalls";
import { ALIGN, BlockStatus, HEADER_BYTES, InvariantError, type Heap, type HeapProblem } from "./api.js";
import { blockEnd, readNext, readPrev, readSize, readStatus } from "./block-header.js";
import { stateOf } from "./internal/state-of.js";

const hex = (addr: Addr): string => `0x${addr.toString(16)}`;

/** Returns every invariant `heap` violates; an empty array means the heap is valid. */
export function checkHeap(heap: Heap): HeapProblem[] {
  const s = stateOf(heap);
  const m = s.memory;
  const problems: HeapProblem[] = [];
  const report = (code: string, addr: Addr, message: string) => problems.push({ code, addr, message });
  const recount = { bytesInUse: 0, bytesFree: 0, allocBlocks: 0, freeBlocks: 0, mappedBlocks: 0, mappedBytes: 0 };

  // --- the brk heap: blocks tile each segment exactly, segments in address order ---
  const segments = s.heapBreak.segments;
  const limit = 1 + (s.breakAddr - s.heapStart) / (HEADER_BYTES + ALIGN);
  let segmentIndex = 0;
  let expectedStart = segments[0]?.start ?? 0;
  let prev: Addr = 0;
  let prevFree = false;
  let steps = 0;
  const slabBlocks: Addr[] = [];
  const heapBlocks: Addr[] = [];
  for (let block = s.heapHead; block !== 0; block = readNext(m, block)) {
    if (++steps > limit) {
      report("cycle", block, `the heap list has more blocks than fit in the heap (cycle?)`);
      break;
    }
    let crossed = false;
    while (block !== expectedStart && segmentIndex + 1 < segments.length && expectedStart === segments[segmentIndex]!.end) {
      segmentIndex += 1;
      expectedStart = segments[segmentIndex]!.start;
      crossed = true;
    }
    if (block % ALIGN !== 0) report("alignment", block, `block ${hex(block)} is not ${ALIGN}-byte aligned`);
    if (block !== expectedStart) {
      const code = block < expectedStart ? "overlap" : "gap";
      report(code, block, `block ${hex(block)} starts at ${hex(block)} but the previous one ends at ${hex(expectedStart)}`);
    }
    if (block < s.heapStart || block + HEADER_BYTES > s.breakAddr) {
      report("out-of-heap", block, `block ${hex(block)} lies outside the heap [${hex(s.heapStart)}, ${hex(s.breakAddr)})`);
      break;
    }
    if (readPrev(m, block) !== prev) report("link", block, `block ${hex(block)}: prev is ${hex(readPrev(m, block))}, expected ${hex(prev)}`);
    const sizeBytes = readSize(m, block);
    const status = readStatus(m, block);
    const segmentEnd = segments[segmentIndex]?.end ?? s.breakAddr;
    if (sizeBytes % ALIGN !== 0) report("alignment", block, `block ${hex(block)}: size ${sizeBytes} is not a multiple of ${ALIGN}`);
    if (blockEnd(block, sizeBytes) > segmentEnd) report("out-of-heap", block, `block ${hex(block)} (${sizeBytes} bytes) runs past its segment's end ${hex(segmentEnd)}`);
    if (status === BlockStatus.Free) {
      recount.bytesFree += sizeBytes;
      recount.freeBlocks += 1;
      if (prevFree && !crossed && (s.coalescingImmediate || !s.mayHaveAdjacentFree)) {
        report("adjacent-free", block, `free block ${hex(block)} follows another free block after coalescing`);
      }
    } else if (status === BlockStatus.Alloc || status === BlockStatus.Slab) {
      recount.bytesInUse += sizeBytes;
      recount.allocBlocks += 1;
      if (status === BlockStatus.Slab) slabBlocks.push(block);
    } else {
      report("status", block, `heap block ${hex(block)} has status ${status}`);
    }
    prevFree = status === BlockStatus.Free;
    heapBlocks.push(block);
    prev = block;
    expectedStart = blockEnd(block, sizeBytes);
  }
  if (prev !== s.heapTail) report("link", s.heapTail, `the heap list ends at ${hex(prev)} but the tail is ${hex(s.heapTail)}`);
  const lastWithBlocks = segments[segmentIndex];
  if (s.heapHead !== 0 && lastWithBlocks !== undefined && expectedStart !== lastWithBlocks.end) {
    report("gap", prev, `the last block ends at ${hex(expectedStart)} but its segment ends at ${hex(lastWithBlocks.end)}`);
  }
  for (const later of segments.slice(segmentIndex + 1)) {
    if (later.end > later.start) report("gap", 0, `segment [${hex(later.start)}, ${hex(later.end)}) holds no blocks`);
  }

  // --- the map of block starts (pointer validation's) against the list ---
  const listed = new Set(heapBlocks);
  for (const block of heapBlocks) {
    if (!s.starts.has(block)) report("starts", block, `heap block ${hex(block)} is missing from the map of block starts`);
  }
  for (const addr of s.starts.addresses()) {
    if (!listed.has(addr)) report("starts", addr, `the map of block starts holds ${hex(addr)}, which is not a heap block`);
  }

  // --- slabs: the heap's slab blocks against the slab index ---
  if (s.slabs !== undefined) s.slabs.check(slabBlocks, report);
  else if (slabBlocks.length > 0) report("status", slabBlocks[0]!, `heap block ${hex(slabBlocks[0]!)} is a slab, but this heap has no slabs`);

  // --- mapped blocks ---
  prev = 0;
  steps = 0;
  for (let block = s.mappedHead; block !== 0; block = readNext(m, block)) {
    if (++steps > s.mappedBlocks.size) {
      report("cycle", block, "the mapped list is longer than the set of live mappings (cycle?)");
      break;
    }
    if (!s.mappedBlocks.has(block)) report("unknown-mapping", block, `mapped block ${hex(block)} is not a live mapping`);
    if (block % s.backend.pageSize !== 0) report("alignment", block, `mapped block ${hex(block)} is not page-aligned`);
    if (readPrev(m, block) !== prev) report("link", block, `mapped block ${hex(block)}: prev is ${hex(readPrev(m, block))}, expected ${hex(prev)}`);
    if (readStatus(m, block) !== BlockStatus.Mapped) report("status", block, `mapped block ${hex(block)} has status ${readStatus(m, block)}`);
    const sizeBytes = readSize(m, block);
    recount.bytesInUse += sizeBytes;
    recount.mappedBlocks += 1;
    recount.mappedBytes += sizeBytes + HEADER_BYTES;
    prev = block;
  }
  if (prev !== s.mappedTail) report("link", s.mappedTail, `the mapped list ends at ${hex(prev)} but the tail is ${hex(s.mappedTail)}`);
  if (recount.mappedBlocks !== s.mappedBlocks.size) {
    report("unknown-mapping", 0, `${s.mappedBlocks.size} live mappings but ${recount.mappedBlocks} mapped blocks in the list`);
  }

  // --- gauges ---
  const c = s.counters;
  for (const key of Object.keys(recount) as (keyof typeof recount)[]) {
    if (c[key] !== recount[key]) report("stats", 0, `stats.${key} is ${c[key]} but a recount gives ${recount[key]}`);
  }
  const spanned = segments.reduce((sum, segment) => sum + (segment.end - segment.base), 0);
  const grown = s.heapBreak.grownBytes;
  if (grown !== spanned) report("stats", 0, `stats.heapBytes is ${grown} but the heap's segments span ${spanned} bytes`);
  return problems;
}

/** Throws an {@link InvariantError} naming every problem when `heap` is not valid. */
export function assertHeapValid(heap: Heap): void {
  const problems = checkHeap(heap);
  if (problems.length > 0) {
    throw new InvariantError(`heap check failed:\n${problems.map((p) => `  [${p.code}] ${p.message}`).join("\n")}`);
  }
}
