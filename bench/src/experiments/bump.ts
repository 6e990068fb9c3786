// The floor of the ceiling experiments (ceiling-loop.ts): an "allocator" that does no allocating work.
// malloc hands out the next 8-aligned addresses after the last ones it handed out, free does nothing,
// and realloc always moves to fresh addresses without copying (nothing is ever read or written). What
// a replay of it costs is what the benchmark's replay loop costs around any allocator: reading the
// trace's ops, the pointer and live-byte bookkeeping, and four calls through the allocator interface.
// Memory is never reused, so it is a measuring stick, not an allocator.
import type { AllocatorFactory, BenchAllocator } from "../allocators.js";

/** The first address handed out: not 0, which is NULL. */
export const BUMP_START = 8;

/**
 * One bump "heap". A class, so that every run hands the replay loop the same call targets (closures
 * made per run would be new targets for the loop's optimized code at each run).
 */
export class BumpAllocator implements BenchAllocator {
  /** The next address to hand out (8-aligned); everything below it has been handed out once. */
  top = BUMP_START;

  malloc(sizeBytes: number): number {
    if (sizeBytes === 0) return 0;
    const ptr = this.top;
    this.top = ptr + Math.ceil(sizeBytes / 8) * 8;
    return ptr;
  }

  free(_ptr: number): void {}

  /** Always moves (nothing is copied); `realloc(p, 0)` frees, which is nothing, and gives NULL as malloc(0) does. */
  realloc(_ptr: number, sizeBytes: number): number {
    return this.malloc(sizeBytes);
  }

  /** Every byte ever handed out: nothing is given back. */
  footprintBytes(): number {
    return this.top - BUMP_START;
  }

  release(): void {}
}

/** The bump allocator behind the benchmark's allocator interface. */
export const bump: AllocatorFactory = {
  name: "bump",
  create: () => new BumpAllocator(),
};
