// Worst fit: always carve from the largest free block, so the remainders stay large. The index is a
// treap ordered by (size, address); the largest size is its last node and the lowest address of
// that size one lower-bound query away. Never walks the block list.
import type { Addr } from "@osmem/syscalls";
import type { FitPolicy, FitStrategy } from "@osmem/core";
import { NIL, TreapForest } from "./internal/treap-forest.js";

const TREE = 0;

/**
 * Worst fit: the free block with the largest payload, ties to the lowest address, when it holds the
 * request; otherwise none (the heap grows). Adjacent free blocks are merged before each search
 * ("deferred"), so the largest block is as large as it can be.
 *
 * Cost: O(log n) expected per search (two descents), insert and remove; O(n) index memory.
 * Weakness: it breaks up the big blocks first, so a later large request often finds none left and
 * the heap grows; fragmentation is usually the worst of the classic policies.
 */
export const worstFit: FitPolicy = Object.freeze({
  name: "worst-fit",
  coalescing: "deferred",
  bind(): FitStrategy {
    const bySize = new TreapForest(1);
    return {
      findFit(sizeBytes: number): Addr {
        const largest = bySize.last(TREE);
        if (largest === NIL) return 0;
        const largestBytes = bySize.keyOf(largest);
        if (largestBytes < sizeBytes) return 0;
        return bySize.tieOf(bySize.lowerBound(TREE, largestBytes, 0));
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
