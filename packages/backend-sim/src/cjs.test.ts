// The CommonJS build, loaded the way a CommonJS consumer loads it: `require` of the package's own name
// resolves through the `exports` map to dist/index.cjs (so it needs a build) and gives a working backend.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
type BackendSim = typeof import("./index.js");

describe("the CommonJS build", () => {
  it("is what require() of the package resolves to", () => {
    expect(require.resolve("@osmem/backend-sim")).toMatch(/[\\/]backend-sim[\\/]dist[\\/]index\.cjs$/);
  });

  it("creates a simulated address space whose brk, mmap and memory work", () => {
    const { createSimBackend, DEFAULT_HEAP_START } = require("@osmem/backend-sim") as BackendSim;
    const backend = createSimBackend();
    expect(backend.brk(0)).toEqual({ ok: true, value: DEFAULT_HEAP_START });
    expect(backend.brk(DEFAULT_HEAP_START + 4096)).toEqual({ ok: true, value: DEFAULT_HEAP_START + 4096 });
    backend.memory.writeU32(DEFAULT_HEAP_START, 0xdead_beef);
    expect(backend.memory.readU32(DEFAULT_HEAP_START)).toBe(0xdead_beef);
    const mapped = backend.mmap(8192);
    if (!mapped.ok) throw new Error(`mmap failed with ${mapped.errno}`);
    expect(mapped.value % backend.pageSize).toBe(0);
    expect(backend.memory.readU8(mapped.value)).toBe(0);
  });
});
