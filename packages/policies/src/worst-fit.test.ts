import { describe, expect, it } from "vitest";
import { makeHoles, newHeap, takeTop } from "./internal/holes.js";
import { worstFit } from "./worst-fit.js";

describe("worstFit", () => {
  it("takes the rest of the first 128 KiB while it is the largest block", () => {
    const heap = newHeap(worstFit);
    const ptrs = makeHoles(heap, [100, 300], [0, 1]);
    expect(heap.malloc(64)).toBeGreaterThan(ptrs[1]!);
  });

  it("takes the largest free block, not the best or the first", () => {
    const heap = newHeap(worstFit);
    const ptrs = makeHoles(heap, [100, 300, 200], []);
    takeTop(heap);
    for (const ptr of ptrs) heap.free(ptr);
    expect(heap.malloc(64)).toBe(ptrs[1]);
  });

  it("breaks ties by the lowest address and refuses when the largest is too small", () => {
    const heap = newHeap(worstFit);
    const ptrs = makeHoles(heap, [200, 100, 200], []);
    takeTop(heap);
    for (const ptr of ptrs) heap.free(ptr);
    expect(heap.malloc(200)).toBe(ptrs[0]);
    expect(heap.malloc(200)).toBe(ptrs[2]);
    const grown = heap.malloc(200);
    expect(grown).toBeGreaterThan(ptrs[2]!);
    expect(heap.stats().syscalls.brk).toBe(3);
  });
});
