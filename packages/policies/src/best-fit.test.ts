import { createSimBackend } from "@osmem/backend-sim";
import { createHeap, walkBlocks, type Heap } from "@osmem/core";
import { heapOpsArbitrary, runCheckedProgram } from "@osmem/core/testing";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { bestFit } from "./best-fit.js";
import { DEFAULT_POLICY, POLICIES, tryGetPolicy } from "./registry.js";

let heap: Heap;

beforeEach(() => {
  heap = createHeap({ backend: createSimBackend(), policy: bestFit, checkLevel: 2 });
});

/** Allocates blocks of the given sizes with an 8-byte guard after each, then frees the chosen ones. */
function holes(sizes: number[], freed: number[]): number[] {
  const ptrs = sizes.map((size) => {
    const ptr = heap.malloc(size);
    heap.malloc(8);
    return ptr;
  });
  for (const i of freed) heap.free(ptrs[i]!);
  return ptrs;
}

describe("bestFit", () => {
  it("takes the smallest free block that fits", () => {
    const ptrs = holes([300, 100, 200], [0, 1, 2]);
    expect(heap.malloc(150)).toBe(ptrs[2]);
  });

  it("breaks ties by the lowest address", () => {
    const ptrs = holes([128, 64, 128], [0, 2]);
    expect(heap.malloc(120)).toBe(ptrs[0]);
  });

  it("stops at an exact fit", () => {
    const ptrs = holes([64, 96, 64], [0, 1, 2]);
    expect(heap.malloc(96)).toBe(ptrs[1]);
  });

  it("returns NULL to the core when nothing fits, so the heap grows", () => {
    const strategy = bestFit.bind({
      firstBlock: () => 0,
      nextBlock: () => 0,
      prevBlock: () => 0,
      blockSize: () => 0,
      isFree: () => false,
      freeTag: () => 0,
      setFreeTag: () => {},
      freeBlockSize: () => -1,
    });
    expect(strategy.findFit(8)).toBe(0);
  });

  it("coalesces before searching", () => {
    expect(bestFit.coalescing).toBe("deferred");
  });

  it("keeps the heap valid on random programs", () => {
    fc.assert(
      fc.property(heapOpsArbitrary({ minOps: 20 }), (ops) => {
        const h = createHeap({ backend: createSimBackend(), policy: bestFit, checkLevel: 2 });
        expect(runCheckedProgram(h, ops).problem).toBeUndefined();
        expect(walkBlocks(h).filter((b) => b.status !== "free")).toEqual([]);
      }),
      { seed: 20_261_126, numRuns: 200 },
    );
  });
});

describe("registry", () => {
  it("names every policy by its own name", () => {
    for (const [name, policy] of Object.entries(POLICIES)) expect(policy.name).toBe(name);
    expect(tryGetPolicy("best-fit")).toBe(bestFit);
    expect(tryGetPolicy("constructor")).toBeUndefined();
    expect(DEFAULT_POLICY).toBe(bestFit);
  });
});
