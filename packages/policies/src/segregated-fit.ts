// Segregated fit: free blocks sorted into size classes (exact 8-byte classes up to 1 KiB, then one
// class per power of two). An exact class is a min-heap of addresses with lazy removal, as in indexed
// best fit (any of its blocks fits, so only the lowest address matters); a power-of-two class is an
// address-ordered treap with subtree maxima (the lowest address that fits). Bitmaps of the non-empty
// classes find the next class. Free blocks merge as soon as they appear ("immediate").
import type { Addr } from "@osmem/syscalls";
import type { BlockView, FitPolicy, FitStrategy } from "@osmem/core";
import { SizeBins } from "./internal/size-bins.js";
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
 * Cost: exact classes O(1) per search (amortised: a block that left is popped when a search meets
 * it), O(log k) per insert and O(1) per remove (k = blocks of that size); power-of-two classes
 * O(log m) expected per operation (m = blocks of the class); finding the next non-empty class is O(1).
 * Weakness: a request slightly above 1 KiB may take a block up to twice its size from the next class
 * and split it; exact classes fill with same-size blocks that a slightly larger request cannot use.
 */
export const segregatedFit: FitPolicy = Object.freeze({
  name: "segregated-fit",
  coalescing: "immediate",
  bind(view: BlockView): FitStrategy {
    const exact = new SizeBins(view, EXACT_CLASSES);
    const ranges = new TreapForest(CLASS_COUNT);
    const nonEmptyRanges = new ClassBitmap(CLASS_COUNT);
    /** The lowest-addressed block of the first non-empty power-of-two class from `cls` on (every block of it fits). */
    const lowestInRangesFrom = (cls: number): Addr => {
      const found = nonEmptyRanges.nextSetFrom(cls);
      return found === -1 ? 0 : ranges.keyOf(ranges.firstFit(found, 0));
    };
    return {
      findFit(sizeBytes: number): Addr {
        const own = segregatedClassOf(sizeBytes);
        if (own < EXACT_CLASSES) {
          // Every block of an exact class at or above the request's fits: the first non-empty one's lowest.
          const found = exact.lowestFrom(own);
          return found !== 0 ? found : lowestInRangesFrom(EXACT_CLASSES);
        }
        if (nonEmptyRanges.has(own)) {
          const node = ranges.firstFit(own, sizeBytes);
          if (node !== NIL) return ranges.keyOf(node);
        }
        return lowestInRangesFrom(own + 1);
      },
      insertFree(block: Addr, sizeBytes: number): void {
        const cls = segregatedClassOf(sizeBytes);
        if (cls < EXACT_CLASSES) {
          exact.insert(cls, block);
          return;
        }
        ranges.insert(cls, block, 0, sizeBytes);
        nonEmptyRanges.set(cls);
      },
      removeFree(block: Addr, sizeBytes: number): void {
        const cls = segregatedClassOf(sizeBytes);
        if (cls < EXACT_CLASSES) {
          exact.remove(cls, block);
          return;
        }
        ranges.remove(cls, block, 0, sizeBytes);
        if (ranges.isEmpty(cls)) nonEmptyRanges.clear(cls);
      },
    };
  },
});
