// The reference placement: scan every heap block in address order and take the smallest free block
// that fits, the first one on ties. O(n) per search and no index to keep; the core tells it about
// free-set changes, which it ignores.
import type { Addr } from "@osmem/syscalls";
import type { BlockView, FitPolicy, FitStrategy } from "@osmem/core";

/**
 * Best fit, the reference policy: the smallest free block whose payload holds the request, ties to
 * the lowest address; adjacent free blocks are merged before each search.
 *
 * Cost: a full walk of the block list per allocation. Weakness: slow on large heaps, and it leaves
 * many tiny remainders behind.
 */
export const bestFit: FitPolicy = Object.freeze({
  name: "best-fit",
  coalescing: "deferred",
  bind(view: BlockView): FitStrategy {
    return {
      findFit(sizeBytes: number): Addr {
        let best: Addr = 0;
        let bestBytes = Number.POSITIVE_INFINITY;
        for (let block = view.firstBlock(); block !== 0; block = view.nextBlock(block)) {
          if (!view.isFree(block)) continue;
          const blockBytes = view.blockSize(block);
          if (blockBytes >= sizeBytes && blockBytes < bestBytes) {
            best = block;
            bestBytes = blockBytes;
            if (blockBytes === sizeBytes) break;
          }
        }
        return best;
      },
      insertFree() {},
      removeFree() {},
    };
  },
});
