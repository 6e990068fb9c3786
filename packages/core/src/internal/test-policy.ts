// A minimal best-fit policy for the core's own tests, so that the core's tests do not depend on
// @osmem/policies (which depends on the core). Not exported.
import type { Addr } from "@osmem/syscalls";
import type { BlockView, FitPolicy } from "../api.js";

/** Smallest fitting free block, ties to the lowest address, deferred coalescing. */
export const testPolicy: FitPolicy = {
  name: "test-best-fit",
  coalescing: "deferred",
  bind: (view: BlockView) => ({
    findFit(sizeBytes: number): Addr {
      let best = 0;
      for (let b = view.firstBlock(); b !== 0; b = view.nextBlock(b)) {
        if (view.isFree(b) && view.blockSize(b) >= sizeBytes && (best === 0 || view.blockSize(b) < view.blockSize(best))) best = b;
      }
      return best;
    },
    insertFree() {},
    removeFree() {},
  }),
};

/** The same with immediate coalescing, to exercise the core's on-free merging. */
export const immediateTestPolicy: FitPolicy = { ...testPolicy, name: "test-best-fit-immediate", coalescing: "immediate" };
