// Contract tests for `mmap` and `munmap`: placement, zero fill, disjointness, partial unmapping,
// faults after unmapping and the EINVAL cases. Addresses are never predicted, only checked
// (alignment, non-overlap), so any placement strategy passes.
import { expect, it } from "vitest";
import type { Addr, SyscallBackend } from "../../api.js";
import type { ContractContext } from "./contract-context.js";
import { expectSegfault, growHeap, overlaps, unwrap } from "./contract-context.js";

const pagesFor = (backend: SyscallBackend, lengthBytes: number): number =>
  Math.ceil(lengthBytes / backend.pageSize) * backend.pageSize;

const map = (backend: SyscallBackend, lengthBytes: number): Addr => unwrap(backend.mmap(lengthBytes), `mmap(${lengthBytes})`);

/** Registers the `mmap.*` and `munmap.*` features. */
export function mmapContract({ makeBackend, feature }: ContractContext): void {
  feature("mmap.basic", () => {
    it.each([1, 100, 4096, 4097, 3 * 4096 + 17])("mmap(%i) is page-aligned and zero-filled over whole pages", (lengthBytes) => {
      const backend = makeBackend();
      const addr = map(backend, lengthBytes);
      expect(Number.isSafeInteger(addr)).toBe(true);
      expect(addr % backend.pageSize).toBe(0);
      const mappedBytes = pagesFor(backend, lengthBytes);
      const bytes = backend.memory.readBytes(addr, mappedBytes);
      expect(bytes.length).toBe(mappedBytes);
      expect(bytes.every((byte) => byte === 0)).toBe(true);
    });

    it("is readable and writable over every page it covers", () => {
      const backend = makeBackend();
      const lengthBytes = 2 * backend.pageSize + 1;
      const addr = map(backend, lengthBytes);
      const mappedBytes = pagesFor(backend, lengthBytes);
      for (let offset = 0; offset < mappedBytes; offset += 8) backend.memory.writeU64(addr + offset, offset + 1);
      for (let offset = 0; offset < mappedBytes; offset += 8) expect(backend.memory.readU64(addr + offset)).toBe(offset + 1);
    });
  });

  feature("mmap.disjoint", () => {
    it("never hands out overlapping mappings, nor ones that overlap the heap", () => {
      const backend = makeBackend();
      const heap = growHeap(backend, 3 * backend.pageSize);
      const lengths = [1, backend.pageSize, 5 * backend.pageSize + 3, 2, 64 * 1024];
      const live = lengths.map((lengthBytes) => ({ addr: map(backend, lengthBytes), lengthBytes: pagesFor(backend, lengthBytes) }));
      for (const [i, a] of live.entries()) {
        expect(overlaps(a.addr, a.lengthBytes, heap.initialBreak, heap.end - heap.initialBreak)).toBe(false);
        for (const b of live.slice(i + 1)) expect(overlaps(a.addr, a.lengthBytes, b.addr, b.lengthBytes)).toBe(false);
      }
    });

    it("keeps each mapping's bytes separate", () => {
      const backend = makeBackend();
      const first = map(backend, backend.pageSize);
      const second = map(backend, backend.pageSize);
      backend.memory.fill(first, backend.pageSize, 0x11);
      backend.memory.fill(second, backend.pageSize, 0x22);
      expect(backend.memory.readBytes(first, backend.pageSize).every((byte) => byte === 0x11)).toBe(true);
      expect(backend.memory.readBytes(second, backend.pageSize).every((byte) => byte === 0x22)).toBe(true);
    });
  });

  feature("mmap.einval", () => {
    it("fails with EINVAL for length 0", () => {
      const backend = makeBackend();
      expect(backend.mmap(0)).toEqual({ ok: false, errno: "EINVAL" });
    });
  });

  feature("munmap.fault-after-unmap", () => {
    it("returns 0 and makes every unmapped page fault, reporting the address touched", () => {
      const backend = makeBackend();
      const addr = map(backend, 2 * backend.pageSize);
      backend.memory.writeU32(addr, 7);
      expect(backend.munmap(addr, 2 * backend.pageSize)).toEqual({ ok: true, value: 0 });
      expectSegfault(() => backend.memory.readU8(addr), addr);
      expectSegfault(() => backend.memory.writeU32(addr + backend.pageSize, 1), addr + backend.pageSize);
      expectSegfault(() => backend.memory.readU64(addr + 2 * backend.pageSize - 8), addr + 2 * backend.pageSize - 8);
    });

    it("rounds the length up to whole pages", () => {
      const backend = makeBackend();
      const addr = map(backend, backend.pageSize);
      unwrap(backend.munmap(addr, 1), "munmap(addr, 1)");
      expectSegfault(() => backend.memory.readU8(addr + backend.pageSize - 1), addr + backend.pageSize - 1);
    });
  });

  feature("munmap.partial", () => {
    it("unmaps only the pages asked for", () => {
      const backend = makeBackend();
      const { pageSize, memory } = backend;
      const addr = map(backend, 3 * pageSize);
      for (let page = 0; page < 3; page += 1) memory.writeU32(addr + page * pageSize, page + 1);
      unwrap(backend.munmap(addr + pageSize, pageSize), "munmap(middle page)");
      expect(memory.readU32(addr)).toBe(1);
      expect(memory.readU32(addr + 2 * pageSize)).toBe(3);
      expectSegfault(() => memory.readU32(addr + pageSize), addr + pageSize);
    });

    it("accepts a range where nothing is mapped", () => {
      const backend = makeBackend();
      const addr = map(backend, backend.pageSize);
      unwrap(backend.munmap(addr, backend.pageSize), "munmap");
      expect(backend.munmap(addr, backend.pageSize)).toEqual({ ok: true, value: 0 });
    });
  });

  feature("munmap.einval", () => {
    it("fails with EINVAL for length 0 and leaves the mapping alone", () => {
      const backend = makeBackend();
      const addr = map(backend, backend.pageSize);
      backend.memory.writeU8(addr, 9);
      expect(backend.munmap(addr, 0)).toEqual({ ok: false, errno: "EINVAL" });
      expect(backend.memory.readU8(addr)).toBe(9);
    });

    it("fails with EINVAL for an address that is not page-aligned and leaves the mapping alone", () => {
      const backend = makeBackend();
      const addr = map(backend, 2 * backend.pageSize);
      backend.memory.writeU8(addr + 8, 9);
      expect(backend.munmap(addr + 8, backend.pageSize)).toEqual({ ok: false, errno: "EINVAL" });
      expect(backend.memory.readU8(addr + 8)).toBe(9);
    });
  });
}
