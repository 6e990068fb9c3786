// Contract tests for `Memory`: value round trips and byte order, bulk byte operations (memmove
// semantics for overlapping copies) and bounds at the end of a mapping and at the break.
// Every test runs in both kinds of region (heap and mapping) where the behaviour must agree.
import { describe, expect, it } from "vitest";
import type { Addr, SyscallBackend } from "../../api.js";
import type { ContractContext } from "./contract-context.js";
import { expectSegfault, growHeap, unwrap } from "./contract-context.js";

const MAX_U64_EXACT = 2 ** 53 - 1;

type RegionKind = "heap" | "mapping";

/** Makes a writable, 8-aligned range of at least `lengthBytes` bytes in the given kind of region. */
function scratch(backend: SyscallBackend, kind: RegionKind, lengthBytes: number): Addr {
  if (kind === "heap") return growHeap(backend, lengthBytes).start;
  return unwrap(backend.mmap(lengthBytes), `mmap(${lengthBytes})`);
}

/** Registers the `memory.*` features. */
export function memoryContract({ makeBackend, feature }: ContractContext): void {
  feature("memory.round-trip", () => {
    describe.each<RegionKind>(["heap", "mapping"])("in the %s", (kind) => {
      it("round-trips u8 values and keeps only the low byte", () => {
        const backend = makeBackend();
        const addr = scratch(backend, kind, 512);
        for (let value = 0; value < 256; value += 1) backend.memory.writeU8(addr + value, value);
        for (let value = 0; value < 256; value += 1) expect(backend.memory.readU8(addr + value)).toBe(value);
        backend.memory.writeU8(addr + 300, 0x1ab);
        expect(backend.memory.readU8(addr + 300)).toBe(0xab);
      });

      it("round-trips u32 and i32 values, wrapping like C casts", () => {
        const backend = makeBackend();
        const { memory } = backend;
        const addr = scratch(backend, kind, 64);
        memory.writeU32(addr, 0xfedcba98);
        expect(memory.readU32(addr)).toBe(0xfedcba98);
        expect(memory.readI32(addr)).toBe(0xfedcba98 | 0);
        memory.writeI32(addr + 4, -2);
        expect(memory.readI32(addr + 4)).toBe(-2);
        expect(memory.readU32(addr + 4)).toBe(0xfffffffe);
        memory.writeU32(addr + 8, -1);
        expect(memory.readU32(addr + 8)).toBe(0xffffffff);
        memory.writeI32(addr + 12, 0xffffffff);
        expect(memory.readI32(addr + 12)).toBe(-1);
        memory.writeI32(addr + 17, -123456789);
        expect(memory.readI32(addr + 17)).toBe(-123456789);
      });

      it("stores u32 little-endian", () => {
        const backend = makeBackend();
        const addr = scratch(backend, kind, 16);
        backend.memory.writeU32(addr, 0x04030201);
        expect([0, 1, 2, 3].map((i) => backend.memory.readU8(addr + i))).toEqual([1, 2, 3, 4]);
      });

      it.each([0, 1, 0xffffffff, 2 ** 32, 2 ** 32 + 1, 0x12345678_9abc, MAX_U64_EXACT])("round-trips u64 %i", (value) => {
        const backend = makeBackend();
        const addr = scratch(backend, kind, 32);
        backend.memory.writeU64(addr, value);
        expect(backend.memory.readU64(addr)).toBe(value);
        backend.memory.writeU64(addr + 11, value);
        expect(backend.memory.readU64(addr + 11)).toBe(value);
      });

      it("stores u64 little-endian, low word first", () => {
        const backend = makeBackend();
        const { memory } = backend;
        const addr = scratch(backend, kind, 16);
        const value = 0x1e_0d0c_0b0a_0908;
        memory.writeU64(addr, value);
        const bytes = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => memory.readU8(addr + i));
        expect(bytes).toEqual([0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1e, 0x00]);
        expect(memory.readU32(addr)).toBe(0x0b0a0908);
        expect(memory.readU32(addr + 4)).toBe(0x1e_0d0c);
        memory.writeU64(addr, MAX_U64_EXACT);
        expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => memory.readU8(addr + i))).toEqual([
          0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x00,
        ]);
      });
    });
  });

  feature("memory.u64-range-check", () => {
    it.each([-1, 2 ** 53, 2 ** 64, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("rejects writeU64(%s) with RangeError", (value) => {
      const backend = makeBackend();
      const addr = scratch(backend, "mapping", 16);
      backend.memory.writeU64(addr, 42);
      expect(() => backend.memory.writeU64(addr, value)).toThrow(RangeError);
      expect(backend.memory.readU64(addr)).toBe(42);
    });
  });

  feature("memory.bytes", () => {
    describe.each<RegionKind>(["heap", "mapping"])("in the %s", (kind) => {
      it("writes bytes and reads back an independent copy", () => {
        const backend = makeBackend();
        const addr = scratch(backend, kind, 320);
        const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7 + 3) & 0xff);
        backend.memory.writeBytes(addr + 1, bytes);
        const copy = backend.memory.readBytes(addr + 1, 300);
        expect(copy).toEqual(bytes);
        copy.fill(0);
        expect(backend.memory.readBytes(addr + 1, 300)).toEqual(bytes);
        expect(backend.memory.readU8(addr)).toBe(0);
      });

      it("fills with the low byte of the value and nothing beyond the range", () => {
        const backend = makeBackend();
        const addr = scratch(backend, kind, 64);
        backend.memory.fill(addr + 4, 50, 0x1cd);
        const bytes = backend.memory.readBytes(addr, 64);
        expect(Array.from(bytes.subarray(4, 54)).every((byte) => byte === 0xcd)).toBe(true);
        expect(bytes[3]).toBe(0);
        expect(bytes[54]).toBe(0);
      });

      it.each([
        { name: "disjoint", dst: 200, src: 0 },
        { name: "overlapping forwards", dst: 10, src: 0 },
        { name: "overlapping backwards", dst: 0, src: 10 },
        { name: "onto itself", dst: 5, src: 5 },
      ])("copies like memmove: $name", ({ dst, src }) => {
        const backend = makeBackend();
        const addr = scratch(backend, kind, 400);
        const initial = Uint8Array.from({ length: 400 }, (_, i) => (i * 13 + 1) & 0xff);
        backend.memory.writeBytes(addr, initial);
        backend.memory.copy(addr + dst, addr + src, 100);
        const expected = initial.slice();
        expected.copyWithin(dst, src, src + 100);
        expect(backend.memory.readBytes(addr, 400)).toEqual(expected);
      });
    });

    it("copies between the heap and a mapping", () => {
      const backend = makeBackend();
      const heapAddr = scratch(backend, "heap", 64);
      const mapAddr = scratch(backend, "mapping", 64);
      const bytes = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
      backend.memory.writeBytes(heapAddr, bytes);
      backend.memory.copy(mapAddr, heapAddr, 64);
      expect(backend.memory.readBytes(mapAddr, 64)).toEqual(bytes);
    });
  });

  feature("memory.straddle-mapping-end", () => {
    it("faults on every kind of access that runs past the last mapped byte", () => {
      const backend = makeBackend();
      const { memory, pageSize } = backend;
      // Map two pages and unmap the second, so the page after `end` is certainly not ours.
      const live = unwrap(backend.mmap(2 * pageSize), "mmap(2 pages)");
      unwrap(backend.munmap(live + pageSize, pageSize), "munmap(second page)");
      const end = live + pageSize;
      expect(memory.readU32(end - 4)).toBe(0);
      expectSegfault(() => memory.readU32(end - 2), end - 2);
      expectSegfault(() => memory.writeI32(end - 3, 1), end - 3);
      expectSegfault(() => memory.readU64(end - 4), end - 4);
      expectSegfault(() => memory.writeU64(end - 7, 1), end - 7);
      expectSegfault(() => memory.readBytes(end - 10, 11), end - 10);
      expectSegfault(() => memory.writeBytes(end - 1, new Uint8Array(2)), end - 1);
      expectSegfault(() => memory.fill(end - 5, 6, 1), end - 5);
      expectSegfault(() => memory.readU8(end), end);
      expect(memory.readU8(end - 1)).toBe(0);
    });
  });

  feature("memory.straddle-break", () => {
    it("faults on accesses that run past the break, even inside the break's last page, without writing anything", () => {
      const backend = makeBackend();
      const { memory } = backend;
      const heap = growHeap(backend, 64);
      memory.writeU8(heap.end - 1, 0x5a);
      expectSegfault(() => memory.readU8(heap.end), heap.end);
      expectSegfault(() => memory.readU64(heap.end - 4), heap.end - 4);
      expectSegfault(() => memory.writeU32(heap.end - 1, 0xffffffff), heap.end - 1);
      expectSegfault(() => memory.fill(heap.end - 1, 2, 0xff), heap.end - 1);
      expect(memory.readU8(heap.end - 1)).toBe(0x5a);
    });
  });
}
