import { createSimBackend } from "@osmem/backend-sim";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createHeap } from "./heap.js";
import { walkBlocks } from "./walk-blocks.js";
import { immediateTestPolicy, testPolicy } from "./internal/test-policy.js";
import { heapOpsArbitrary, runCheckedProgram, withoutMemoryWindow } from "./testing/index.js";

const SEED = 20_261_126;

describe.each([testPolicy, immediateTestPolicy])("random programs with $name", (policy) => {
  it("keep the heap valid, payloads disjoint and contents intact after every step", () => {
    fc.assert(
      fc.property(heapOpsArbitrary({ minOps: 20 }), (ops) => {
        const heap = createHeap({ backend: createSimBackend(), policy, checkLevel: 2 });
        const outcome = runCheckedProgram(heap, ops);
        expect(outcome.problem).toBeUndefined();
      }),
      { seed: SEED, numRuns: 150, verbose: true },
    );
  });
});

describe.each([testPolicy, immediateTestPolicy])("random programs with zero-filled payloads and $name", (policy) => {
  it("keep the heap valid", () => {
    fc.assert(
      fc.property(heapOpsArbitrary({ minOps: 20 }), (ops) => {
        const heap = createHeap({ backend: createSimBackend(), policy, checkLevel: 2 });
        expect(runCheckedProgram(heap, ops, { zeroFill: true }).problem).toBeUndefined();
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe.each([testPolicy, immediateTestPolicy])("header access through a memory window, with $name", (policy) => {
  it("leaves the same blocks and answers as access through the Memory methods", () => {
    fc.assert(
      fc.property(heapOpsArbitrary({ minOps: 20 }), (ops) => {
        const windowed = createHeap({ backend: createSimBackend(), policy, checkLevel: 2 });
        const plain = createHeap({ backend: withoutMemoryWindow(createSimBackend()), policy, checkLevel: 2 });
        expect(windowed.backend.memory.windowAt).toBeDefined();
        expect(plain.backend.memory.windowAt).toBeUndefined();
        const a = runCheckedProgram(windowed, ops);
        const b = runCheckedProgram(plain, ops);
        expect(a.problem).toBeUndefined();
        expect(b).toEqual(a);
        expect(walkBlocks(plain)).toEqual(walkBlocks(windowed));
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});

describe("the program model", () => {
  it("catches a heap that hands out overlapping payloads", () => {
    const heap = createHeap({ backend: createSimBackend(), policy: testPolicy });
    let first = 0;
    const broken = { ...heap, backend: heap.backend, malloc: (n: number) => (first ||= heap.malloc(n)) };
    const outcome = runCheckedProgram(broken as typeof heap, [
      { op: "malloc", sizeBytes: 16 },
      { op: "malloc", sizeBytes: 16 },
    ]);
    expect(outcome.problem).toMatch(/overlap/);
  });
});
