// First fit: the lowest-addressed free block that holds the request. The index is a treap of free
// blocks ordered by address whose nodes cache the largest size in their subtree, so the search is one
// descent instead of a walk of the block list.
import type { Addr } from "@osmem/syscalls";
import type { FitPolicy, FitStrategy } from "@osmem/core";
import { NIL, TreapForest } from "./internal/treap-forest.js";

const TREE = 0;

/**
 * First fit: the free block with the lowest address whose payload holds the request. Adjacent free
 * blocks are merged before each search ("deferred", as in the reference), which keeps frees cheap and
 * lets a run of small free blocks serve one bigger request.
 *
 * Cost: O(log n) expected per search, insert and remove (a treap by address with subtree maxima).
 * Weakness: small remainders pile up at the low end of the heap, so requests there are served from
 * ever smaller slivers while the large blocks drift to the top.
 */
export const firstFit: FitPolicy = Object.freeze({
  name: "first-fit",
  coalescing: "deferred",
  bind(): FitStrategy {
    const byAddr = new TreapForest(1);
    return {
      findFit(sizeBytes: number): Addr {
        const node = byAddr.firstFit(TREE, sizeBytes);
        return node === NIL ? 0 : byAddr.keyOf(node);
      },
      insertFree(block: Addr, sizeBytes: number): void {
        byAddr.insert(TREE, block, 0, sizeBytes);
      },
      removeFree(block: Addr, sizeBytes: number): void {
        byAddr.remove(TREE, block, 0, sizeBytes);
      },
    };
  },
});
