// Slab fit = compact fit + slabs up to 128 bytes: small requests share slab blocks, larger ones are
// placed exactly where compact fit places them, and the heap ends with no slab once all is freed.
import { createSimBackend } from "@osmem/backend-sim";
import { checkHeap, createHeap, walkBlocks, type Heap } from "@osmem/core";
import { heapOpsArbitrary, runCheckedProgram } from "@osmem/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compactFit } from "./compact-fit.js";
import { SLAB_HEAP_SHAPE, slabFit } from "./slab-fit.js";

const fresh = (policy = slabFit): Heap => createHeap({ backend: createSimBackend(), policy, checkLevel: 2 });

describe("slab-fit", () => {
  it("serves requests up to 128 bytes from slabs and larger ones from blocks", () => {
    const heap = fresh();
    const small = Array.from({ length: 20 }, (_, i) => heap.malloc(1 + (i % 16)));
    const edge = heap.malloc(SLAB_HEAP_SHAPE.slabMaxBytes);
    const block = heap.malloc(SLAB_HEAP_SHAPE.slabMaxBytes + 1);
    const statuses = walkBlocks(heap).map((b) => b.status);
    expect(statuses.filter((s) => s === "slab")).toHaveLength(3); // classes 8, 16 and 128
    expect(walkBlocks(heap).find((b) => b.payloadAddr === block)?.status).toBe("alloc");
    expect(heap.stats()).toMatchObject({ slabObjects: 21, slabBlocks: 3 });
    expect(new Set([...small, edge, block]).size).toBe(22);
    for (const p of [...small, edge, block]) heap.free(p);
    expect(walkBlocks(heap).filter((b) => b.status !== "free")).toEqual([]);
    expect(checkHeap(heap)).toEqual([]);
  });

  it("places requests above 128 bytes exactly as compact fit does", () => {
    fc.assert(
      fc.property(heapOpsArbitrary({ minOps: 30, maxOps: 200, sizes: fc.integer({ min: 129, max: 5000 }) }), (ops) => {
        const bigOnly = ops.filter((op) => op.op !== "calloc"); // calloc sizes may be small
        const slabbed = runCheckedProgram(fresh(), bigOnly);
        expect(slabbed.problem).toBeUndefined();
        expect(slabbed).toEqual(runCheckedProgram(fresh(compactFit), bigOnly));
      }),
      { seed: 20_261_126, numRuns: 60 },
    );
  });
});
