import { describe, expect, it } from "vitest";
import { firstFit } from "./first-fit.js";
import { makeHoles, newHeap } from "./internal/holes.js";

describe("firstFit", () => {
  it("takes the lowest address that fits even when a better fit lies above", () => {
    const heap = newHeap(firstFit);
    const ptrs = makeHoles(heap, [300, 100, 152], [0, 1, 2]);
    expect(heap.malloc(152)).toBe(ptrs[0]);
  });

  it("skips low blocks that are too small", () => {
    const heap = newHeap(firstFit);
    const ptrs = makeHoles(heap, [64, 100, 400], [0, 1, 2]);
    expect(heap.malloc(200)).toBe(ptrs[2]);
    expect(heap.malloc(64)).toBe(ptrs[0]);
  });

  it("serves a request from a run of merged small blocks", () => {
    const heap = newHeap(firstFit);
    const [a, b] = [heap.malloc(64), heap.malloc(64)];
    heap.malloc(8);
    heap.free(a!);
    heap.free(b!);
    expect(heap.malloc(150)).toBe(a);
    expect(firstFit.coalescing).toBe("deferred");
  });
});
