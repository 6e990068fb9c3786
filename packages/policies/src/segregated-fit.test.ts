import type { Addr } from "@osmem/syscalls";
import { describe, expect, it } from "vitest";
import { makeHoles, newHeap } from "./internal/holes.js";
import { segregatedClassOf, segregatedFit } from "./segregated-fit.js";
import { tagOnlyView } from "./internal/tag-view.js";


describe("segregatedFit", () => {
  it("maps exact classes up to 1 KiB, then one class per power of two", () => {
    expect([8, 16, 1024, 1032, 2047, 2048, 2 ** 52].map(segregatedClassOf)).toEqual([0, 1, 127, 128, 128, 129, 170]);
  });

  it("takes the lowest address of the exact class", () => {
    const heap = newHeap(segregatedFit);
    const ptrs = makeHoles(heap, [64, 200, 64], [2, 1, 0]);
    expect(heap.malloc(64)).toBe(ptrs[0]);
    expect(heap.malloc(64)).toBe(ptrs[2]);
  });

  it("first fit inside a power-of-two class, then the next non-empty class", () => {
    const s = segregatedFit.bind(tagOnlyView());
    s.insertFree(0x400 as Addr, 1104, "freed");
    s.insertFree(0x500 as Addr, 2000, "freed");
    s.insertFree(0x900 as Addr, 4096, "freed");
    s.insertFree(0x100 as Addr, 64, "freed");
    expect(s.findFit(1500)).toBe(0x500);
    expect(s.findFit(1100)).toBe(0x400);
    expect(s.findFit(72)).toBe(0x400);
    expect(s.findFit(2048)).toBe(0x900);
    s.removeFree(0x900 as Addr, 4096, "allocated");
    expect(s.findFit(2048)).toBe(0);
    expect(segregatedFit.coalescing).toBe("immediate");
  });
});
