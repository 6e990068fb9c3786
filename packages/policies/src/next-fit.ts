// Next fit: first fit that resumes where the previous search ended (a roving address) and wraps
// around to the lowest address. The rover is an address, not a reference to a block, so it stays
// meaningful when that block is allocated, split or merged away. Same index as first fit.
import type { Addr } from "@osmem/syscalls";
import type { FitPolicy, FitStrategy } from "@osmem/core";
import { NIL, TreapForest } from "./internal/treap-forest.js";

const TREE = 0;

/**
 * Next fit: the first free block at or after the rover (the block the previous search chose) whose
 * payload holds the request; if none, the first fitting block from the bottom of the heap. The rover
 * then moves to the chosen block. A search that finds nothing leaves the rover where it was. Adjacent
 * free blocks are merged before each search ("deferred").
 *
 * Cost: O(log n) expected per search, insert and remove (a treap by address with subtree maxima).
 * Weakness: spreading placements over the whole heap destroys locality and tends to fragment more
 * than first fit.
 */
export const nextFit: FitPolicy = Object.freeze({
  name: "next-fit",
  coalescing: "deferred",
  bind(): FitStrategy {
    const byAddr = new TreapForest(1);
    let rover = 0;
    return {
      findFit(sizeBytes: number): Addr {
        let node = byAddr.firstFitFrom(TREE, rover, sizeBytes);
        if (node === NIL && rover !== 0) node = byAddr.firstFit(TREE, sizeBytes);
        if (node === NIL) return 0;
        rover = byAddr.keyOf(node);
        return rover;
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
