// TLSF-style two-level segregated fit: a power-of-two first level split into 32 linear second-level
// classes, one LIFO list per class, and a two-level bitmap of non-empty classes. Requests are rounded
// up to the next class boundary so any block of the class found fits: O(1) without searching lists.
import type { Addr } from "@osmem/syscalls";
import type { BlockView, FitPolicy, FitStrategy } from "@osmem/core";
import { ClassBitmap, floorLog2 } from "./internal/class-bitmap.js";
import { ClassLists, NO_NODE } from "./internal/class-lists.js";

/** log2 of the classes per power of two. */
const SECOND_LEVEL_LOG2 = 5;
const SECOND_LEVEL_COUNT = 1 << SECOND_LEVEL_LOG2;
/** Sizes are counted in 8-byte units below 2^50; the last first level is 49. */
const CLASS_COUNT = (49 - SECOND_LEVEL_LOG2 + 2) * SECOND_LEVEL_COUNT;

/**
 * The class of `units` 8-byte units: below 32 units (256 bytes) one class per size, then 32 classes
 * per power of two, each spanning 2^(level-5) units.
 */
export function tlsfClassOf(units: number): number {
  if (units < SECOND_LEVEL_COUNT) return units;
  if (units < 2147483648) {
    const level = 31 - Math.clz32(units);
    return (level - SECOND_LEVEL_LOG2 + 1) * SECOND_LEVEL_COUNT + ((units >>> (level - SECOND_LEVEL_LOG2)) & (SECOND_LEVEL_COUNT - 1));
  }
  const level = floorLog2(units);
  const second = Math.floor(units / 2 ** (level - SECOND_LEVEL_LOG2)) - SECOND_LEVEL_COUNT;
  return (level - SECOND_LEVEL_LOG2 + 1) * SECOND_LEVEL_COUNT + second;
}

/** The lowest class whose every block holds `units` units: `units` rounded up to a class boundary. */
export function tlsfSearchClassOf(units: number): number {
  if (units < SECOND_LEVEL_COUNT) return units;
  // The span of one class at this level, 2^shift units: a shift while it fits in an int32 (a
  // variable `**` is a call to a floating-point pow on every search).
  const shift = floorLog2(units) - SECOND_LEVEL_LOG2;
  return tlsfClassOf(units + (shift < 31 ? 1 << shift : 2 ** shift) - 1);
}

/**
 * TLSF (two-level segregated fit, "good fit"): the most recently freed block of the lowest non-empty
 * class whose every block holds the request; when there is none, the newest block of the request's
 * own class if it fits. Classes: one per 8 bytes below 256 bytes, then 32 per power of two (at most
 * 1/32 of the size apart). Free blocks merge with their free neighbours at once ("immediate").
 *
 * Cost: O(1) per search, insert and remove (bitmap scans, list pushes and unlinks; a block's list node
 * is found through the tag it carries).
 * Weakness: not best fit — rounding up can pass over a block of the request's own class that fits, and
 * it takes the newest block of a class, not the lowest address, so long-lived heaps spread out more.
 */
export const tlsf: FitPolicy = Object.freeze({
  name: "tlsf",
  coalescing: "immediate",
  bind(view: BlockView): FitStrategy {
    const lists = new ClassLists(view, CLASS_COUNT);
    const nonEmpty = new ClassBitmap(CLASS_COUNT);
    return {
      findFit(sizeBytes: number): Addr {
        const units = sizeBytes / 8;
        const search = tlsfSearchClassOf(units);
        const found = nonEmpty.nextSetFrom(search);
        if (found !== -1) return lists.addrOf(lists.head(found));
        const head = lists.head(tlsfClassOf(units));
        return head !== NO_NODE && lists.sizeOf(head) >= sizeBytes ? lists.addrOf(head) : 0;
      },
      insertFree(block: Addr, sizeBytes: number): void {
        const cls = tlsfClassOf(sizeBytes / 8);
        lists.push(cls, block, sizeBytes);
        nonEmpty.set(cls);
      },
      removeFree(block: Addr, sizeBytes: number): void {
        const cls = lists.remove(block, sizeBytes);
        if (lists.head(cls) === NO_NODE) nonEmpty.clear(cls);
      },
    };
  },
});
