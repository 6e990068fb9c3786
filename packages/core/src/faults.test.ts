import { createSimBackend, type SimBackend } from "@osmem/backend-sim";
import { beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_MMAP_THRESHOLD_BYTES, DEFAULT_PREALLOC_BYTES, type Heap } from "./api.js";
import { checkHeap } from "./check-heap.js";
import { createHeap } from "./heap.js";
import { testPolicy } from "./internal/test-policy.js";
import { walkBlocks } from "./walk-blocks.js";

let backend: SimBackend;
let heap: Heap;

beforeEach(() => {
  backend = createSimBackend();
  heap = createHeap({ backend, policy: testPolicy, checkLevel: 2 });
});

describe("a failing brk", () => {
  it("fails the first request when brk(0) fails, and the next one works", () => {
    backend.injectFault({ syscall: "brk", nth: 1 });
    expect(heap.malloc(10)).toBe(0);
    expect(heap.errno).toBe("ENOMEM");
    expect(walkBlocks(heap)).toEqual([]);
    expect(heap.malloc(10)).not.toBe(0);
    expect(checkHeap(heap)).toEqual([]);
  });

  it("fails the preallocation without creating a block", () => {
    backend.injectFault({ syscall: "brk", nth: 2 });
    expect(heap.malloc(10)).toBe(0);
    expect(walkBlocks(heap)).toEqual([]);
    expect(heap.stats()).toMatchObject({ heapBytes: 0, failures: 1 });
    expect(heap.malloc(10)).toBe(backend.initialBreak + 32);
  });

  it("fails a growth of the last block and keeps the list intact", () => {
    heap.malloc(100);
    const tailBytes = DEFAULT_PREALLOC_BYTES - 3 * 32 - 104;
    const tail = heap.malloc(tailBytes);
    backend.injectFault({ syscall: "brk", nth: 3 });
    backend.injectFault({ syscall: "brk", nth: 4 });
    const before = walkBlocks(heap);
    expect(heap.malloc(64)).toBe(0);
    expect(heap.realloc(tail, tailBytes + 64)).toBe(0);
    expect(walkBlocks(heap)).toEqual(before);
    expect(heap.malloc(64)).not.toBe(0);
    expect(heap.realloc(tail, tailBytes + 64)).not.toBe(0);
    expect(checkHeap(heap)).toEqual([]);
  });

  it("honours a memory limit", () => {
    const small = createSimBackend({ memoryLimitBytes: DEFAULT_PREALLOC_BYTES + 4096 });
    const h = createHeap({ backend: small, policy: testPolicy, checkLevel: 2 });
    expect(h.malloc(DEFAULT_PREALLOC_BYTES - 64)).not.toBe(0);
    expect(h.malloc(8192)).toBe(0);
    expect(h.errno).toBe("ENOMEM");
    expect(h.malloc(1024)).not.toBe(0);
    expect(checkHeap(h)).toEqual([]);
  });
});

describe("a failing mmap or munmap", () => {
  it("returns NULL from malloc and realloc, leaving the old block alone", () => {
    const p = heap.malloc(100);
    backend.memory.fill(p, 100, 7);
    backend.injectFault({ syscall: "mmap", nth: 1 });
    expect(heap.malloc(DEFAULT_MMAP_THRESHOLD_BYTES)).toBe(0);
    expect(heap.errno).toBe("ENOMEM");
    backend.injectFault({ syscall: "mmap", nth: 2, errno: "EAGAIN" });
    expect(heap.realloc(p, DEFAULT_MMAP_THRESHOLD_BYTES)).toBe(0);
    expect(heap.errno).toBe("EAGAIN");
    expect([...backend.memory.readBytes(p, 100)].every((b) => b === 7)).toBe(true);
    expect(heap.usableSize(p)).toBe(104);
    expect(checkHeap(heap)).toEqual([]);
  });

  it("keeps a mapped block live when munmap fails, and frees it later", () => {
    const p = heap.malloc(DEFAULT_MMAP_THRESHOLD_BYTES);
    backend.injectFault({ syscall: "munmap", nth: 1, errno: "EINVAL" });
    heap.free(p);
    expect(heap.errno).toBe("EINVAL");
    expect(walkBlocks(heap)).toHaveLength(1);
    heap.free(p);
    expect(walkBlocks(heap)).toHaveLength(0);
    expect(checkHeap(heap)).toEqual([]);
  });
});
