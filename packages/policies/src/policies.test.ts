import { createSimBackend } from "@osmem/backend-sim";
import { createHeap, walkBlocks } from "@osmem/core";
import { heapOpsArbitrary, runCheckedProgram, withoutMemoryWindow } from "@osmem/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bestFit } from "./best-fit.js";
import { DEFAULT_POLICY, POLICIES, tryGetPolicy } from "./registry.js";

const CLI_NAMES = ["best-fit", "indexed-best-fit", "first-fit", "next-fit", "worst-fit", "segregated-fit", "tlsf", "compact-fit", "slab-fit"];

describe.each(Object.values(POLICIES))("$name under the model checker", (policy) => {
  it("keeps the heap valid and the payloads intact on random programs", () => {
    fc.assert(
      fc.property(heapOpsArbitrary({ minOps: 20 }), (ops) => {
        const heap = createHeap({ backend: createSimBackend(), policy, checkLevel: 2 });
        expect(runCheckedProgram(heap, ops).problem).toBeUndefined();
        expect(walkBlocks(heap).filter((b) => b.status !== "free")).toEqual([]);
      }),
      { seed: 20_261_210, numRuns: 160 },
    );
  });

  it("keeps the heap valid on long programs of small requests (heavy reuse)", () => {
    fc.assert(
      fc.property(heapOpsArbitrary({ minOps: 100, maxOps: 400, sizes: fc.integer({ min: 1, max: 600 }) }), (ops) => {
        const heap = createHeap({ backend: createSimBackend(), policy, checkLevel: 2 });
        expect(runCheckedProgram(heap, ops).problem).toBeUndefined();
      }),
      { seed: 20_261_211, numRuns: 30 },
    );
  });
});

describe.each(Object.values(POLICIES))("$name without a memory window", (policy) => {
  it("places every request where it does with one (its free-block tags go through Memory)", () => {
    fc.assert(
      fc.property(heapOpsArbitrary({ minOps: 50, maxOps: 300, sizes: fc.integer({ min: 1, max: 2000 }) }), (ops) => {
        const windowed = createHeap({ backend: createSimBackend(), policy, checkLevel: 2 });
        const plain = createHeap({ backend: withoutMemoryWindow(createSimBackend()), policy, checkLevel: 2 });
        expect(plain.backend.memory.windowAt).toBeUndefined();
        const a = runCheckedProgram(windowed, ops);
        expect(a.problem).toBeUndefined();
        expect(runCheckedProgram(plain, ops)).toEqual(a);
        expect(walkBlocks(plain)).toEqual(walkBlocks(windowed));
      }),
      { seed: 20_261_212, numRuns: 25 },
    );
  });
});

describe("registry", () => {
  it("holds every policy under its CLI name", () => {
    expect(Object.keys(POLICIES).sort()).toEqual([...CLI_NAMES].sort());
    for (const [name, policy] of Object.entries(POLICIES)) {
      expect(policy.name).toBe(name);
      expect(tryGetPolicy(name)).toBe(policy);
      expect(Object.isFrozen(policy)).toBe(true);
    }
    expect(tryGetPolicy("constructor")).toBeUndefined();
    expect(DEFAULT_POLICY).toBe(bestFit);
  });

  it("gives every heap its own strategy state", () => {
    for (const policy of Object.values(POLICIES)) {
      const a = createHeap({ backend: createSimBackend(), policy, checkLevel: 2 });
      const b = createHeap({ backend: createSimBackend(), policy, checkLevel: 2 });
      const p = a.malloc(100);
      a.free(p);
      expect(b.malloc(100)).toBe(p);
      expect(a.malloc(100)).toBe(p);
    }
  });
});
