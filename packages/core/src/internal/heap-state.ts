// The mutable state of one heap and the list surgery on it: linking, unlinking, splitting and merging
// blocks, moving the break and mapping. It keeps the block list in address order, the free set told to
// the fit strategy, and the stats gauges in step with every header it writes. Policy decisions (which
// block, when to coalesce, when to map) belong to heap-impl.ts, not here.
import type { Addr, Errno, Memory, SyscallBackend } from "@osmem/syscalls";
import {
  BlockStatus,
  InvariantError,
  type BlockView,
  type CheckLevel,
  type FitStrategy,
  type FreeInsertReason,
  type FreeRemoveReason,
  type HeapStats,
} from "../api.js";
import { HeapBreak } from "./heap-break.js";
import { BlockHeaders, HeaderRecord, blockEnd } from "../block-header.js";
import { Layout, Status } from "./layout.js";
import { appendInWindow, carveInWindow, mergeRunInWindow, releaseInWindow, splitInWindow } from "./window-paths.js";
import { isHeapBlock } from "./pointers.js";
import { BlockStarts } from "./block-starts.js";
import type { SlabPool } from "./slab-pool.js";

/** Mutable counters: the stats' gauges (recounted by the checker) with the syscall counts flattened. */
export type Counters = Omit<HeapStats, "syscalls" | "segments" | "heapBytes" | "slabBlocks" | "slabObjects"> & HeapStats["syscalls"];

export class HeapState implements BlockView {
  readonly memory: Memory;
  /** Header fields, through the backend's window over the heap when it offers one. */
  readonly headers: BlockHeaders;
  /** Where pointer validation leaves the header of the block it found, for its caller. */
  readonly scratchHeader = new HeaderRecord();
  readonly backend: SyscallBackend;
  readonly checkLevel: CheckLevel;
  strategy!: FitStrategy;
  /** The small-object slabs, when the heap's shape asks for them. */
  slabs: SlabPool | undefined = undefined;

  /** First and last heap blocks in address order (0 when the heap is empty). */
  heapHead: Addr = 0;
  heapTail: Addr = 0;
  /** The header address of every heap block, outside the managed memory (pointer validation asks it). */
  readonly starts = new BlockStarts();
  /** Mapped blocks in mmap order. */
  mappedHead: Addr = 0;
  mappedTail: Addr = 0;
  /** Header addresses of live mapped blocks, to recognise their pointers in O(1). */
  readonly mappedBlocks = new Set<Addr>();

  /** The program break and the heap segments grown under it. */
  readonly heapBreak: HeapBreak;

  /** True when the policy merges free blocks as soon as they appear. */
  coalescingImmediate = false;
  /** Deferred coalescing: true when adjacent free blocks may exist. */
  get mayHaveAdjacentFree(): boolean {
    return this.pendingCount > 0;
  }
  /**
   * Free blocks that gained a touching free neighbour since the last coalescing pass, by their offset
   * from the heap start, in the first `pendingCount` slots. An entry stays when its block stops being
   * free (allocated, or merged into another): forgetting it would cost a search on every allocation.
   * So the pass first checks that an entry still names a live free block, as pointer validation checks
   * a pointer (a stale header inside a payload fails the list links), and repeats are harmless.
   */
  private pending = new Float64Array(64);
  private pendingCount = 0;

  /** Entries in the coalescing queue, stale ones included (for tests and diagnostics). */
  get pendingMergeCount(): number {
    return this.pendingCount;
  }
  errno: Errno | undefined = undefined;

  readonly counters: Counters = {
    bytesInUse: 0,
    bytesFree: 0,
    mappedBytes: 0,
    allocBlocks: 0,
    freeBlocks: 0,
    mappedBlocks: 0,
    brk: 0,
    mmap: 0,
    munmap: 0,
    failures: 0,
  };

  constructor(backend: SyscallBackend, checkLevel: CheckLevel) {
    this.backend = backend;
    this.memory = backend.memory;
    this.headers = new BlockHeaders(backend.memory);
    this.checkLevel = checkLevel;
    this.heapBreak = new HeapBreak(backend, {
      countBrk: () => {
        this.counters.brk += 1;
      },
      brkReturned: () => this.refreshHeaders(),
      fail: (errno) => this.fail(errno),
    });
  }

  /**
   * Fetches the backend's window over the heap again. Called after every syscall this heap makes, and
   * at the start of a public call through {@link refreshHeadersIfStale} (someone else may have moved
   * the break in between).
   */
  refreshHeaders(): void {
    this.windowEpochSeen = this.memory.windowEpoch ?? Number.NaN;
    const { heapStart, breakAddr } = this.heapBreak;
    this.headers.refresh(heapStart);
    this.heapInWindow = heapStart !== 0 && this.headers.covers(heapStart, breakAddr);
  }

  /**
   * {@link refreshHeaders} at the start of a public call, skipped when the memory's `windowEpoch` says
   * no window changed since the last refresh (this heap's own syscalls refresh right after they return,
   * so only other callers' syscalls can have made the window stale in between).
   */
  refreshHeadersIfStale(): void {
    const epoch = this.memory.windowEpoch;
    if (epoch === undefined || epoch !== this.windowEpochSeen) this.refreshHeaders();
  }
  /**
   * The memory's `windowEpoch` at the last {@link refreshHeaders}; NaN, which equals no epoch, before
   * the first. Always a number: a field that once held `undefined` makes V8 compare it to the epoch
   * through its generic equality builtin on every public call.
   */
  private windowEpochSeen = Number.NaN;

  /**
   * True when the window covers the whole heap, from its start to this heap's break: then every heap
   * block's header can be read and written as window words (see window-paths.ts). Kept by
   * {@link refreshHeaders}.
   */
  heapInWindow = false;

  /** The address the first `brk(0)` returned; 0 before the heap was used. */
  get heapStart(): Addr {
    return this.heapBreak.heapStart;
  }

  /** The break as this heap last set or saw it. */
  get breakAddr(): Addr {
    return this.heapBreak.breakAddr;
  }

  /** True when `next` starts right where `block` ends (false across a segment boundary). */
  private touches(block: Addr, next: Addr): boolean {
    return next !== 0 && blockEnd(block, this.headers.size(block)) === next;
  }

  /** True when the block after `block` is free and starts right where `block` ends. */
  hasFreeNeighbourAfter(block: Addr): boolean {
    const next = this.headers.next(block);
    return next !== 0 && this.headers.status(next) === Status.Free && this.touches(block, next);
  }

  /** The block before `block` when it is free and ends right where `block` starts; else 0. */
  private freeNeighbourBefore(block: Addr): Addr {
    const prev = this.headers.prev(block);
    return prev !== 0 && this.headers.status(prev) === Status.Free && this.touches(prev, block) ? prev : 0;
  }

  // --- BlockView ---

  firstBlock(): Addr {
    return this.heapHead;
  }
  nextBlock(block: Addr): Addr {
    return this.headers.next(block);
  }
  prevBlock(block: Addr): Addr {
    return this.headers.prev(block);
  }
  blockSize(block: Addr): number {
    return this.headers.size(block);
  }
  isFree(block: Addr): boolean {
    return this.headers.status(block) === Status.Free;
  }
  freeBlockSize(addr: Addr): number {
    return this.isLiveFreeBlock(addr) ? this.scratchHeader.sizeBytes : -1;
  }
  freeTag(block: Addr): number {
    return this.headers.freeTag(block);
  }
  setFreeTag(block: Addr, tag: number): void {
    this.headers.setFreeTag(block, tag);
  }

  /** Level-1 check: throws an {@link InvariantError} when `cond` is false. */
  assertInternal(cond: boolean, why: () => string): void {
    if (this.checkLevel >= 1 && !cond) throw new InvariantError(why());
  }

  // --- the free set ---

  /** Marks `block` free and tells the strategy. */
  addFree(block: Addr, sizeBytes: number, reason: FreeInsertReason): void {
    this.headers.setStatus(block, Status.Free);
    this.counters.bytesFree += sizeBytes;
    this.counters.freeBlocks += 1;
    this.strategy.insertFree(block, sizeBytes, reason);
    if ((reason === "freed" || reason === "split") && !this.coalescingImmediate) {
      if (this.freeNeighbourBefore(block) !== 0 || this.hasFreeNeighbourAfter(block)) this.addPending(block - this.heapStart);
    }
  }

  /** Takes `block` out of the free set (its status is left to the caller). */
  removeFree(block: Addr, sizeBytes: number, reason: FreeRemoveReason): void {
    this.counters.bytesFree -= sizeBytes;
    this.counters.freeBlocks -= 1;
    this.strategy.removeFree(block, sizeBytes, reason);
  }

  /** Free block -> allocated block of the same size. */
  allocateFree(block: Addr, sizeBytes: number): void {
    this.removeFree(block, sizeBytes, "allocated");
    this.headers.setStatus(block, Status.Alloc);
    this.counters.bytesInUse += sizeBytes;
    this.counters.allocBlocks += 1;
  }

  /**
   * Gives a live block back: a mapped block is unmapped (it stays live if munmap fails, with `errno`
   * set); a heap block becomes free, merged with its free neighbours at once under immediate coalescing
   * (before the strategy hears of it, so that it learns of the merged block only).
   */
  releaseBlock(block: Addr): void {
    this.releaseBlockOf(block, this.headers.status(block), this.headers.size(block));
  }

  /** {@link releaseBlock} for a caller that has read the block's status and size already. */
  releaseBlockOf(block: Addr, status: number, sizeBytes: number): void {
    if (status === Status.Mapped) {
      this.unmapBlock(block);
      return;
    }
    this.counters.bytesInUse -= sizeBytes;
    this.counters.allocBlocks -= 1;
    if (!releaseInWindow(this, block, sizeBytes)) this.releaseOutsideWindow(block, sizeBytes);
  }

  /** The heap-block half of {@link releaseBlockOf} through the header accessors, for a heap the window does not cover. */
  private releaseOutsideWindow(block: Addr, sizeBytes: number): void {
    const h = this.headers;
    if (this.coalescingImmediate) {
      sizeBytes = this.absorbFreeAfter(block, sizeBytes);
      for (let prev = this.freeNeighbourBefore(block); prev !== 0; prev = this.freeNeighbourBefore(block)) {
        const prevBytes = h.size(prev);
        this.removeFree(prev, prevBytes, "resized");
        this.unlinkNextOf(prev, block);
        sizeBytes += prevBytes + Layout.HeaderBytes;
        block = prev;
      }
      h.setSize(block, sizeBytes);
    }
    this.addFree(block, sizeBytes, "freed");
  }

  /**
   * Folds every touching free block after `block` (payload `sizeBytes`, not in the free set) into it,
   * taking them out of the free set; returns the new payload size. Writes the size only when it changed.
   */
  private absorbFreeAfter(block: Addr, sizeBytes: number): number {
    const h = this.headers;
    let merged = sizeBytes;
    for (let next = h.next(block); next !== 0 && h.status(next) === Status.Free && blockEnd(block, merged) === next; next = h.next(block)) {
      const nextBytes = h.size(next);
      this.removeFree(next, nextBytes, "merged");
      this.unlinkNextOf(block, next);
      merged += Layout.HeaderBytes + nextBytes;
    }
    if (merged !== sizeBytes) h.setSize(block, merged);
    return merged;
  }

  /** Unlinks `next`, the block after `block`, from the list (its bytes become part of `block`'s). */
  private unlinkNextOf(block: Addr, next: Addr): void {
    const h = this.headers;
    const after = h.next(next);
    this.starts.delete(next);
    h.setNext(block, after);
    if (after === 0) this.heapTail = block;
    else h.setPrev(after, block);
  }

  // --- list surgery ---

  /** Appends a new heap block at the end of the list (it starts at the old break). */
  appendHeapBlock(block: Addr, sizeBytes: number, status: Status.Free | Status.Alloc): void {
    if (this.heapTail === 0) this.starts.reset(block);
    this.starts.cover(this.breakAddr);
    this.starts.add(block);
    if (!appendInWindow(this, block, sizeBytes, status)) {
      const h = this.headers;
      h.write(block, sizeBytes, status, this.heapTail, 0);
      if (this.heapTail === 0) this.heapHead = block;
      else h.setNext(this.heapTail, block);
      this.heapTail = block;
    }
    if (status === Status.Free) this.addFree(block, sizeBytes, "created");
    else {
      this.counters.bytesInUse += sizeBytes;
      this.counters.allocBlocks += 1;
    }
  }

  /** Writes the header of a new block at `added`, right after `block`, and links it into the list. */
  private linkAfter(block: Addr, added: Addr, sizeBytes: number, status: BlockStatus): void {
    const h = this.headers;
    const next = h.next(block);
    h.write(added, sizeBytes, status, block, next);
    this.starts.add(added);
    h.setNext(block, added);
    if (next === 0) this.heapTail = added;
    else h.setPrev(next, added);
  }

  /**
   * Cuts `block` (allocated, payload `sizeBytes`) down to `keepBytes` when the rest can hold a header
   * plus 8 bytes; the rest becomes a free block right after it. Returns true when it split.
   */
  splitAllocated(block: Addr, sizeBytes: number, keepBytes: number): boolean {
    if (sizeBytes - keepBytes < Layout.MinSplitRemainder) return false;
    if (splitInWindow(this, block, sizeBytes, keepBytes)) return true;
    const rest = blockEnd(block, keepBytes);
    let restBytes = sizeBytes - keepBytes - Layout.HeaderBytes;
    this.linkAfter(block, rest, restBytes, Status.Free);
    this.headers.setSize(block, keepBytes);
    this.counters.bytesInUse -= sizeBytes - keepBytes;
    if (this.coalescingImmediate) restBytes = this.absorbFreeAfter(rest, restBytes);
    this.addFree(rest, restBytes, "split");
    return true;
  }

  /**
   * Allocates the last `takeBytes` of the free `block` (payload `sizeBytes`) as a new block; `block`
   * stays free in front with what is left. pre: the rest holds a header plus 8 bytes. Returns the new
   * block.
   */
  carveFromBack(block: Addr, sizeBytes: number, takeBytes: number): Addr {
    const h = this.headers;
    const frontBytes = sizeBytes - takeBytes - Layout.HeaderBytes;
    if (this.checkLevel >= 1) {
      this.assertInternal(frontBytes >= 8 && h.status(block) === Status.Free, () => `carveFromBack: 0x${block.toString(16)} cannot give ${takeBytes} bytes`);
    }
    const carved = blockEnd(block, frontBytes);
    if (!carveInWindow(this, block, frontBytes, takeBytes)) {
      this.linkAfter(block, carved, takeBytes, Status.Alloc);
      h.setSize(block, frontBytes);
    }
    this.strategy.removeFree(block, sizeBytes, "resized");
    this.strategy.insertFree(block, frontBytes, "split");
    this.counters.bytesFree -= takeBytes + Layout.HeaderBytes;
    this.counters.bytesInUse += takeBytes;
    this.counters.allocBlocks += 1;
    return carved;
  }

  /**
   * Grows the heap by `bytes` of free space at its end: the free last block grows, or a new free
   * block is appended. Returns the free last block, or 0 with `errno` set.
   */
  growFreeTail(bytes: number): Addr {
    const tail = this.heapTail;
    if (tail !== 0 && this.headers.status(tail) === Status.Free) {
      const outcome = this.extendTail(tail, this.headers.size(tail), bytes);
      if (outcome === "failed") return 0;
      if (outcome === "extended") return tail;
    }
    const start = this.heapBreak.grow(bytes);
    if (start === -1) return 0;
    this.appendHeapBlock(start, bytes - Layout.HeaderBytes, Status.Free);
    return start;
  }

  /**
   * Absorbs the free block right after the allocated `block` (payload `sizeBytes`) into it, for a
   * realloc that grows in place. Returns the new payload size.
   */
  absorbNext(block: Addr, sizeBytes: number): number {
    const h = this.headers;
    const next = h.next(block);
    const nextBytes = h.size(next);
    if (this.checkLevel >= 1) {
      this.assertInternal(
        next !== 0 && h.status(next) === Status.Free && h.status(block) === Status.Alloc,
        () => `absorbNext: 0x${block.toString(16)} is not an allocated block followed by a free one`,
      );
    }
    this.removeFree(next, nextBytes, "merged");
    this.unlinkNextOf(block, next);
    const merged = sizeBytes + Layout.HeaderBytes + nextBytes;
    h.setSize(block, merged);
    this.counters.bytesInUse += Layout.HeaderBytes + nextBytes;
    return merged;
  }

  /**
   * The deferred coalescing pass: merges every run of touching free heap blocks into its first block.
   * Only runs that gained a member since the last pass can need it, so only those are visited; the
   * result is the same as a walk over the whole list.
   */
  coalescePending(): void {
    const heapStart = this.heapStart;
    const h = this.headers;
    for (let i = 0; i < this.pendingCount; i++) {
      let first = heapStart + this.pending[i]!;
      if (!this.isLiveFreeBlock(first) || mergeRunInWindow(this, first)) continue;
      for (let prev = this.freeNeighbourBefore(first); prev !== 0; prev = this.freeNeighbourBefore(first)) first = prev;
      if (!this.hasFreeNeighbourAfter(first)) continue;
      // The strategy hears of the run once: the first block leaves the free set, the others are
      // absorbed (each leaving it), and the merged block comes back.
      const sizeBytes = h.size(first);
      this.removeFree(first, sizeBytes, "resized");
      this.addFree(first, this.absorbFreeAfter(first, sizeBytes), "merged");
    }
    this.pendingCount = 0;
  }

  /** Queues the free heap block `block`, which touches a free neighbour, for the next coalescing pass. */
  queueForCoalescing(block: Addr): void {
    this.addPending(block - this.heapStart);
  }

  /**
   * Queues a block for the next coalescing pass. When the queue is full, its stale entries are dropped
   * first (realloc can absorb and split free blocks again and again without a pass in between), and it
   * doubles only when it stays over half full; so it never holds many more entries than there are free
   * blocks, each of which is queued at most once while it stays free.
   */
  private addPending(offset: number): void {
    if (this.pendingCount === this.pending.length) {
      const heapStart = this.heapStart;
      let kept = 0;
      for (let i = 0; i < this.pendingCount; i++) {
        const entry = this.pending[i]!;
        if (this.isLiveFreeBlock(heapStart + entry)) this.pending[kept++] = entry;
      }
      this.pendingCount = kept;
      if (kept * 2 > this.pending.length) {
        const grown = new Float64Array(this.pending.length * 2);
        grown.set(this.pending);
        this.pending = grown;
      }
    }
    this.pending[this.pendingCount++] = offset;
  }

  /**
   * True when `block` (any number: a queued heap offset's address, or an address a policy asks about)
   * is a live free heap block, checked as a pointer given to `free` is (never trusting its bytes).
   */
  private isLiveFreeBlock(block: Addr): boolean {
    return isHeapBlock(this, block) && this.scratchHeader.status === Status.Free;
  }

  /** Records that the last heap block grew by `extraBytes` (the break already moved). */
  private growTail(block: Addr, sizeBytes: number, extraBytes: number): void {
    this.starts.cover(this.breakAddr);
    this.headers.setSize(block, sizeBytes + extraBytes);
    if (this.headers.status(block) === Status.Free) {
      this.counters.bytesFree += extraBytes;
      this.strategy.removeFree(block, sizeBytes, "resized");
      this.strategy.insertFree(block, sizeBytes + extraBytes, "grown");
    } else {
      this.counters.bytesInUse += extraBytes;
    }
  }

  // --- the OS ---

  /**
   * Grows the last heap block (payload `sizeBytes`) in place by `extraBytes`, moving the break, when
   * the block still ends at the break. See {@link HeapBreak.extend} for the answers.
   */
  extendTail(block: Addr, sizeBytes: number, extraBytes: number): "extended" | "moved" | "failed" {
    const outcome = this.heapBreak.extend(blockEnd(block, sizeBytes), extraBytes);
    if (outcome === "extended") this.growTail(block, sizeBytes, extraBytes);
    return outcome;
  }

  /** Maps a new block with a payload of `sizeBytes`; returns its header address, or 0 with `errno` set. */
  mapBlock(sizeBytes: number): Addr {
    this.counters.mmap += 1;
    const mapped = this.backend.mmap(sizeBytes + Layout.HeaderBytes);
    this.refreshHeaders();
    if (!mapped.ok) {
      this.fail(mapped.errno);
      return 0;
    }
    const block = mapped.value;
    this.headers.write(block, sizeBytes, Status.Mapped, this.mappedTail, 0);
    if (this.mappedTail === 0) this.mappedHead = block;
    else this.headers.setNext(this.mappedTail, block);
    this.mappedTail = block;
    this.mappedBlocks.add(block);
    this.counters.mappedBlocks += 1;
    this.counters.mappedBytes += sizeBytes + Layout.HeaderBytes;
    this.counters.bytesInUse += sizeBytes;
    return block;
  }

  /** Unmaps a mapped block. On failure the block stays linked and live, and `errno` is set. */
  unmapBlock(block: Addr): boolean {
    const h = this.headers;
    const sizeBytes = h.size(block);
    const prev = h.prev(block);
    const next = h.next(block);
    this.counters.munmap += 1;
    const unmapped = this.backend.munmap(block, sizeBytes + Layout.HeaderBytes);
    this.refreshHeaders();
    if (!unmapped.ok) {
      this.fail(unmapped.errno);
      return false;
    }
    if (prev === 0) this.mappedHead = next;
    else h.setNext(prev, next);
    if (next === 0) this.mappedTail = prev;
    else h.setPrev(next, prev);
    this.mappedBlocks.delete(block);
    this.counters.mappedBlocks -= 1;
    this.counters.mappedBytes -= sizeBytes + Layout.HeaderBytes;
    this.counters.bytesInUse -= sizeBytes;
    return true;
  }

  /** Records a refusal by the OS; returns -1 for the callers' convenience. */
  fail(errno: Errno): -1 {
    this.errno = errno;
    this.counters.failures += 1;
    return -1;
  }
}
