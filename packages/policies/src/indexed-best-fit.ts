// Best fit with an index: the same decisions as the reference `bestFit` (smallest fitting free block,
// ties to the lowest address, deferred coalescing) without a walk of the block list. Blocks up to a
// limit sit in one address-ordered heap per exact size, larger ones in a treap ordered by (size,
// address) whose operations are single loops (SizeTreap, ADR 0013), except one large block kept aside
// (the heap's free last block, most of the time). The index mirrors the core's free
// set; it never walks the block list, and asks the core's view only whether a bin entry met at the
// top of its bin is still a free block of that size.
import type { Addr } from "@osmem/syscalls";
import { InvariantError, type BlockView, type FitPolicy, type FitStrategy } from "@osmem/core";
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
 * One large block is kept aside, out of the treap: the last one inserted at a higher address than
 * the block aside then (or into an empty place). That is the heap's free last block most of the time,
 * which a growing program splits on most of its requests; each split took it out of the treap and
 * put the rest back in. A search compares the treap's answer with it by (size, address), so the
 * answer does not change; which block is aside only changes the cost.
 *
 * A bin removes lazily: a block leaving it is only counted out, and its entry is popped when a search
 * finds it on top and the view's `freeBlockSize` says it is no longer a free block of that size (see
 * docs/decisions/0012-lazy-bins.md).
 *
 * Cost: blocks up to the limit O(1) per search (plus one O(log k) pop per block that left the bin
 * since), O(log k) per insert, O(1) per remove (k = entries of that size); larger blocks O(log m)
 * expected per operation (m = free blocks above the limit), O(1) for the block aside. No allocation
 * but array doubling. O(n) index memory, at most ~4 entries per block a bin ever held at once, plus a
 * fixed ~70 KiB of bins per heap (and, at check level 2, a map of the binned blocks for the checks
 * against core bugs).
 * Weakness: best fit's own — it leaves small slivers behind, and each free-set change costs a heap or tree update.
 */
export const indexedBestFit: FitPolicy = Object.freeze({
  name: "indexed-best-fit",
  coalescing: "deferred",
  bind(view: BlockView): FitStrategy {
    const checked = (view.checkLevel ?? 1) >= 1;
    const small = new SizeBins(view, binOf(INDEXED_BIN_MAX_BYTES) + 1);
    const large = new SizeTreap(checked);
    /** The large block kept aside (0: none) and its payload size. */
    let asideAddr = 0;
    let asideBytes = 0;
    return {
      findFit(sizeBytes: number): Addr {
        if (sizeBytes <= INDEXED_BIN_MAX_BYTES) {
          // Every bin from the request's on holds blocks that fit; the first non-empty one the best.
          const found = small.lowestFrom(sizeBytes > 0 ? binOf(sizeBytes) : 0);
          if (found !== 0) return found as Addr;
        }
        const fromTree = large.lowestFit(sizeBytes);
        // The block aside wins when it fits and is smaller than the treap's answer, or as small and lower.
        if (asideAddr !== 0 && asideBytes >= sizeBytes) {
          const treeBytes = large.foundBytes;
          if (fromTree === 0 || asideBytes < treeBytes || (asideBytes === treeBytes && asideAddr < fromTree)) return asideAddr as Addr;
        }
        return fromTree as Addr;
      },
      insertFree(block: Addr, sizeBytes: number): void {
        if (sizeBytes <= INDEXED_BIN_MAX_BYTES) small.insert(binOf(sizeBytes), block);
        else if (block === asideAddr) throwRepeat(block);
        else if (asideAddr !== 0 && block < asideAddr) large.insert(sizeBytes, block);
        else {
          // It goes aside, and the block aside until now into the treap. From check level 1 it must
          // not be in the treap already (the treap checks its own inserts).
          if (checked && large.has(sizeBytes, block)) throwRepeat(block);
          if (asideAddr !== 0) large.insert(asideBytes, asideAddr);
          asideAddr = block;
          asideBytes = sizeBytes;
        }
      },
      removeFree(block: Addr, sizeBytes: number): void {
        if (sizeBytes <= INDEXED_BIN_MAX_BYTES) small.remove(binOf(sizeBytes), block);
        else if (block !== asideAddr) large.remove(sizeBytes, block);
        else if (sizeBytes !== asideBytes) throwWrongSize(block, sizeBytes, asideBytes);
        else asideAddr = 0;
      },
    };
  },
});

/** A second insert of a free block; out of line, so that the hot paths stay small enough for V8 to inline. */
function throwRepeat(block: number): never {
  throw new InvariantError(`free block 0x${block.toString(16)} is in indexed best fit's index already`);
}

/** A removal of the block aside under another size. */
function throwWrongSize(block: number, sizeBytes: number, asideBytes: number): never {
  throw new InvariantError(`free block 0x${block.toString(16)} has ${asideBytes} bytes in indexed best fit's index, not ${sizeBytes}`);
}
