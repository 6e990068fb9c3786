// The CommonJS build, loaded the way a CommonJS consumer loads it: `require` of the package's own name
// resolves through the `exports` map to dist/index.cjs (so it needs a build). A heap made with the CJS
// core over the CJS simulator allocates, and `./testing` accepts that heap: both entry points share one
// chunk, so they agree on the heap's class.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { testPolicy } from "./internal/test-policy.js";

const require = createRequire(import.meta.url);
type Core = typeof import("./index.js");
type CoreTesting = typeof import("./testing/index.js");
type BackendSim = typeof import("@osmem/backend-sim");

describe("the CommonJS build", () => {
  it("is what require() of the package and of ./testing resolves to", () => {
    expect(require.resolve("@osmem/core")).toMatch(/[\\/]core[\\/]dist[\\/]index\.cjs$/);
    expect(require.resolve("@osmem/core/testing")).toMatch(/[\\/]core[\\/]dist[\\/]testing[\\/]index\.cjs$/);
  });

  it("makes a heap over the CJS simulator that mallocs aligned memory and checks clean", () => {
    const { ALIGN, createHeap, checkHeap } = require("@osmem/core") as Core;
    const { createSimBackend } = require("@osmem/backend-sim") as BackendSim;
    expect(typeof createHeap).toBe("function");
    const heap = createHeap({ backend: createSimBackend(), policy: testPolicy });
    const ptr = heap.malloc(100);
    expect(ptr).not.toBe(0);
    expect(ptr % ALIGN).toBe(0);
    heap.free(ptr);
    expect(checkHeap(heap)).toEqual([]);
  });

  it("runs a ./testing program on a heap made by the CJS main entry", () => {
    const { createHeap } = require("@osmem/core") as Core;
    const { runCheckedProgram } = require("@osmem/core/testing") as CoreTesting;
    const { createSimBackend } = require("@osmem/backend-sim") as BackendSim;
    const heap = createHeap({ backend: createSimBackend(), policy: testPolicy });
    const outcome = runCheckedProgram(heap, [
      { op: "malloc", sizeBytes: 24 },
      { op: "calloc", count: 4, sizeBytes: 8 },
      { op: "realloc", target: 0, sizeBytes: 200 },
      { op: "free", target: 1 },
    ]);
    expect(outcome.problem).toBeUndefined();
    expect(outcome.steps).toBe(4);
  });
});
