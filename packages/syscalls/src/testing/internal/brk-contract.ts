// Contract tests for `brk`: querying, growing, and the floor at the initial break.
// Only relative addresses are used (the current break plus an offset), so a native backend whose
// break is not page-aligned or not at a fixed address passes the same tests.
import { expect, it } from "vitest";
import type { ContractContext } from "./contract-context.js";
import { growHeap, unwrap } from "./contract-context.js";

/** Registers the `brk.*` features. */
export function brkContract({ makeBackend, feature }: ContractContext): void {
  feature("brk.query", () => {
    it("returns the same break on every brk(0)", () => {
      const backend = makeBackend();
      const first = unwrap(backend.brk(0), "brk(0)");
      expect(Number.isSafeInteger(first)).toBe(true);
      expect(first).toBeGreaterThan(0);
      expect(unwrap(backend.brk(0), "brk(0)")).toBe(first);
      expect(unwrap(backend.brk(0), "brk(0)")).toBe(first);
    });

    it("reports a raised break afterwards", () => {
      const backend = makeBackend();
      const start = unwrap(backend.brk(0), "brk(0)");
      const raised = unwrap(backend.brk(start + 100), "brk(start + 100)");
      expect(unwrap(backend.brk(0), "brk(0)")).toBe(raised);
    });
  });

  feature("brk.grow", () => {
    it("moves the break to the requested address and returns it", () => {
      const backend = makeBackend();
      const start = unwrap(backend.brk(0), "brk(0)");
      expect(unwrap(backend.brk(start + 1), "brk(start + 1)")).toBe(start + 1);
      expect(unwrap(backend.brk(start + 3 * backend.pageSize + 5), "brk")).toBe(start + 3 * backend.pageSize + 5);
    });

    it("exposes zero-filled, writable bytes", () => {
      const backend = makeBackend();
      const lengthBytes = 2 * backend.pageSize + 24;
      const heap = growHeap(backend, lengthBytes);
      const { memory } = backend;
      const exposed = memory.readBytes(heap.initialBreak, heap.end - heap.initialBreak);
      expect(exposed.every((byte) => byte === 0)).toBe(true);
      expect(memory.readU8(heap.initialBreak)).toBe(0);
      expect(memory.readU8(heap.end - 1)).toBe(0);
      for (let addr = heap.start; addr + 8 <= heap.end; addr += 8) memory.writeU64(addr, addr - heap.start);
      for (let addr = heap.start; addr + 8 <= heap.end; addr += 8) expect(memory.readU64(addr)).toBe(addr - heap.start);
      memory.writeU8(heap.end - 1, 0xa5);
      expect(memory.readU8(heap.end - 1)).toBe(0xa5);
    });

    it("keeps earlier heap bytes when the break grows again", () => {
      const backend = makeBackend();
      const heap = growHeap(backend, 64);
      backend.memory.writeU32(heap.start, 0xdeadbeef);
      unwrap(backend.brk(heap.end + 16 * backend.pageSize), "brk(end + 16 pages)");
      expect(backend.memory.readU32(heap.start)).toBe(0xdeadbeef);
      expect(backend.memory.readU8(heap.end + 16 * backend.pageSize - 1)).toBe(0);
    });
  });

  feature("brk.shrink-below-start", () => {
    it("does not lower the break for an address below the initial break", () => {
      const backend = makeBackend();
      const initial = unwrap(backend.brk(0), "brk(0)");
      const raised = unwrap(backend.brk(initial + 256), "brk(initial + 256)");
      expect(unwrap(backend.brk(initial - 1), "brk(initial - 1)")).toBe(raised);
      expect(unwrap(backend.brk(1), "brk(1)")).toBe(raised);
      expect(unwrap(backend.brk(0), "brk(0)")).toBe(raised);
    });

    it("keeps the heap bytes readable", () => {
      const backend = makeBackend();
      const heap = growHeap(backend, 64);
      backend.memory.writeU32(heap.start, 0x01020304);
      backend.brk(heap.initialBreak - backend.pageSize);
      expect(backend.memory.readU32(heap.start)).toBe(0x01020304);
    });
  });
}

