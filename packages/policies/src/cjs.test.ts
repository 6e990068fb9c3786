// The CommonJS build, loaded the way a CommonJS consumer loads it: `require` of the package's own name
// resolves through the `exports` map to dist/index.cjs (so it needs a build). Every registered policy,
// taken from the CJS build, runs a heap of the CJS core over the CJS simulator.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
type Policies = typeof import("./index.js");
type Core = typeof import("@osmem/core");
type BackendSim = typeof import("@osmem/backend-sim");

describe("the CommonJS build", () => {
  it("is what require() of the package resolves to", () => {
    expect(require.resolve("@osmem/policies")).toMatch(/[\\/]policies[\\/]dist[\\/]index\.cjs$/);
  });

  const { POLICIES, DEFAULT_POLICY, bestFit } = require("@osmem/policies") as Policies;

  it("exports the registry and the policies", () => {
    expect(Object.keys(POLICIES).length).toBeGreaterThan(1);
    expect(Object.values(POLICIES)).toContain(bestFit);
    expect(DEFAULT_POLICY).toBe(bestFit);
  });

  it.each(Object.entries(POLICIES))("%s mallocs aligned memory in a CJS heap", (_, policy) => {
    const { ALIGN, createHeap, checkHeap } = require("@osmem/core") as Core;
    const { createSimBackend } = require("@osmem/backend-sim") as BackendSim;
    const heap = createHeap({ backend: createSimBackend(), policy });
    const ptrs = [24, 100, 5000, 200_000].map((size) => heap.malloc(size));
    for (const ptr of ptrs) {
      expect(ptr).not.toBe(0);
      expect(ptr % ALIGN).toBe(0);
    }
    heap.free(ptrs[1]!);
    expect(heap.malloc(90)).not.toBe(0);
    expect(checkHeap(heap)).toEqual([]);
  });
});
