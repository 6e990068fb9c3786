// The window paths (internal/window-paths.ts) against the general paths they stand in for: the same
// programs on a backend with a memory window and on one without, at every check level (at level 2 the
// free path runs only after a pointer check), must leave the same heap bytes, blocks and stats; bad
// pointers must get the same answers and change nothing.
import { createSimBackend } from "@osmem/backend-sim";
import type { Addr } from "@osmem/syscalls";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AllocatorMisuseError, HEADER_BYTES, type CheckLevel, type FitPolicy, type Heap, type HeapShape } from "./api.js";
import { checkHeap } from "./check-heap.js";
import { createHeap } from "./heap.js";
import { immediateTestPolicy, testPolicy } from "./internal/test-policy.js";
import { heapOpsArbitrary, runCheckedProgram, withoutMemoryWindow } from "./testing/index.js";
import { walkBlocks } from "./walk-blocks.js";

const SEED = 20_261_126;
const LEVELS: CheckLevel[] = [0, 1, 2];
/** A shape that places small requests at the back of their block and grows the heap in chunks. */
const SHAPE: HeapShape = { preallocBytes: 2048, growthChunkBytes: 512, backPlacementMaxBytes: 48 };
const POLICIES: FitPolicy[] = [
  testPolicy,
  immediateTestPolicy,
  { ...testPolicy, name: "test-best-fit-shaped", heapShape: SHAPE },
  { ...immediateTestPolicy, name: "test-best-fit-immediate-shaped", heapShape: SHAPE },
];

/** The bytes from the heap's start to its break, as one string (cheap to compare, and short in a failure message when equal). */
const heapBytes = (heap: Heap): string => Buffer.from(heap.backend.memory.readBytes(heap.heapStart, heap.stats().heapBytes)).toString("hex");

/**
 * Heap starts: the simulator's default, and one a page below a 4 GiB boundary, so that the low words
 * of the heap's addresses wrap around (the window paths follow links by their low word alone).
 */
const HEAP_STARTS = [undefined, 2 ** 33 - 4096];

describe.each(LEVELS)("at check level %i", (checkLevel) => {
  it.each(POLICIES.flatMap((policy) => HEAP_STARTS.map((heapStart) => ({ policy, heapStart, name: policy.name }))))(
    "random programs with $name (heap start $heapStart) leave the same heap with and without a window",
    ({ policy, heapStart }) => {
      fc.assert(
        fc.property(heapOpsArbitrary({ minOps: 30 }), (ops) => {
          const windowed = createHeap({ backend: createSimBackend({ heapStart }), policy, checkLevel });
          const plain = createHeap({ backend: withoutMemoryWindow(createSimBackend({ heapStart })), policy, checkLevel });
          const a = runCheckedProgram(windowed, ops, { freeAll: false });
          const b = runCheckedProgram(plain, ops, { freeAll: false });
          expect(a.problem).toBeUndefined();
          if (heapStart !== undefined && windowed.heapStart !== 0) expect(windowed.heapStart).toBe(heapStart);
          expect(b).toEqual(a);
          expect(walkBlocks(plain)).toEqual(walkBlocks(windowed));
          expect(plain.stats()).toEqual(windowed.stats());
          // Every byte, free payloads included: the window paths write what the general paths write.
          expect(heapBytes(plain) === heapBytes(windowed)).toBe(true);
        }),
        { seed: SEED, numRuns: 40 },
      );
    },
  );

  /**
   * Runs `run` on a heap one page below 2^33 with and without a window: the merged block must be
   * placed where the run expects it (offset 0), and both heaps must end the same, byte for byte.
   */
  function expectMergedAtBoundary(run: (heap: Heap) => { freeBlocks: number; placed: number }): void {
    const windowed = createHeap({ backend: createSimBackend({ heapStart: 2 ** 33 - 4096 }), policy: testPolicy, checkLevel });
    const plain = createHeap({ backend: withoutMemoryWindow(createSimBackend({ heapStart: 2 ** 33 - 4096 })), policy: testPolicy, checkLevel });
    const result = run(windowed);
    expect(result.placed).toBe(0);
    expect(run(plain)).toEqual(result);
    expect(heapBytes(plain) === heapBytes(windowed)).toBe(true);
  }

  it("follows a link to a header at a 4 GiB boundary (low word 0) as a link, not as NULL", () => {
    // The first block ends exactly at 2^33, so the second block's header address has a low word of 0.
    const run = (heap: Heap): { freeBlocks: number; placed: number } => {
      const a = heap.malloc(4096 - HEADER_BYTES);
      const b = heap.malloc(100);
      expect((b - HEADER_BYTES) % 2 ** 32).toBe(0);
      heap.malloc(100); // keeps b's next neighbour allocated
      heap.free(b); // no free neighbour: not queued
      heap.free(a); // touches b, which is free: queued, found only by following a's next link
      const merged = heap.malloc(4096 - HEADER_BYTES + HEADER_BYTES + 104); // fits a and b merged, nothing else
      return { freeBlocks: heap.stats().freeBlocks, placed: merged - a };
    };
    expectMergedAtBoundary(run);
  });

  it("follows a back link to a header at a 4 GiB boundary (low word 0) as a link, not as NULL", () => {
    // As above, but the block at 2^33 is the free one before the freed block: found only by its back link.
    const run = (heap: Heap): { freeBlocks: number; placed: number } => {
      heap.malloc(4096 - HEADER_BYTES);
      const b = heap.malloc(100);
      expect((b - HEADER_BYTES) % 2 ** 32).toBe(0);
      const c = heap.malloc(100);
      heap.malloc(100); // keeps c's next neighbour allocated
      heap.free(b); // no free neighbour: not queued
      heap.free(c); // touches b, which is free: queued, found only by following c's prev link
      const merged = heap.malloc(104 + HEADER_BYTES + 104); // fits b and c merged, nothing else but the tail
      return { freeBlocks: heap.stats().freeBlocks, placed: merged - b };
    };
    expectMergedAtBoundary(run);
  });

  /** A heap with live, free and merged blocks, and the pointers a buggy program could pass to free. */
  function scene(heap: Heap): { name: string; ptr: number }[] {
    const a = heap.malloc(216); // b's header then has bit 31 of the first word of the map of block starts
    expect(heap.heapStart % 256).toBe(0);
    const b = heap.malloc(48);
    const c = heap.malloc(48);
    heap.malloc(16);
    heap.free(b);
    heap.free(c); // b and c are queued to merge; c disappears into b at the next pass
    heap.malloc(200); // runs the pass; too large for the merged block, so b stays free
    // A forged header inside a's payload that claims to be allocated and links to real blocks.
    const m = heap.backend.memory;
    const forged = a + 64;
    m.writeU64(forged, 32);
    m.writeI32(forged + 8, 1);
    m.writeU64(forged + 16, a - HEADER_BYTES);
    m.writeU64(forged + 24, b - HEADER_BYTES);
    return [
      { name: "interior pointer", ptr: a + 16 },
      { name: "forged header", ptr: forged + HEADER_BYTES },
      { name: "freed block", ptr: b },
      { name: "merged-away block", ptr: c },
      { name: "misaligned", ptr: a + 4 },
      { name: "past the break", ptr: heap.heapStart + heap.stats().heapBytes + HEADER_BYTES },
      { name: "before the heap", ptr: heap.heapStart - 64 },
      { name: "not an integer", ptr: a + 0.5 },
      // The map's bit arithmetic takes the header 8 bytes below the heap for b's, and a's plus 2^40 for a's.
      { name: "just below the heap", ptr: heap.heapStart - 8 + HEADER_BYTES },
      { name: "2^40 bytes past a block", ptr: a + 2 ** 40 },
    ];
  }

  it("answers bad pointers as the general path does, changing nothing", () => {
    const windowed = createHeap({ backend: createSimBackend(), policy: testPolicy, checkLevel });
    const plain = createHeap({ backend: withoutMemoryWindow(createSimBackend()), policy: testPolicy, checkLevel });
    const cases = scene(windowed);
    expect(scene(plain)).toEqual(cases);
    for (const { name, ptr } of cases) {
      const before = heapBytes(windowed);
      const kinds = [windowed, plain].map((heap) => {
        try {
          heap.free(ptr as Addr);
          return "no error";
        } catch (error) {
          return error instanceof AllocatorMisuseError ? error.kind : String(error);
        }
      });
      expect(kinds[0], name).toMatch(/^(invalid-pointer|double-free)$/);
      expect(kinds[1], name).toBe(kinds[0]);
      expect(heapBytes(windowed) === before, name).toBe(true);
      expect(checkHeap(windowed), name).toEqual([]);
    }
  });
});
