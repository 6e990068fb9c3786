// The allocators under test behind one tiny interface, so a single replay loop drives them all:
// every osmem policy on the simulated backend (no syscall log, check level 0) and @thi.ng/malloc's
// MemPool over one ArrayBuffer, with its default settings (split and free-block merging on).
// Adapters only translate C edge cases (realloc(NULL, n), realloc(p, 0)); they never add checks.
import { createSimBackend, type SimBackend } from "@osmem/backend-sim";
import { createHeap, type FitPolicy, type Heap } from "@osmem/core";
import type { Addr } from "@osmem/syscalls";
import { POLICIES } from "@osmem/policies";
import { MemPool } from "@thi.ng/malloc";

/** The name under which @thi.ng/malloc appears in every table. */
export const THING_NAME = "thi.ng/malloc";

/** malloc/free/realloc on plain numbers; 0 is NULL. One instance is one fresh heap. */
export interface BenchAllocator {
  /** A payload address, or 0 when the request cannot be met (or `sizeBytes` is 0). */
  malloc(sizeBytes: number): number;
  /** pre: `ptr` was returned by this allocator and is live, and is not 0. */
  free(ptr: number): void;
  /** C semantics: `realloc(0, n)` = malloc, `realloc(p, 0)` = free and 0; 0 on failure (p stays live). */
  realloc(ptr: number, sizeBytes: number): number;
  /** Bytes the allocator currently holds from its memory source (see BENCHMARKS.md). O(1). */
  footprintBytes(): number;
  /**
   * Ends the run (untimed): the allocator's memory goes back, zeroed, for the next instance to reuse,
   * as the CMU driver reuses its heap between runs. The allocator must not be used afterwards.
   */
  release(): void;
}

/** What an allocator may want to know before a run, to size its memory. */
export interface RunHints {
  /** The most requested bytes live at once in the workload. */
  readonly peakRequestedBytes: number;
}

/** Makes a fresh {@link BenchAllocator} per run. */
export interface AllocatorFactory {
  readonly name: string;
  create(hints: RunHints): BenchAllocator;
}

/**
 * An osmem heap behind the bench interface. The adapters are classes, not objects of closures made per
 * heap: the replay loop then calls the same functions for every heap of a run, where new closures at
 * each run were new call targets, and V8 threw away the loop's optimized code on each ("wrong call
 * target").
 */
class OsmemAllocator implements BenchAllocator {
  private readonly backend: SimBackend;
  private readonly heap: Heap;
  /**
   * The footprint only changes with a syscall: the stats are re-read only after one, as `osmem analyze`
   * does. The observer is installed by the first footprint read, so a timed replay (which never reads
   * it) runs without one and the backend builds no syscall events.
   */
  private syscallSeen = true;
  private footprint = 0;
  private readonly noteSyscall = (): void => {
    this.syscallSeen = true;
  };

  constructor(policy: FitPolicy) {
    this.backend = createSimBackend({ record: false });
    this.heap = createHeap({ backend: this.backend, policy, checkLevel: 0 });
  }

  malloc(sizeBytes: number): number {
    return this.heap.malloc(sizeBytes);
  }
  free(ptr: number): void {
    this.heap.free(ptr as Addr);
  }
  realloc(ptr: number, sizeBytes: number): number {
    return this.heap.realloc(ptr as Addr, sizeBytes);
  }
  footprintBytes(): number {
    this.backend.observer ??= this.noteSyscall;
    if (this.syscallSeen) {
      this.syscallSeen = false;
      const stats = this.heap.stats();
      this.footprint = stats.heapBytes + stats.mappedBytes;
    }
    return this.footprint;
  }
  release(): void {
    this.backend.release();
  }
}

/** An osmem policy (by its `POLICIES` name) on a fresh simulated backend at check level 0. */
export function osmemFactory(policyName: string): AllocatorFactory {
  const policy = POLICIES[policyName];
  if (policy === undefined) throw new RangeError(`unknown osmem policy: ${policyName}`);
  return { name: policyName, create: () => new OsmemAllocator(policy) };
}

/** ArrayBuffers are capped just under 4 GiB: MemPool keeps addresses in u32 fields. */
const MAX_POOL_BYTES = 2 ** 32 - 2 ** 16;
const MIN_POOL_BYTES = 64 * 1024 ** 2;

/** Exposes the pool's `top` (the end of the bytes it has ever carved, lowered when the top block is freed). */
class ObservedPool extends MemPool {
  get topAddress(): number {
    return this.top;
  }
}

/** A MemPool behind the bench interface (a class, for the reason given at {@link OsmemAllocator}). */
class ThingAllocator implements BenchAllocator {
  constructor(
    private readonly pool: ObservedPool,
    private readonly onRelease: () => void,
  ) {}

  malloc(sizeBytes: number): number {
    return this.pool.malloc(sizeBytes);
  }
  free(ptr: number): void {
    this.pool.free(ptr);
  }
  realloc(ptr: number, sizeBytes: number): number {
    if (ptr === 0) return this.pool.malloc(sizeBytes);
    if (sizeBytes === 0) {
      this.pool.free(ptr);
      return 0;
    }
    return this.pool.realloc(ptr, sizeBytes);
  }
  footprintBytes(): number {
    return this.pool.topAddress;
  }
  release(): void {
    this.onRelease();
  }
}

/**
 * @thi.ng/malloc's MemPool over a buffer of 4 × the workload's peak requested bytes + 64 MiB (at most
 * ~4 GiB; untouched pages cost nothing). Footprint = the pool's `top`: state header and every block
 * below it, used or free.
 */
export function thingFactory(): AllocatorFactory {
  /** The buffer of the last released pool, for the next pool of the same size. */
  let released: ArrayBuffer | undefined;
  return {
    name: THING_NAME,
    create(hints: RunHints): BenchAllocator {
      const wanted = Math.max(MIN_POOL_BYTES, 4 * hints.peakRequestedBytes + MIN_POOL_BYTES);
      const size = Math.min(MAX_POOL_BYTES, Math.ceil(wanted / 65536) * 65536);
      const buf = released?.byteLength === size ? released : new ArrayBuffer(size);
      released = undefined;
      // MemPool writes its state and every block header itself, so the buffer needs no zeroing.
      return new ThingAllocator(new ObservedPool({ buf }), () => {
        released = buf;
      });
    },
  };
}

/** Every allocator in table order: the osmem policies as `POLICIES` lists them, then @thi.ng/malloc. */
export const ALLOCATOR_NAMES: readonly string[] = [...Object.keys(POLICIES), THING_NAME];

/** The factory for a name from {@link ALLOCATOR_NAMES}. @throws RangeError for an unknown name. */
export function allocatorFactory(name: string): AllocatorFactory {
  return name === THING_NAME ? thingFactory() : osmemFactory(name);
}
