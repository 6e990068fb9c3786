// Best fit with an index: the same decisions as the reference `bestFit` (smallest fitting free block,
// ties to the lowest address, deferred coalescing) from a treap ordered by (size, address) instead of
// a walk of the block list. The index mirrors the core's free set exactly; it never reads the heap.
import type { Addr } from "@osmem/syscalls";
import type { FitPolicy, FitStrategy } from "@osmem/core";
import { NIL, TreapForest } from "./internal/treap-forest.js";

const TREE = 0;

/**
 * Indexed best fit: the free block with the smallest payload that holds the request, ties to the
 * lowest address, found as the lower bound of (request, 0) in a treap keyed by (size, address).
 * Places every request exactly where {@link bestFit} does; adjacent free blocks are merged before
 * each search ("deferred", as in the reference).
 *
 * Cost: O(log n) expected per search, insert and remove (n = free blocks); O(n) index memory.
 * Weakness: best fit's own — it leaves small slivers behind, and each free-set change costs a tree update.
 */
export const indexedBestFit: FitPolicy = Object.freeze({
  name: "indexed-best-fit",
  coalescing: "deferred",
  bind(): FitStrategy {
    const bySize = new TreapForest(1);
    return {
      findFit(sizeBytes: number): Addr {
        const node = bySize.lowerBound(TREE, sizeBytes, 0);
        return node === NIL ? 0 : bySize.tieOf(node);
      },
      insertFree(block: Addr, sizeBytes: number): void {
        bySize.insert(TREE, sizeBytes, block, sizeBytes);
      },
      removeFree(block: Addr, sizeBytes: number): void {
        bySize.remove(TREE, sizeBytes, block, sizeBytes);
      },
    };
  },
});
