// Sim-specific syscall behaviour beyond the shared contract: option validation, exact break
// handling, top-down placement with hole reuse and munmap splitting (limits and faults live in
// create-sim-backend.limits.test.ts). Expected addresses derive from the layout options.
import { SegmentationFault } from "@osmem/syscalls";
import { describe, expect, it } from "vitest";
import { DEFAULT_HEAP_START, DEFAULT_MMAP_BASE, createSimBackend } from "./index.js";

const PAGE = 4096;

const okValue = <T>(result: { ok: true; value: T } | { ok: false; errno: string }): T => {
  if (!result.ok) throw new Error(`unexpected ${result.errno}`);
  return result.value;
};

describe("options", () => {
  it("defaults to the documented layout", () => {
    const backend = createSimBackend();
    expect(backend.pageSize).toBe(PAGE);
    expect(backend.initialBreak).toBe(DEFAULT_HEAP_START);
    expect(backend.currentBreak).toBe(DEFAULT_HEAP_START);
    expect(backend.mappings()).toEqual([]);
    expect(backend.log).toEqual([]);
    expect(backend.callCounts).toEqual({ brk: 0, mmap: 0, munmap: 0 });
    expect(okValue(backend.mmap(PAGE))).toBe(DEFAULT_MMAP_BASE - PAGE);
  });

  it("moves the default layout onto larger pages", () => {
    const pageSize = 1 << 20;
    const backend = createSimBackend({ pageSize });
    expect(backend.initialBreak % pageSize).toBe(0);
    expect(okValue(backend.mmap(1)) % pageSize).toBe(0);
  });

  it.each([
    { name: "heapStart not page-aligned", options: { heapStart: DEFAULT_HEAP_START + 8 } },
    { name: "heapStart 0", options: { heapStart: 0 } },
    { name: "heapStart not an integer", options: { heapStart: 0.5 } },
    { name: "mmapBase not page-aligned", options: { mmapBase: DEFAULT_MMAP_BASE - 1 } },
    { name: "mmapBase not above heapStart", options: { heapStart: 0x10000, mmapBase: 0x10000 } },
    { name: "mmapBase beyond 2^47", options: { mmapBase: 2 ** 47 + PAGE } },
    { name: "pageSize not a power of two", options: { pageSize: 3000 } },
    { name: "pageSize too small", options: { pageSize: 4 } },
    { name: "memoryLimitBytes negative", options: { memoryLimitBytes: -1 } },
    { name: "memoryLimitBytes not an integer", options: { memoryLimitBytes: 1.5 } },
  ])("rejects $name with RangeError", ({ options }) => {
    expect(() => createSimBackend(options)).toThrow(RangeError);
  });
});

describe("brk", () => {
  it("sets the break exactly, without page rounding", () => {
    const backend = createSimBackend();
    expect(backend.brk(backend.initialBreak + 13)).toEqual({ ok: true, value: backend.initialBreak + 13 });
    expect(backend.currentBreak).toBe(backend.initialBreak + 13);
    expect(() => backend.memory.readU8(backend.initialBreak + 13)).toThrow(SegmentationFault);
  });

  it("lowers the break within the heap; hidden bytes fault, then read zero when exposed again", () => {
    const backend = createSimBackend();
    const start = backend.initialBreak;
    okValue(backend.brk(start + 2 * PAGE));
    backend.memory.fill(start, 2 * PAGE, 0xee);
    expect(backend.brk(start + 100)).toEqual({ ok: true, value: start + 100 });
    expect(() => backend.memory.readU8(start + 100)).toThrow(SegmentationFault);
    okValue(backend.brk(start + 2 * PAGE));
    expect(backend.memory.readU8(start + 99)).toBe(0xee);
    expect(backend.memory.readBytes(start + 100, 2 * PAGE - 100).every((byte) => byte === 0)).toBe(true);
  });

  it("lowers the break back to the initial break, leaving an empty heap", () => {
    const backend = createSimBackend();
    okValue(backend.brk(backend.initialBreak + PAGE));
    expect(okValue(backend.brk(backend.initialBreak))).toBe(backend.initialBreak);
    expect(() => backend.memory.readU8(backend.initialBreak)).toThrow(SegmentationFault);
  });

  it("keeps heap data across many growth steps (buffer reallocation)", () => {
    const backend = createSimBackend();
    const start = backend.initialBreak;
    for (let step = 1; step <= 64; step += 1) {
      okValue(backend.brk(start + step * 32 * 1024));
      backend.memory.writeU32(start + (step - 1) * 32 * 1024, step);
    }
    for (let step = 1; step <= 64; step += 1) expect(backend.memory.readU32(start + (step - 1) * 32 * 1024)).toBe(step);
  });

  it("fails with EINVAL for an address that is not an integer", () => {
    const backend = createSimBackend();
    expect(backend.brk(backend.initialBreak + 0.5)).toEqual({ ok: false, errno: "EINVAL" });
    expect(backend.brk(Number.NaN)).toEqual({ ok: false, errno: "EINVAL" });
    expect(backend.currentBreak).toBe(backend.initialBreak);
  });

  it("fails with ENOMEM rather than grow into the lowest mapping", () => {
    const backend = createSimBackend({ heapStart: 0x10_000, mmapBase: 0x10_000 + 8 * PAGE });
    const mapped = okValue(backend.mmap(7 * PAGE));
    expect(mapped).toBe(0x10_000 + PAGE);
    expect(okValue(backend.brk(mapped))).toBe(mapped);
    expect(backend.brk(mapped + 1)).toEqual({ ok: false, errno: "ENOMEM" });
    expect(backend.currentBreak).toBe(mapped);
  });
});

describe("mmap placement", () => {
  it("places mappings top-down below mmapBase", () => {
    const backend = createSimBackend();
    const first = okValue(backend.mmap(PAGE));
    const second = okValue(backend.mmap(3 * PAGE));
    expect(first).toBe(DEFAULT_MMAP_BASE - PAGE);
    expect(second).toBe(first - 3 * PAGE);
    expect(backend.mappings()).toEqual([
      { addr: second, lengthBytes: 3 * PAGE },
      { addr: first, lengthBytes: PAGE },
    ]);
  });

  it("rounds lengths up to whole pages", () => {
    const backend = createSimBackend();
    const one = okValue(backend.mmap(1));
    const twoPages = okValue(backend.mmap(PAGE + 1));
    expect(backend.mappings()).toEqual([
      { addr: twoPages, lengthBytes: 2 * PAGE },
      { addr: one, lengthBytes: PAGE },
    ]);
    expect(() => backend.memory.readU8(twoPages + 2 * PAGE - 1)).not.toThrow();
  });

  it("reuses the highest hole that fits, at the top of the hole", () => {
    const backend = createSimBackend();
    const a = okValue(backend.mmap(PAGE));
    const b = okValue(backend.mmap(4 * PAGE));
    const c = okValue(backend.mmap(PAGE));
    okValue(backend.munmap(b, 4 * PAGE));
    expect(okValue(backend.mmap(5 * PAGE))).toBe(c - 5 * PAGE);
    expect(okValue(backend.mmap(2 * PAGE))).toBe(a - 2 * PAGE);
    expect(okValue(backend.mmap(2 * PAGE))).toBe(a - 4 * PAGE);
    expect(okValue(backend.mmap(PAGE))).toBe(c - 6 * PAGE);
  });

  it("hands out zeroed pages when reusing a hole", () => {
    const backend = createSimBackend();
    const first = okValue(backend.mmap(PAGE));
    backend.memory.fill(first, PAGE, 0xff);
    okValue(backend.munmap(first, PAGE));
    expect(okValue(backend.mmap(PAGE))).toBe(first);
    expect(backend.memory.readBytes(first, PAGE).every((byte) => byte === 0)).toBe(true);
  });

  it.each([-PAGE, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("fails with EINVAL for length %s", (lengthBytes) => {
    const backend = createSimBackend();
    expect(backend.mmap(lengthBytes)).toEqual({ ok: false, errno: "EINVAL" });
    expect(backend.mappings()).toEqual([]);
  });

  it("fails with ENOMEM when no gap between the heap and mmapBase fits", () => {
    const backend = createSimBackend({ heapStart: 0x10_000, mmapBase: 0x10_000 + 4 * PAGE });
    okValue(backend.brk(0x10_000 + 2 * PAGE + 1));
    expect(backend.mmap(2 * PAGE)).toEqual({ ok: false, errno: "ENOMEM" });
    expect(okValue(backend.mmap(PAGE))).toBe(0x10_000 + 3 * PAGE);
  });
});

describe("munmap", () => {
  it("splits a mapping when unmapping its middle", () => {
    const backend = createSimBackend();
    const addr = okValue(backend.mmap(4 * PAGE));
    for (let page = 0; page < 4; page += 1) backend.memory.writeU32(addr + page * PAGE + 8, page + 10);
    okValue(backend.munmap(addr + PAGE, 2 * PAGE));
    expect(backend.mappings()).toEqual([
      { addr, lengthBytes: PAGE },
      { addr: addr + 3 * PAGE, lengthBytes: PAGE },
    ]);
    expect(backend.memory.readU32(addr + 8)).toBe(10);
    expect(backend.memory.readU32(addr + 3 * PAGE + 8)).toBe(13);
  });

  it("trims either end and spans adjacent mappings", () => {
    const backend = createSimBackend();
    const upper = okValue(backend.mmap(2 * PAGE));
    const lower = okValue(backend.mmap(2 * PAGE));
    expect(lower + 2 * PAGE).toBe(upper);
    okValue(backend.munmap(lower + PAGE, 2 * PAGE - 1));
    expect(backend.mappings()).toEqual([
      { addr: lower, lengthBytes: PAGE },
      { addr: upper + PAGE, lengthBytes: PAGE },
    ]);
  });

  it("ignores pages that are not mapped, including the heap", () => {
    const backend = createSimBackend();
    okValue(backend.brk(backend.initialBreak + PAGE));
    backend.memory.writeU8(backend.initialBreak, 1);
    expect(backend.munmap(backend.initialBreak, PAGE)).toEqual({ ok: true, value: 0 });
    expect(backend.memory.readU8(backend.initialBreak)).toBe(1);
  });

  it.each([
    { name: "negative address", addr: -PAGE, lengthBytes: PAGE },
    { name: "negative length", addr: DEFAULT_MMAP_BASE - PAGE, lengthBytes: -1 },
    { name: "fractional length", addr: DEFAULT_MMAP_BASE - PAGE, lengthBytes: 0.5 },
    { name: "range beyond the address space", addr: 2 ** 47, lengthBytes: PAGE },
  ])("fails with EINVAL for a $name", ({ addr, lengthBytes }) => {
    const backend = createSimBackend();
    expect(backend.munmap(addr, lengthBytes)).toEqual({ ok: false, errno: "EINVAL" });
  });
});

describe("memory windows", () => {
  it("shows the heap's live bytes as the words readU32 and writeU32 see, and nothing else", () => {
    const backend = createSimBackend();
    const start = backend.initialBreak;
    expect(backend.memory.windowAt?.(start)).toBeUndefined();
    okValue(backend.brk(start + 100));
    const window = backend.memory.windowAt?.(start + 40);
    expect(window?.base).toBe(start);
    expect(window?.lengthBytes).toBe(96);
    backend.memory.writeU32(start + 8, 0xdeadbeef);
    expect(window?.u32[2]).toBe(0xdeadbeef);
    window!.i32[3] = -2;
    expect(backend.memory.readI32(start + 12)).toBe(-2);
    const mapped = okValue(backend.mmap(PAGE));
    expect(backend.memory.windowAt?.(mapped)).toBeUndefined();
    expect(backend.memory.windowAt?.(start + 100)).toBeUndefined();
  });

  it("hands out a new window once brk has moved the break", () => {
    const backend = createSimBackend();
    const start = backend.initialBreak;
    okValue(backend.brk(start + 64));
    const before = backend.memory.windowAt?.(start);
    okValue(backend.brk(start + 1024 * 1024));
    const after = backend.memory.windowAt?.(start);
    expect(after).not.toBe(before);
    expect(after?.lengthBytes).toBe(1024 * 1024);
  });

  it("updates the same window object when a brk keeps the heap's buffer", () => {
    const backend = createSimBackend();
    const start = backend.initialBreak;
    okValue(backend.brk(start + 64));
    const window = backend.memory.windowAt?.(start);
    const words = window?.u32;
    okValue(backend.brk(start + 4096));
    expect(backend.memory.windowAt?.(start)).toBe(window);
    expect(window?.lengthBytes).toBe(4096);
    expect(window?.u32).toBe(words);
    okValue(backend.brk(start + 40));
    expect(backend.memory.windowAt?.(start)?.lengthBytes).toBe(40);
    expect(backend.memory.windowAt?.(start + 40)).toBeUndefined();
  });

  it("changes windowEpoch exactly when windowAt may answer differently", () => {
    const backend = createSimBackend();
    const start = backend.initialBreak;
    const m = backend.memory;
    const epochs = new Set<number | undefined>([m.windowEpoch]);
    const changed = (step: () => unknown): boolean => {
      const before = m.windowEpoch;
      step();
      epochs.add(m.windowEpoch);
      return m.windowEpoch !== before;
    };
    expect(changed(() => backend.brk(start + 64))).toBe(true);
    const window = m.windowAt?.(start);
    expect(changed(() => m.writeU64(start + 8, 5))).toBe(false);
    expect(changed(() => backend.brk(0))).toBe(false);
    expect(changed(() => okValue(backend.munmap(okValue(backend.mmap(PAGE)), PAGE)))).toBe(false);
    expect(changed(() => backend.brk(start + 2 ** 40))).toBe(false); // refused: nothing moved
    expect(m.windowAt?.(start)).toBe(window);
    expect(changed(() => backend.brk(start + 32))).toBe(true); // lowered
    expect(changed(() => backend.moveBreakExternally(start + 4 * 1024 * 1024))).toBe(true); // a new buffer
    expect(m.windowAt?.(start)?.lengthBytes).toBe(4 * 1024 * 1024);
    expect(changed(() => backend.release())).toBe(true);
    expect(m.windowAt?.(start)).toBeUndefined();
    expect(epochs.size).toBe(5); // never back to a value already seen
  });
});

describe("heap buffers", () => {
  it("keep the live bytes when the heap outgrows its buffer, and leave the rest zero", () => {
    const backend = createSimBackend();
    const start = backend.initialBreak;
    okValue(backend.brk(start + PAGE));
    backend.memory.writeU32(start + PAGE - 4, 0xdeadbeef);
    okValue(backend.brk(start + 4 * 1024 * 1024));
    expect(backend.memory.readU32(start + PAGE - 4)).toBe(0xdeadbeef);
    expect(backend.memory.readU32(start + PAGE)).toBe(0);
    expect(backend.memory.readU32(start + 4 * 1024 * 1024 - 4)).toBe(0);
    backend.release();
  });

  it("go to the next address space whole: the largest kept buffer first, so a growing heap does not copy itself", () => {
    const size = 16 * 1024 * 1024;
    const big = createSimBackend();
    const start = big.initialBreak;
    okValue(big.brk(start + PAGE));
    okValue(big.brk(start + size));
    const buffer = big.memory.windowAt?.(start)?.u32.buffer;
    big.memory.writeU64(start + size - 8, 9);
    const small = createSimBackend();
    okValue(small.brk(start + PAGE));
    small.release(); // a smaller buffer is kept now too
    big.release();
    const next = createSimBackend();
    okValue(next.brk(start + PAGE));
    expect(next.memory.windowAt?.(start)?.u32.buffer).toBe(buffer);
    okValue(next.brk(start + size));
    expect(next.memory.windowAt?.(start)?.u32.buffer).toBe(buffer);
    expect(next.memory.readU64(start + size - 8)).toBe(0);
    next.release();
  });
});

describe("release", () => {
  it("unmaps everything, puts the break back and leaves zeroed memory to the next address space", () => {
    const first = createSimBackend();
    const start = first.initialBreak;
    okValue(first.brk(start + 3 * PAGE));
    first.memory.writeU64(start + 16, 42);
    const mapped = okValue(first.mmap(PAGE));
    first.memory.writeU32(mapped, 7);
    first.release();
    expect(first.currentBreak).toBe(start);
    expect(first.mappings()).toEqual([]);
    expect(() => first.memory.readU64(start + 16)).toThrow(SegmentationFault);
    const second = createSimBackend();
    okValue(second.brk(start + 3 * PAGE));
    expect(second.memory.readU64(start + 16)).toBe(0);
    expect(second.memory.readU32(okValue(second.mmap(PAGE)))).toBe(0);
  });
});
