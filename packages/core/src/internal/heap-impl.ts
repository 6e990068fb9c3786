// The malloc family on top of HeapState: argument checks, the reference placement algorithm
// (preallocate, coalesce, fit, split, extend the last block, sbrk, mmap) and realloc's in-place paths.
// It decides; HeapState does the list surgery. Never touches header bytes except through block-header.ts.
import type { Addr, Errno, SyscallBackend } from "@osmem/syscalls";
import {
  AllocatorMisuseError,
  DEFAULT_MMAP_THRESHOLD_BYTES,
  DEFAULT_PREALLOC_BYTES,
  InvalidSizeError,
  MAX_SLAB_OBJECT_BYTES,
  type CheckLevel,
  type Heap,
  type HeapOptions,
  type HeapStats,
} from "../api.js";
import { alignUp, payloadOf } from "../block-header.js";
import { assertHeapValid } from "../check-heap.js";
import { HeapState } from "./heap-state.js";
import { Layout, Status } from "./layout.js";
import { findBlockOfPointer } from "./pointers.js";
import { SlabPool, type Slab } from "./slab-pool.js";
import { allocateInWindow, freeInWindow } from "./window-paths.js";

/** No request above this many bytes can be satisfied (the x86-64 user address space is 2^47 bytes). */
export const MAX_REQUEST_BYTES = 2 ** 47;

const requireSize = (what: string, value: number): number => {
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidSizeError(what, value);
  return value;
};

export class HeapImpl implements Heap {
  readonly state: HeapState;
  readonly policyName: string;
  // Number fields get a number initializer (docs/architecture.md, "Rules of the hot paths").
  private readonly mmapThreshold: number = 0;
  private readonly callocThreshold: number = 0;
  private readonly preallocBytes: number = 0;
  private readonly growthChunkBytes: number = 0;
  private readonly backPlacementMaxBytes: number = 0;
  /** Aligned requests up to this size go to slabs (0: none). */
  private readonly slabMaxBytes: number = 0;

  constructor(options: HeapOptions) {
    const checkLevel = options.checkLevel ?? 1;
    if (checkLevel !== 0 && checkLevel !== 1 && checkLevel !== 2) throw new RangeError(`checkLevel must be 0, 1 or 2, got ${String(checkLevel)}`);
    this.state = new HeapState(options.backend, checkLevel);
    this.state.strategy = options.policy.bind(this.state);
    this.policyName = options.policy.name;
    this.state.coalescingImmediate = options.policy.coalescing === "immediate";
    const shape = options.policy.heapShape ?? {};
    this.mmapThreshold = positive("mmapThresholdBytes", options.mmapThresholdBytes ?? shape.mmapThresholdBytes ?? DEFAULT_MMAP_THRESHOLD_BYTES);
    this.callocThreshold = positive("callocThresholdBytes", options.callocThresholdBytes ?? options.backend.pageSize);
    this.preallocBytes = positive("preallocBytes", options.preallocBytes ?? shape.preallocBytes ?? DEFAULT_PREALLOC_BYTES);
    if (this.preallocBytes % 8 !== 0 || this.preallocBytes <= Layout.HeaderBytes) throw new RangeError("preallocBytes must be a multiple of 8 larger than a header");
    this.growthChunkBytes = nonNegative("growthChunkBytes", options.growthChunkBytes ?? shape.growthChunkBytes ?? 0);
    if (this.growthChunkBytes % 8 !== 0 || (this.growthChunkBytes !== 0 && this.growthChunkBytes <= Layout.HeaderBytes)) {
      throw new RangeError("growthChunkBytes must be 0 or a multiple of 8 larger than a header");
    }
    this.backPlacementMaxBytes = nonNegative("backPlacementMaxBytes", options.backPlacementMaxBytes ?? shape.backPlacementMaxBytes ?? 0);
    this.slabMaxBytes = nonNegative("slabMaxBytes", options.slabMaxBytes ?? shape.slabMaxBytes ?? 0);
    if (this.slabMaxBytes % 8 !== 0 || this.slabMaxBytes > MAX_SLAB_OBJECT_BYTES) {
      throw new RangeError(`slabMaxBytes must be a multiple of 8 from 0 to ${MAX_SLAB_OBJECT_BYTES}, got ${this.slabMaxBytes}`);
    }
    if (this.slabMaxBytes > 0) {
      this.state.slabs = new SlabPool(this.state, this.slabMaxBytes, {
        allocateBlock: (alignedBytes) => this.allocateOnHeap(alignedBytes),
        releaseBlock: (block) => this.state.releaseBlock(block),
      });
    }
  }

  get backend(): SyscallBackend {
    return this.state.backend;
  }
  get checkLevel(): CheckLevel {
    return this.state.checkLevel;
  }
  get errno(): Errno | undefined {
    return this.state.errno;
  }
  get heapStart(): Addr {
    return this.state.heapStart;
  }

  malloc(sizeBytes: number): Addr {
    requireSize("malloc", sizeBytes);
    this.state.refreshHeadersIfStale();
    this.checkAll();
    const ptr = this.allocate(sizeBytes, this.mmapThreshold);
    this.checkAll();
    return ptr;
  }

  calloc(count: number, sizeBytes: number): Addr {
    requireSize("calloc count", count);
    requireSize("calloc", sizeBytes);
    if (count === 0 || sizeBytes === 0) return 0;
    this.state.refreshHeadersIfStale();
    this.checkAll();
    const total = count * sizeBytes;
    if (total > MAX_REQUEST_BYTES) {
      this.state.fail("ENOMEM");
      return 0;
    }
    const ptr = this.allocate(total, this.callocThreshold);
    if (ptr !== 0) this.state.memory.fill(ptr, alignUp(total), 0);
    this.checkAll();
    return ptr;
  }

  realloc(ptr: Addr, sizeBytes: number): Addr {
    requireSize("realloc", sizeBytes);
    if (ptr === 0) return this.malloc(sizeBytes);
    this.state.refreshHeadersIfStale();
    const slab = this.state.slabs?.find(ptr);
    if (slab !== undefined) return this.resizeSlabObject(slab, ptr, sizeBytes);
    const block = this.blockOfPointer("realloc", ptr);
    if (sizeBytes === 0) {
      this.free(ptr);
      return 0;
    }
    const status = this.state.headers.status(block);
    if (status === Status.Free) return 0;
    this.checkAll();
    const result = status === Status.Mapped ? this.move(block, sizeBytes) : this.resizeHeapBlock(block, sizeBytes);
    this.checkAll();
    return result;
  }

  free(ptr: Addr): void {
    if (ptr === 0) return;
    this.state.refreshHeadersIfStale();
    const s = this.state;
    const slab = s.slabs?.find(ptr);
    if (slab !== undefined) {
      this.freeSlabObject(slab, ptr);
      return;
    }
    if (freeInWindow(s, ptr)) return;
    const block = this.blockOfPointer("free", ptr);
    const { status, sizeBytes } = s.scratchHeader;
    if (status === Status.Free) throwDoubleFree(ptr);
    this.checkAll();
    s.releaseBlockOf(block, status, sizeBytes);
    this.checkAll();
  }

  /** free() of an object in `slab` (out of line: most frees are of blocks). */
  private freeSlabObject(slab: Slab, ptr: Addr): void {
    this.checkAll();
    this.state.slabs!.release(slab, ptr, "free");
    this.checkAll();
  }

  usableSize(ptr: Addr): number {
    this.state.refreshHeadersIfStale();
    const slab = this.state.slabs?.find(ptr);
    if (slab !== undefined) {
      const slabs = this.state.slabs!;
      if (!slabs.isLive(slab, slabs.indexOf(slab, ptr, "usableSize"))) {
        throw new AllocatorMisuseError("invalid-pointer", `usableSize(0x${ptr.toString(16)}): the object is free`, ptr);
      }
      return slab.objectBytes;
    }
    const block = this.blockOfPointer("usableSize", ptr);
    if (this.state.headers.status(block) === Status.Free) {
      throw new AllocatorMisuseError("invalid-pointer", `usableSize(0x${ptr.toString(16)}): the block is free`, ptr);
    }
    return this.state.headers.size(block);
  }

  stats(): HeapStats {
    const c = this.state.counters;
    return {
      bytesInUse: c.bytesInUse,
      bytesFree: c.bytesFree,
      heapBytes: this.state.heapBreak.grownBytes,
      mappedBytes: c.mappedBytes,
      allocBlocks: c.allocBlocks,
      freeBlocks: c.freeBlocks,
      mappedBlocks: c.mappedBlocks,
      slabBlocks: this.state.slabs?.slabs.length ?? 0,
      slabObjects: this.state.slabs?.objects ?? 0,
      syscalls: { brk: c.brk, mmap: c.mmap, munmap: c.munmap },
      failures: c.failures,
      segments: this.state.heapBreak.segments.length,
    };
  }

  // --- placement ---

  /** Places a request of `sizeBytes` (unaligned) on the heap or in a mapping; returns a payload or NULL. */
  private allocate(sizeBytes: number, threshold: number): Addr {
    if (sizeBytes === 0) return 0;
    if (sizeBytes > MAX_REQUEST_BYTES) {
      this.state.fail("ENOMEM");
      return 0;
    }
    const alignedBytes = alignUp(sizeBytes);
    if (alignedBytes <= this.slabMaxBytes) return this.state.slabs!.allocate(alignedBytes);
    if (alignedBytes + Layout.HeaderBytes >= threshold) {
      const block = this.state.mapBlock(alignedBytes);
      return block === 0 ? 0 : payloadOf(block);
    }
    const block = this.allocateOnHeap(alignedBytes);
    return block === 0 ? 0 : payloadOf(block);
  }

  /** Best place on the heap for `alignedBytes`, growing the break when nothing fits. */
  private allocateOnHeap(alignedBytes: number): Addr {
    const s = this.state;
    if (s.heapHead === 0) {
      const start = s.heapBreak.grow(this.preallocBytes);
      if (start === -1) return 0;
      s.appendHeapBlock(start, this.preallocBytes - Layout.HeaderBytes, Status.Free);
    }
    if (s.mayHaveAdjacentFree) s.coalescePending();
    const fit = s.strategy.findFit(alignedBytes);
    if (fit !== 0) {
      const fitBytes = s.headers.size(fit);
      if (s.checkLevel >= 1) {
        s.assertInternal(s.headers.status(fit) === Status.Free && fitBytes >= alignedBytes, () => `policy ${this.policyName} chose 0x${fit.toString(16)}, which is not a fitting free block`);
      }
      return this.place(fit, fitBytes, alignedBytes);
    }
    if (alignedBytes + Layout.HeaderBytes < this.growthChunkBytes) {
      const chunk = s.growFreeTail(this.growthChunkBytes);
      return chunk === 0 ? 0 : this.place(chunk, s.headers.size(chunk), alignedBytes);
    }
    const tail = s.heapTail;
    if (s.headers.status(tail) === Status.Free) {
      const tailBytes = s.headers.size(tail);
      const outcome = s.extendTail(tail, tailBytes, alignedBytes - tailBytes);
      if (outcome === "failed") return 0;
      if (outcome === "extended") {
        s.allocateFree(tail, alignedBytes);
        return tail;
      }
    }
    const start = s.heapBreak.grow(alignedBytes + Layout.HeaderBytes);
    if (start === -1) return 0;
    s.appendHeapBlock(start, alignedBytes, Status.Alloc);
    return start;
  }

  /** Allocates `alignedBytes` out of the free `block`: from its high end for small requests when the shape says so, else from its low end. */
  private place(block: Addr, blockBytes: number, alignedBytes: number): Addr {
    const s = this.state;
    if (alignedBytes <= this.backPlacementMaxBytes && blockBytes - alignedBytes >= Layout.MinSplitRemainder) {
      return s.carveFromBack(block, blockBytes, alignedBytes);
    }
    if (!allocateInWindow(s, block, blockBytes, alignedBytes)) {
      s.allocateFree(block, blockBytes);
      s.splitAllocated(block, blockBytes, alignedBytes);
    }
    return block;
  }

  /** realloc of an allocated heap block: shrink or grow in place when possible, else move. */
  private resizeHeapBlock(block: Addr, sizeBytes: number): Addr {
    const s = this.state;
    const alignedBytes = alignUp(sizeBytes);
    let currentBytes = s.headers.size(block);
    if (alignedBytes === currentBytes) return payloadOf(block);
    if (alignedBytes + Layout.HeaderBytes >= this.mmapThreshold) return this.move(block, sizeBytes);
    if (alignedBytes < currentBytes) {
      s.splitAllocated(block, currentBytes, alignedBytes);
      return payloadOf(block);
    }
    if (block !== s.heapTail) {
      while (currentBytes < alignedBytes && s.hasFreeNeighbourAfter(block)) currentBytes = s.absorbNext(block, currentBytes);
      if (currentBytes >= alignedBytes) {
        s.splitAllocated(block, currentBytes, alignedBytes);
        return payloadOf(block);
      }
    }
    if (block === s.heapTail) {
      const outcome = s.extendTail(block, currentBytes, alignedBytes - currentBytes);
      if (outcome === "failed") return 0;
      if (outcome === "extended") return payloadOf(block);
    }
    return this.move(block, sizeBytes);
  }

  /**
   * realloc of a slab object: it stays when the new size rounds to its class; else it moves to an
   * object of the new class or to a block, so that a shrunk object does not keep its old size. When
   * that fails the object stays live: a grown request returns NULL, a shrunk one keeps its place
   * (it still fits) and leaves `errno` and the failure count as they were. A free object gives NULL,
   * as a free block does (and a double free for size 0, which frees).
   * @throws AllocatorMisuseError when `ptr` is inside an object, or is free and the size is 0.
   */
  private resizeSlabObject(slab: Slab, ptr: Addr, sizeBytes: number): Addr {
    const s = this.state;
    const slabs = s.slabs!;
    if (!slabs.isLive(slab, slabs.indexOf(slab, ptr, "realloc"))) {
      if (sizeBytes === 0) slabs.release(slab, ptr, "free"); // throws double-free, as realloc(p, 0) of a free block does
      return 0;
    }
    const alignedBytes = alignUp(sizeBytes);
    if (alignedBytes === slab.objectBytes) return ptr;
    this.checkAll();
    let result = 0;
    if (sizeBytes > 0) {
      const { errno } = s;
      const failures = s.counters.failures;
      result = this.allocate(sizeBytes, this.mmapThreshold);
      if (result === 0 && alignedBytes < slab.objectBytes) {
        s.errno = errno;
        s.counters.failures = failures;
        return ptr;
      }
      if (result === 0) return 0;
      s.memory.copy(result, ptr, Math.min(slab.objectBytes, alignedBytes));
    }
    slabs.release(slab, ptr, "realloc");
    this.checkAll();
    return result;
  }

  /** Allocates a new block (realloc's threshold), copies the payload, then releases the old block. */
  private move(block: Addr, sizeBytes: number): Addr {
    const s = this.state;
    const target = this.allocate(sizeBytes, this.mmapThreshold);
    if (target === 0) return 0;
    const keepBytes = Math.min(s.headers.size(block), alignUp(sizeBytes));
    s.memory.copy(target, payloadOf(block), keepBytes);
    s.releaseBlock(block);
    return target;
  }

  // --- checks ---

  private blockOfPointer(what: string, ptr: Addr): Addr {
    const block = findBlockOfPointer(this.state, ptr);
    if (block === 0) throwInvalidPointer(what, ptr);
    return block;
  }

  private checkAll(): void {
    if (this.state.checkLevel >= 2) assertHeapValid(this);
  }
}

// The misuse errors of the hot paths, out of line so that those stay small enough for V8 to inline.

function throwInvalidPointer(what: string, ptr: Addr): never {
  const shown = Number.isFinite(ptr) ? `0x${ptr.toString(16)}` : String(ptr);
  throw new AllocatorMisuseError("invalid-pointer", `${what}(${shown}): not a pointer returned by this heap (or already released)`, ptr);
}

function throwDoubleFree(ptr: Addr): never {
  throw new AllocatorMisuseError("double-free", `free(0x${ptr.toString(16)}): double free, the block is already free`, ptr);
}

function nonNegative(what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative safe integer, got ${String(value)}`);
  return value;
}

function positive(what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${what} must be a positive safe integer, got ${String(value)}`);
  return value;
}
