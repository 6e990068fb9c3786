import { describe, expect, it } from "vitest";
import { makeHoles, newHeap, takeTop } from "./internal/holes.js";
import { nextFit } from "./next-fit.js";

describe("nextFit", () => {
  it("wraps around to the lowest address when nothing fits above the rover", () => {
    const heap = newHeap(nextFit);
    const ptrs = makeHoles(heap, [64, 64], [0, 1]);
    takeTop(heap);
    expect(heap.malloc(64)).toBe(ptrs[0]);
  });

  it("continues after the last placement instead of restarting at the bottom", () => {
    const heap = newHeap(nextFit);
    const ptrs = makeHoles(heap, [64, 64, 64], [0, 1, 2]);
    takeTop(heap);
    expect(heap.malloc(64)).toBe(ptrs[0]);
    expect(heap.malloc(64)).toBe(ptrs[1]);
    heap.free(ptrs[0]!);
    expect(heap.malloc(64)).toBe(ptrs[2]);
    expect(heap.malloc(64)).toBe(ptrs[0]);
  });

  it("keeps its place when the rover's block is freed and merged into a lower one", () => {
    const heap = newHeap(nextFit);
    const [a, b, c, d] = [heap.malloc(64), heap.malloc(64), heap.malloc(64), heap.malloc(64)];
    heap.malloc(8);
    takeTop(heap);
    heap.free(b);
    expect(heap.malloc(64)).toBe(b);
    heap.free(a);
    heap.free(b);
    heap.free(d);
    expect(heap.malloc(64)).toBe(d);
    expect(heap.malloc(128)).toBe(a);
    expect(c).toBeGreaterThan(b);
  });
});
