// Property test: random sequences of brk/mmap/munmap and byte writes, checked after every step
// against a simple model (the set of mapped pages and the bytes written). Mappings must stay sorted,
// disjoint, page-aligned and above the break; written bytes in live regions must keep their values;
// bytes that left the address space must fault. The seed is fixed; fast-check prints it on failure.
import { SegmentationFault } from "@osmem/syscalls";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSimBackend, type SimBackend } from "./index.js";

const PAGE = 4096;
const HEAP_START = 0x10_0000;
const MMAP_BASE = HEAP_START + 64 * PAGE;
const LIMIT = 40 * PAGE;

type Op =
  | { readonly kind: "brk"; readonly delta: number }
  | { readonly kind: "mmap"; readonly lengthBytes: number }
  | { readonly kind: "munmap"; readonly pick: number; readonly pageOffset: number; readonly lengthBytes: number }
  | { readonly kind: "write"; readonly pick: number; readonly offset: number; readonly value: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("brk" as const), delta: fc.integer({ min: -3 * PAGE, max: 5 * PAGE }) }),
  fc.record({ kind: fc.constant("mmap" as const), lengthBytes: fc.integer({ min: 0, max: 6 * PAGE }) }),
  fc.record({
    kind: fc.constant("munmap" as const),
    pick: fc.nat(),
    pageOffset: fc.integer({ min: -1, max: 4 }),
    lengthBytes: fc.integer({ min: 1, max: 5 * PAGE }),
  }),
  fc.record({ kind: fc.constant("write" as const), pick: fc.nat(), offset: fc.nat(), value: fc.integer({ min: 1, max: 255 }) }),
);

/** What the test believes the address space holds. */
interface Model {
  readonly mappedPages: Set<number>;
  readonly written: Map<number, number>;
}

const pagesOf = (addr: number, lengthBytes: number): number[] =>
  Array.from({ length: Math.ceil(lengthBytes / PAGE) }, (_, i) => addr / PAGE + i);

/** Drops model bytes in `[start, end)` and checks that the backend now faults on them. */
function forget(backend: SimBackend, model: Model, start: number, end: number): void {
  for (const addr of [...model.written.keys()]) {
    if (addr < start || addr >= end) continue;
    model.written.delete(addr);
    expect(() => backend.memory.readU8(addr)).toThrow(SegmentationFault);
  }
}

function apply(backend: SimBackend, model: Model, op: Op): void {
  switch (op.kind) {
    case "brk": {
      const before = backend.currentBreak;
      const result = backend.brk(before + op.delta);
      if (result.ok && result.value < before) forget(backend, model, result.value, before);
      if (!result.ok) expect(backend.currentBreak).toBe(before);
      return;
    }
    case "mmap": {
      const result = backend.mmap(op.lengthBytes);
      if (!result.ok) return;
      for (const page of pagesOf(result.value, op.lengthBytes)) {
        expect(model.mappedPages.has(page)).toBe(false);
        model.mappedPages.add(page);
        expect(backend.memory.readU32(page * PAGE + ((op.lengthBytes * 7) % (PAGE - 4)))).toBe(0);
      }
      return;
    }
    case "munmap": {
      const mappings = backend.mappings();
      const target = mappings[op.pick % Math.max(1, mappings.length)];
      const addr = (target?.addr ?? MMAP_BASE - 8 * PAGE) + op.pageOffset * PAGE;
      expect(backend.munmap(addr, op.lengthBytes)).toEqual({ ok: true, value: 0 });
      for (const page of pagesOf(addr, op.lengthBytes)) model.mappedPages.delete(page);
      forget(backend, model, addr, addr + Math.ceil(op.lengthBytes / PAGE) * PAGE);
      return;
    }
    case "write": {
      const regions = [
        { addr: backend.initialBreak, lengthBytes: backend.currentBreak - backend.initialBreak },
        ...backend.mappings(),
      ].filter((region) => region.lengthBytes > 0);
      const region = regions[op.pick % regions.length];
      if (region === undefined) return;
      const addr = region.addr + (op.offset % region.lengthBytes);
      backend.memory.writeU8(addr, op.value);
      model.written.set(addr, op.value);
      return;
    }
  }
}

function checkInvariants(backend: SimBackend, model: Model): void {
  const mappings = backend.mappings();
  const heapTop = Math.ceil(backend.currentBreak / PAGE) * PAGE;
  let previousEnd = heapTop;
  let mappedBytes = 0;
  const seenPages = new Set<number>();
  for (const { addr, lengthBytes } of mappings) {
    expect(addr % PAGE).toBe(0);
    expect(lengthBytes % PAGE).toBe(0);
    expect(lengthBytes).toBeGreaterThan(0);
    expect(addr).toBeGreaterThanOrEqual(previousEnd);
    previousEnd = addr + lengthBytes;
    mappedBytes += lengthBytes;
    for (const page of pagesOf(addr, lengthBytes)) seenPages.add(page);
  }
  expect(previousEnd).toBeLessThanOrEqual(MMAP_BASE);
  expect(heapTop - backend.initialBreak + mappedBytes).toBeLessThanOrEqual(LIMIT);
  expect(seenPages).toEqual(model.mappedPages);
  for (const [addr, value] of model.written) expect(backend.memory.readU8(addr)).toBe(value);
}

describe("random syscall sequences", () => {
  it("keep mappings disjoint and page-aligned and live data intact", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const backend = createSimBackend({ heapStart: HEAP_START, mmapBase: MMAP_BASE, memoryLimitBytes: LIMIT });
        const model: Model = { mappedPages: new Set(), written: new Map() };
        for (const op of ops) {
          apply(backend, model, op);
          checkInvariants(backend, model);
        }
        expect(backend.log).toHaveLength(ops.filter((op) => op.kind !== "write").length);
      }),
      { seed: 20240601, numRuns: 300 },
    );
  });
});
