// A policy's heap shape (first break, mmap threshold, growth chunk, back placement), with the core's
// own test policy: the options take effect, HeapOptions override them, and random programs keep
// every invariant under a shape that uses all four (both coalescing modes).
import { createSimBackend } from "@osmem/backend-sim";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FitPolicy, HeapShape } from "./api.js";
import { createHeap } from "./heap.js";
import { walkBlocks } from "./walk-blocks.js";
import { immediateTestPolicy, testPolicy } from "./internal/test-policy.js";
import { heapOpsArbitrary, runCheckedProgram } from "./testing/index.js";

const SHAPE: HeapShape = { preallocBytes: 2048, mmapThresholdBytes: 1 << 20, growthChunkBytes: 512, backPlacementMaxBytes: 48 };
const shaped = (policy: FitPolicy): FitPolicy => ({ ...policy, name: `${policy.name}-shaped`, heapShape: SHAPE });

describe("heap shape", () => {
  it("first break, back placement and growth chunk as the shape says", () => {
    const heap = createHeap({ backend: createSimBackend(), policy: shaped(testPolicy), checkLevel: 2 });
    const small = heap.malloc(48);
    expect(heap.stats().heapBytes).toBe(2048);
    expect(small - heap.heapStart).toBe(2048 - 48);
    const front = heap.malloc(49);
    expect(front - heap.heapStart).toBe(32);
    heap.malloc(1816); // the free block left has 1848 bytes: it is taken whole (32 left over cannot hold a block)
    const before = heap.stats().heapBytes;
    heap.malloc(24); // nothing fits: one 512-byte chunk
    expect(heap.stats().heapBytes - before).toBe(512);
    expect(walkBlocks(heap).at(-1)?.sizeBytes).toBe(24);
  });

  it("maps only from the shape's threshold, and HeapOptions override the shape", () => {
    const heap = createHeap({ backend: createSimBackend(), policy: shaped(testPolicy), checkLevel: 2 });
    heap.malloc(500_000);
    expect(heap.stats().mappedBlocks).toBe(0);
    heap.malloc(2 << 20);
    expect(heap.stats().mappedBlocks).toBe(1);
    const plain = createHeap({ backend: createSimBackend(), policy: shaped(testPolicy), preallocBytes: 131072, backPlacementMaxBytes: 0, checkLevel: 2 });
    expect(plain.malloc(48) - plain.heapStart).toBe(32);
    expect(plain.stats().heapBytes).toBe(131072);
  });

  it.each([
    [{ growthChunkBytes: 16 }],
    [{ growthChunkBytes: 1000 + 1 }],
    [{ growthChunkBytes: -8 }],
    [{ backPlacementMaxBytes: 0.5 }],
  ])("rejects %j with a RangeError", (bad) => {
    expect(() => createHeap({ backend: createSimBackend(), policy: testPolicy, ...bad })).toThrow(RangeError);
    expect(() => createHeap({ backend: createSimBackend(), policy: { ...testPolicy, heapShape: bad } })).toThrow(RangeError);
  });

  describe.each([testPolicy, immediateTestPolicy])("random programs with $name, shaped", (policy) => {
    it("keep the heap valid and the payloads intact", () => {
      fc.assert(
        fc.property(heapOpsArbitrary({ minOps: 20, sizes: fc.integer({ min: 1, max: 3000 }) }), (ops) => {
          const heap = createHeap({ backend: createSimBackend(), policy: shaped(policy), checkLevel: 2 });
          expect(runCheckedProgram(heap, ops).problem).toBeUndefined();
        }),
        { seed: 20_261_126, numRuns: 150 },
      );
    });
  });
});
