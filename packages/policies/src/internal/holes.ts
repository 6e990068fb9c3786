// Test support, not exported: builds small heaps with free blocks ("holes") at known places, for the
// policy tests. Reads the heap only through the core's public walkBlocks.
import type { Addr } from "@osmem/syscalls";
import { createSimBackend } from "@osmem/backend-sim";
import { createHeap, walkBlocks, type FitPolicy, type Heap } from "@osmem/core";

/** A fresh checked heap on the simulated backend. */
export const newHeap = (policy: FitPolicy): Heap => createHeap({ backend: createSimBackend(), policy, checkLevel: 2 });

/**
 * Allocates a block of each size with an 8-byte guard block after it (so free blocks never touch),
 * then frees the blocks at the indexes in `freed`. Returns every payload, in address order.
 */
export function makeHoles(heap: Heap, sizes: readonly number[], freed: readonly number[]): Addr[] {
  const ptrs = sizes.map((sizeBytes) => {
    const ptr = heap.malloc(sizeBytes);
    heap.malloc(8);
    return ptr;
  });
  for (const i of freed) heap.free(ptrs[i]!);
  return ptrs;
}

/** Allocates the free block at the top of the heap whole (the rest of the first 128 KiB), so it no longer competes. */
export function takeTop(heap: Heap): Addr {
  const top = walkBlocks(heap).filter((b) => b.status !== "mapped").at(-1);
  if (top === undefined || top.status !== "free") throw new Error("the top block is not free");
  const ptr = heap.malloc(top.sizeBytes);
  if (ptr !== top.payloadAddr) throw new Error(`the policy placed the top-sized request at 0x${ptr.toString(16)}`);
  return ptr;
}
