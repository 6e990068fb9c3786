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
