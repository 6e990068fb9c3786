// Best fit with an index: the same decisions as the reference `bestFit` (smallest fitting free block,
// ties to the lowest address, deferred coalescing) without a walk of the block list. Blocks up to a
// limit sit in one address-ordered heap per exact size, larger ones in a treap ordered by (size,
// address) whose operations are single loops (SizeTreap, ADR 0013). The index mirrors the core's free
// set; it never walks the block list, and asks the core's view only whether a bin entry met at the
// top of its bin is still a free block of that size.
import type { Addr } from "@osmem/syscalls";
import type { BlockView, FitPolicy, FitStrategy } from "@osmem/core";
import { SizeBins } from "./internal/size-bins.js";
import { SizeTreap } from "./internal/size-treap.js";

/**
 * The largest payload kept in a per-size bin (4096 bins). Merged free blocks of a few KiB up to tens
 * of KiB are common (on the benchmark traces 4 KiB left most of needle's and random-bal's blocks in
 * the treap; 32 KiB was as fast as any larger limit); above it blocks are few and the treap shallow.
 */
export const INDEXED_BIN_MAX_BYTES = 32 * 1024;

/** The bin of a payload of `sizeBytes` (1 .. {@link INDEXED_BIN_MAX_BYTES}): bin b holds 8 * (b + 1) bytes. */
const binOf = (sizeBytes: number): number => (sizeBytes - 1) >>> 3;

/**
 * Indexed best fit: the free block with the smallest payload that holds the request, ties to the
 * lowest address. A payload of at most {@link INDEXED_BIN_MAX_BYTES} is kept in the bin of its exact
 * size, a min-heap of addresses, and the first non-empty bin at or after the request's (a bitmap scan)
 * has the answer on top; larger payloads, and requests no bin serves, go to a treap keyed by (size,
 * address) and its first pair of at least the request's size. Places every request exactly where
 * {@link bestFit} does; adjacent free blocks are merged before each search ("deferred", as in the
 * reference).
 *
 * A bin removes lazily: a block leaving it is only counted out, and its entry is popped when a search
 * finds it on top and the view's `freeBlockSize` says it is no longer a free block of that size (see
 * docs/decisions/0012-lazy-bins.md).
 *
 * Cost: blocks up to the limit O(1) per search (plus one O(log k) pop per block that left the bin
 * since), O(log k) per insert, O(1) per remove (k = entries of that size); larger blocks O(log m)
 * expected per operation (m = free blocks above the limit). No allocation but array doubling. O(n)
 * index memory, at most ~4 entries per block a bin ever held at once, plus a fixed ~70 KiB of bins per
 * heap (and, at check level 2, a map of the binned blocks for the checks against core bugs).
 * Weakness: best fit's own — it leaves small slivers behind, and each free-set change costs a heap or tree update.
 */
export const indexedBestFit: FitPolicy = Object.freeze({
  name: "indexed-best-fit",
  coalescing: "deferred",
  bind(view: BlockView): FitStrategy {
    const small = new SizeBins(view, binOf(INDEXED_BIN_MAX_BYTES) + 1);
    const large = new SizeTreap((view.checkLevel ?? 1) >= 1);
    return {
      findFit(sizeBytes: number): Addr {
        if (sizeBytes <= INDEXED_BIN_MAX_BYTES) {
          // Every bin from the request's on holds blocks that fit; the first non-empty one the best.
          const found = small.lowestFrom(sizeBytes > 0 ? binOf(sizeBytes) : 0);
          if (found !== 0) return found as Addr;
        }
        return large.lowestFit(sizeBytes) as Addr;
      },
      insertFree(block: Addr, sizeBytes: number): void {
        if (sizeBytes <= INDEXED_BIN_MAX_BYTES) small.insert(binOf(sizeBytes), block);
        else large.insert(sizeBytes, block);
      },
      removeFree(block: Addr, sizeBytes: number): void {
        if (sizeBytes <= INDEXED_BIN_MAX_BYTES) small.remove(binOf(sizeBytes), block);
        else large.remove(sizeBytes, block);
      },
    };
  },
});
