// Test support, not exported: a BlockView with no blocks whose free-block tags live in a Map, for
// testing strategies on made-up addresses. Any other read of the block list fails the test.
import type { BlockView, CheckLevel } from "@osmem/core";
import type { Addr } from "@osmem/syscalls";

const walked = (): never => {
  throw new Error("walked the block list");
};

/**
 * A view that keeps tags for any address and throws if the strategy walks the block list; with
 * `checkLevel` when given. `freeSizes`, kept by the test, is the free set the view reports through
 * `freeBlockSize` (address to payload size); without it, that read fails the test too.
 */
export function tagOnlyView(checkLevel?: CheckLevel, freeSizes?: ReadonlyMap<number, number>): BlockView {
  const tags = new Map<Addr, number>();
  return {
    ...(checkLevel === undefined ? {} : { checkLevel }),
    firstBlock: walked,
    nextBlock: walked,
    prevBlock: walked,
    blockSize: walked,
    isFree: walked,
    freeTag: (block) => tags.get(block) ?? 0,
    setFreeTag: (block, tag) => {
      tags.set(block, tag | 0);
    },
    freeBlockSize: freeSizes === undefined ? walked : (addr) => freeSizes.get(addr) ?? -1,
  };
}
