import { createSimBackend, type SimBackend } from "@osmem/backend-sim";
import { SegmentationFault } from "@osmem/syscalls";
import { beforeEach, describe, expect, it } from "vitest";
import { AllocatorMisuseError, DEFAULT_MMAP_THRESHOLD_BYTES, HEADER_BYTES, InvalidSizeError, type Heap } from "./api.js";
import { checkHeap } from "./check-heap.js";
import { createHeap } from "./heap.js";
import { testPolicy } from "./internal/test-policy.js";
import { walkBlocks } from "./walk-blocks.js";

let backend: SimBackend;
let heap: Heap;

beforeEach(() => {
  backend = createSimBackend();
  heap = createHeap({ backend, policy: testPolicy, checkLevel: 1 });
});

/** Runs `fn`, expects an AllocatorMisuseError of `kind` naming `addr`, and that nothing changed. */
function expectMisuse(kind: string, addr: number, fn: () => void): void {
  const before = JSON.stringify(walkBlocks(heap));
  const syscallsBefore = backend.log.length;
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AllocatorMisuseError);
  expect((caught as AllocatorMisuseError).kind).toBe(kind);
  expect((caught as AllocatorMisuseError).addr).toBe(addr);
  expect((caught as Error).message).toContain(`0x${addr.toString(16)}`);
  expect(JSON.stringify(walkBlocks(heap))).toBe(before);
  expect(backend.log.length).toBe(syscallsBefore);
  expect(checkHeap(heap)).toEqual([]);
}

describe("bad sizes", () => {
  const bad = [Number.NaN, -1, 1.5, 2 ** 53, Number.POSITIVE_INFINITY, -0.5];
  it.each(bad)("malloc(%s) throws a RangeError and touches nothing", (size) => {
    expect(() => heap.malloc(size)).toThrow(InvalidSizeError);
    expect(() => heap.malloc(size)).toThrow(RangeError);
    expect(backend.log).toEqual([]);
  });
  it.each(bad)("calloc and realloc reject %s too", (size) => {
    expect(() => heap.calloc(size, 1)).toThrow(InvalidSizeError);
    expect(() => heap.calloc(1, size)).toThrow(InvalidSizeError);
    expect(() => heap.realloc(0, size)).toThrow(InvalidSizeError);
  });
  it("rejects values that are not numbers", () => {
    expect(() => heap.malloc("12" as unknown as number)).toThrow(InvalidSizeError);
  });
});

// Pointer validation answers the same at every check level: level 0 asks the map of block starts and
// the status only, level 1 also the header's links (see the last tests).
describe.each([0, 1] as const)("at check level %i", (checkLevel) => {
  beforeEach(() => {
    heap = createHeap({ backend, policy: testPolicy, checkLevel });
  });

  describe("bad pointers", () => {
    it("names a pointer inside a payload", () => {
      const p = heap.malloc(100);
      expectMisuse("invalid-pointer", p + 8, () => heap.free(p + 8));
    });
    it("names an unaligned pointer", () => {
      const p = heap.malloc(100);
      expectMisuse("invalid-pointer", p + 3, () => heap.free(p + 3));
    });
    it("names a pointer outside every region", () => {
      heap.malloc(100);
      expectMisuse("invalid-pointer", 0x1000, () => heap.free(0x1000));
    });
    it("names a pointer before the heap was used", () => {
      expectMisuse("invalid-pointer", 0x4000, () => heap.free(0x4000));
    });
    it("names a pointer to a forged header inside a payload", () => {
      const p = heap.malloc(256);
      heap.malloc(16);
      // A fake header at p + 64 that claims to be allocated and links to real blocks.
      backend.memory.writeU64(p + 64, 32);
      backend.memory.writeI32(p + 72, 1);
      backend.memory.writeU64(p + 80, p - HEADER_BYTES);
      backend.memory.writeU64(p + 88, 0);
      expectMisuse("invalid-pointer", p + 64 + HEADER_BYTES, () => heap.free(p + 64 + HEADER_BYTES));
    });
    it("names a pointer into a mapping that is not the payload start", () => {
      const p = heap.malloc(DEFAULT_MMAP_THRESHOLD_BYTES);
      expectMisuse("invalid-pointer", p + 4096, () => heap.free(p + 4096));
    });
    it("rejects realloc and usableSize of foreign pointers", () => {
      const p = heap.malloc(100);
      expectMisuse("invalid-pointer", p + 16, () => heap.realloc(p + 16, 10));
      expectMisuse("invalid-pointer", p + 16, () => heap.usableSize(p + 16));
    });
  });

  describe("double free", () => {
    it("reports a heap block freed twice", () => {
      const p = heap.malloc(100);
      heap.malloc(100);
      heap.free(p);
      expectMisuse("double-free", p, () => heap.free(p));
    });
    it("reports a block freed again after it was merged away", () => {
      const a = heap.malloc(100);
      const b = heap.malloc(100);
      heap.malloc(100);
      heap.free(a);
      heap.free(b);
      heap.malloc(8); // coalesces a and b
      expectMisuse("invalid-pointer", b, () => heap.free(b));
    });
    it("reports a mapped block freed twice without touching unmapped memory", () => {
      const p = heap.malloc(DEFAULT_MMAP_THRESHOLD_BYTES);
      heap.free(p);
      expect(() => backend.memory.readU8(p)).toThrow(SegmentationFault);
      expectMisuse("invalid-pointer", p, () => heap.free(p));
    });
  });

  describe("forged headers", () => {
    it("rejects a forged block whose neighbours are forged to point back at it", () => {
      const p = heap.malloc(512);
      heap.malloc(16);
      // Three fake headers inside p's payload, linked both ways and tiling [p + 64, p + 256).
      const fakes = [p + 64, p + 128, p + 192];
      fakes.forEach((fake, i) => {
        backend.memory.writeU64(fake, 32);
        backend.memory.writeI32(fake + 8, 1);
        backend.memory.writeU64(fake + 16, i === 0 ? p - HEADER_BYTES : fakes[i - 1]!);
        backend.memory.writeU64(fake + 24, fakes[i + 1] ?? p + 256);
      });
      expectMisuse("invalid-pointer", fakes[1]! + HEADER_BYTES, () => heap.free(fakes[1]! + HEADER_BYTES));
    });
  });
});

describe("a header overwritten by a write past the block before it", () => {
  function overflowInto(level: 0 | 1): { victim: number } {
    heap = createHeap({ backend, policy: testPolicy, checkLevel: level });
    const p = heap.malloc(64);
    const victim = heap.malloc(64);
    heap.malloc(16);
    // 64 bytes of payload, then 24 more: the victim's size, status and prev are overwritten, its next kept.
    backend.memory.writeU64(p + 64, 64);
    backend.memory.writeI32(p + 72, 1);
    backend.memory.writeU64(p + 80, victim - HEADER_BYTES);
    return { victim };
  }
  it("is rejected at check level 1: its prev no longer names the block before it", () => {
    const { victim } = overflowInto(1);
    let caught: unknown;
    try {
      heap.free(victim);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AllocatorMisuseError);
    expect((caught as AllocatorMisuseError).kind).toBe("invalid-pointer");
  });
  it("is trusted at check level 0, which checks only that a header starts there and its status", () => {
    const { victim } = overflowInto(0);
    expect(() => heap.usableSize(victim)).not.toThrow();
  });
});
