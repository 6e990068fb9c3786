// Segregated fit: free blocks sorted into size classes (exact 8-byte classes up to 1 KiB, then one
// class per power of two), each class an address-ordered treap with subtree maxima, and a bitmap of
// the non-empty classes. Free blocks merge as soon as they appear ("immediate").
import type { Addr } from "@osmem/syscalls";
import type { FitPolicy, FitStrategy } from "@osmem/core";
import { ClassBitmap, floorLog2 } from "./internal/class-bitmap.js";
import { NIL, TreapForest } from "./internal/treap-forest.js";

/** Sizes up to this many bytes have a class of their own (8, 16, ..., 1024). */
export const SEGREGATED_EXACT_LIMIT_BYTES = 1024;
const EXACT_CLASSES = SEGREGATED_EXACT_LIMIT_BYTES / 8;
const EXACT_LIMIT_LOG2 = 10;
/** Exact classes, then one per power of two from 2^10 up to 2^52. */
const CLASS_COUNT = EXACT_CLASSES + 53 - EXACT_LIMIT_LOG2;

/** The class of a payload of `sizeBytes` (a multiple of 8, below 2^53). */
export function segregatedClassOf(sizeBytes: number): number {
  if (sizeBytes <= SEGREGATED_EXACT_LIMIT_BYTES) return sizeBytes <= 8 ? 0 : (sizeBytes >>> 3) - 1;
  return EXACT_CLASSES + floorLog2(sizeBytes) - EXACT_LIMIT_LOG2;
}

/**
 * Segregated fit: the lowest-addressed block of the request's own class that holds it (any block of
 * an exact class does); failing that, the lowest-addressed block of the next non-empty larger class,
 * found through a bitmap. Classes: every multiple of 8 up to 1 KiB, then [2^k, 2^(k+1)). Free blocks
 * merge with their free neighbours at once ("immediate"), so the classes hold maximal blocks.
 *
 * Cost: O(log m) expected per search, insert and remove, m the blocks in the classes involved;
 * finding the next non-empty class is O(1).
 * Weakness: a request slightly above 1 KiB may take a block up to twice its size from the next class
 * and split it; exact classes fill with same-size blocks that a slightly larger request cannot use.
 */
export const segregatedFit: FitPolicy = Object.freeze({
  name: "segregated-fit",
  coalescing: "immediate",
  bind(): FitStrategy {
    const classes = new TreapForest(CLASS_COUNT);
    const nonEmpty = new ClassBitmap(CLASS_COUNT);
    return {
      findFit(sizeBytes: number): Addr {
        const own = segregatedClassOf(sizeBytes);
        if (nonEmpty.has(own)) {
          const node = classes.firstFit(own, sizeBytes);
          if (node !== NIL) return classes.keyOf(node);
        }
        const larger = nonEmpty.nextSetFrom(own + 1);
        return larger === -1 ? 0 : classes.keyOf(classes.firstFit(larger, sizeBytes));
      },
      insertFree(block: Addr, sizeBytes: number): void {
        const cls = segregatedClassOf(sizeBytes);
        classes.insert(cls, block, 0, sizeBytes);
        nonEmpty.set(cls);
      },
      removeFree(block: Addr, sizeBytes: number): void {
        const cls = segregatedClassOf(sizeBytes);
        classes.remove(cls, block, 0, sizeBytes);
        if (classes.isEmpty(cls)) nonEmpty.clear(cls);
      },
    };
  },
});
