// The README's TypeScript example, run as written, with its comments turned into assertions.
import { createSimBackend } from "@osmem/backend-sim";
import { checkHeap, createHeap, walkBlocks } from "@osmem/core";
import { bestFit } from "@osmem/policies";
import { describe, expect, it } from "vitest";

describe("the README example", () => {
  it("does what its comments say", () => {
    const backend = createSimBackend();
    const heap = createHeap({ backend, policy: bestFit, checkLevel: 2 });
    const p = heap.malloc(100);
    expect(backend.log.map((e) => (e.kind === "brk" ? e.addr : -1))).toEqual([0, backend.initialBreak + 0x20000]);
    expect(p).toBe(backend.initialBreak + 0x20);
    const q = heap.calloc(16, 8);
    expect(q).toBe(p + 104 + 32);
    heap.free(p);
    expect(walkBlocks(heap).map((b) => b.status)).toEqual(["free", "alloc", "free"]);
    expect(checkHeap(heap)).toEqual([]);
    expect(heap.stats().syscalls).toEqual({ brk: 2, mmap: 0, munmap: 0 });
    expect(backend.log).toHaveLength(2);
  });
});
