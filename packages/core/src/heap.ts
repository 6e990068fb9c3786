// The entry point: builds a heap from a backend and a fit policy. The core never imports a concrete
// backend or policy; callers wire them in here.
import type { Heap, HeapOptions } from "./api.js";
import { HeapImpl } from "./internal/heap-impl.js";

/**
 * Creates an allocator over `options.backend`, placing requests with `options.policy`.
 * Nothing is asked of the OS until the first request.
 *
 * @example
 * ```ts
 * const heap = createHeap({ backend: createSimBackend(), policy: bestFit });
 * const p = heap.malloc(100);      // brk(0), brk(start + 128 KiB): the heap is preallocated
 * heap.free(p);
 * ```
 * @throws RangeError for an invalid option (check level, thresholds, preallocation size).
 */
export function createHeap(options: HeapOptions): Heap {
  return new HeapImpl(options);
}
