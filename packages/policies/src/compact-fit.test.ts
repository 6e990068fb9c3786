// Compact fit's heap shape, worked out by hand: a one-page first break, small requests carved from
// the high end of a free block, 1 KiB growth chunks for small requests, exact growth for big ones,
// no mmap below 64 MiB, and HeapOptions overriding the policy's shape.
import { createSimBackend } from "@osmem/backend-sim";
import { checkHeap, createHeap, walkBlocks, type Heap } from "@osmem/core";
import { recordSyscalls } from "@osmem/syscalls";
import { describe, expect, it } from "vitest";
import { COMPACT_HEAP_SHAPE, compactFit } from "./compact-fit.js";

const fresh = (extra: Partial<Parameters<typeof createHeap>[0]> = {}): Heap =>
  createHeap({ backend: createSimBackend(), policy: compactFit, checkLevel: 2, ...extra });
const offsets = (heap: Heap) => walkBlocks(heap).map((b) => [b.addr - heap.heapStart, b.sizeBytes, b.status]);

describe("compact-fit", () => {
  it("takes one page first and carves a small request from its high end", () => {
    const heap = fresh();
    const trace = recordSyscalls(heap.backend);
    const small = heap.malloc(16);
    trace.stop();
    expect(trace.events.map((e) => (e.kind === "brk" ? e.addr - (e.addr === 0 ? 0 : heap.heapStart) : -1))).toEqual([0, 4096]);
    // 4096 = 32 + 4016 (free, in front) + 32 + 16 (the request, at the end)
    expect(small - heap.heapStart).toBe(4096 - 16);
    expect(offsets(heap)).toEqual([
      [0, 4016, "free"],
      [4048, 16, "alloc"],
    ]);
  });

  it("carves requests above 64 bytes from the low end, as the reference does", () => {
    const heap = fresh();
    const big = heap.malloc(100);
    expect(big - heap.heapStart).toBe(32);
    expect(offsets(heap)).toEqual([
      [0, 104, "alloc"],
      [136, 4096 - 136 - 32, "free"],
    ]);
  });

  it("grows by a 1 KiB chunk when no free block fits a small request, and exactly for a big one", () => {
    const heap = fresh();
    heap.malloc(4096 - 32); // the whole first page
    const trace = recordSyscalls(heap.backend);
    const small = heap.malloc(40);
    expect(trace.events.map((e) => (e.kind === "brk" ? e.addr - heap.heapStart : -1))).toEqual([4096 + COMPACT_HEAP_SHAPE.growthChunkBytes]);
    expect(small - heap.heapStart).toBe(4096 + 1024 - 40);
    heap.malloc(2000); // a 2032-byte block is bigger than a chunk, and the last block is allocated: append exactly 2032 bytes
    trace.stop();
    const last = trace.events.at(-1);
    expect(last?.kind === "brk" ? last.addr - heap.heapStart : -1).toBe(4096 + 1024 + 2032);
    expect(checkHeap(heap)).toEqual([]);
  });

  it("keeps blocks below 64 MiB on the heap, so realloc at the end grows in place", () => {
    const heap = fresh();
    const trace = recordSyscalls(heap.backend);
    let p = heap.malloc(200_000);
    for (let n = 300_000; n <= 1_000_000; n += 100_000) {
      const q = heap.realloc(p, n);
      expect(q).toBe(p);
      p = q;
    }
    trace.stop();
    expect(trace.events.filter((e) => e.kind !== "brk")).toEqual([]);
    expect(heap.stats().mappedBlocks).toBe(0);
  });

  it("lets HeapOptions override the policy's shape, and rejects bad shapes", () => {
    const heap = fresh({ preallocBytes: 131072, backPlacementMaxBytes: 0 });
    expect(heap.malloc(16) - heap.heapStart).toBe(32);
    expect(heap.stats().heapBytes).toBe(131072);
    expect(() => fresh({ growthChunkBytes: 12 })).toThrow(RangeError);
    expect(() => fresh({ growthChunkBytes: 1001 })).toThrow(RangeError);
    expect(() => fresh({ backPlacementMaxBytes: -1 })).toThrow(RangeError);
  });
});
