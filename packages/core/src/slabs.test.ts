// Small-object slabs (HeapShape.slabMaxBytes): objects of one size class share a slab block, misuse
// is caught per object, empty slabs go back to the heap, realloc moves between classes and blocks,
// the checker catches a corrupted slab, and random programs keep every invariant.
import { createSimBackend, type SimBackend } from "@osmem/backend-sim";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AllocatorMisuseError, BlockStatus, MAX_SLAB_OBJECT_BYTES, type FitPolicy, type Heap } from "./api.js";
import { OFF_STATUS } from "./block-header.js";
import { checkHeap } from "./check-heap.js";
import { createHeap } from "./heap.js";
import { SLAB_HEADER_BYTES, slabPayloadBytes } from "./internal/slab-pool.js";
import { immediateTestPolicy, testPolicy } from "./internal/test-policy.js";
import { heapOpsArbitrary, runCheckedProgram, withoutMemoryWindow } from "./testing/index.js";
import { inspectSlab, walkBlocks } from "./walk-blocks.js";

const slabbed = (policy: FitPolicy, slabMaxBytes = 256): FitPolicy => ({
  ...policy,
  name: `${policy.name}-slabs`,
  heapShape: { preallocBytes: 4096, growthChunkBytes: 1024, slabMaxBytes },
});

const fresh = (backend: SimBackend = createSimBackend()): Heap => createHeap({ backend, policy: slabbed(testPolicy), checkLevel: 2 });
const slabBlocks = (heap: Heap) => walkBlocks(heap).filter((b) => b.status === "slab");

describe("slabs", () => {
  it("put small objects of one class side by side in one slab block", () => {
    const heap = fresh();
    const ptrs = Array.from({ length: 10 }, () => heap.malloc(13));
    const slabs = slabBlocks(heap);
    expect(slabs).toHaveLength(1);
    const first = slabs[0]!.payloadAddr + SLAB_HEADER_BYTES + 4; // the slab header, then a one-word bitmap
    expect(ptrs).toEqual(ptrs.map((_, i) => first + 16 * i));
    expect(slabs[0]!.sizeBytes).toBe(slabPayloadBytes(16, 16));
    expect(heap.stats()).toMatchObject({ slabBlocks: 1, slabObjects: 10, allocBlocks: 1 });
    expect(heap.usableSize(ptrs[3]!)).toBe(16);
    const other = heap.malloc(100);
    expect(slabBlocks(heap)).toHaveLength(2);
    expect(heap.usableSize(other)).toBe(104);
    expect(heap.malloc(257)).toBe(walkBlocks(heap).find((b) => b.status === "alloc")?.payloadAddr);
  });

  it("can be read back with inspectSlab, and nothing else can", () => {
    const heap = fresh();
    const ptrs = Array.from({ length: 5 }, () => heap.malloc(40));
    heap.free(ptrs[1]!);
    const big = heap.malloc(500);
    const slab = slabBlocks(heap)[0]!;
    expect(inspectSlab(heap, slab.addr)).toEqual({ objectBytes: 40, capacity: 7, objectsAddr: ptrs[0], liveObjects: [ptrs[0], ptrs[2], ptrs[3], ptrs[4]] });
    expect(inspectSlab(heap, big - 32)).toBeUndefined();
    expect(inspectSlab(createHeap({ backend: createSimBackend(), policy: testPolicy }), slab.addr)).toBeUndefined();
  });

  it("reuse the lowest free object of a slab first", () => {
    const heap = fresh();
    const ptrs = Array.from({ length: 8 }, () => heap.malloc(24));
    heap.free(ptrs[5]!);
    heap.free(ptrs[2]!);
    expect(heap.malloc(24)).toBe(ptrs[2]);
    expect(heap.malloc(24)).toBe(ptrs[5]);
  });

  it("reject a double free, an interior pointer and the slab's own payload, and change nothing", () => {
    const heap = fresh();
    const a = heap.malloc(32);
    const b = heap.malloc(32);
    heap.free(a);
    const before = JSON.stringify([walkBlocks(heap), heap.stats()]);
    const misuse = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return error instanceof AllocatorMisuseError ? error.kind : "other";
      }
      return "none";
    };
    expect(misuse(() => heap.free(a))).toBe("double-free");
    expect(heap.realloc(a, 10)).toBe(0); // as for a free block
    expect(misuse(() => heap.realloc(a, 0))).toBe("double-free");
    expect(misuse(() => heap.usableSize(a))).toBe("invalid-pointer");
    expect(misuse(() => heap.free(b + 8))).toBe("invalid-pointer");
    expect(misuse(() => heap.realloc(b + 4, 100))).toBe("invalid-pointer");
    expect(misuse(() => heap.free(slabBlocks(heap)[0]!.payloadAddr))).toBe("invalid-pointer");
    expect(misuse(() => heap.free(Number.NaN))).toBe("invalid-pointer");
    expect(JSON.stringify([walkBlocks(heap), heap.stats()])).toBe(before);
    expect(checkHeap(heap)).toEqual([]);
  });

  it("grow a class's new slabs with it, and give an emptied slab back to the heap at once", () => {
    const heap = fresh();
    const ptrs = Array.from({ length: 289 }, () => heap.malloc(16));
    // 256 bytes' worth of objects at first, then a sixteenth of the class's live objects.
    expect(slabBlocks(heap).map((b) => b.sizeBytes)).toEqual([...Array<number>(17).fill(slabPayloadBytes(16, 16)), slabPayloadBytes(16, 17)]);
    for (const p of ptrs.slice(0, 16)) heap.free(p);
    expect(slabBlocks(heap)).toHaveLength(17);
    expect(walkBlocks(heap)[0]?.status).toBe("free");
    for (const p of ptrs.slice(16)) heap.free(p);
    expect(slabBlocks(heap)).toEqual([]);
    expect(heap.stats()).toMatchObject({ slabBlocks: 0, slabObjects: 0, allocBlocks: 0 });
    expect(checkHeap(heap)).toEqual([]);
  });

  it("realloc keeps an object whose size stays in its class and moves one that changes class, bytes kept", () => {
    const heap = fresh();
    const m = heap.backend.memory;
    const bytes = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    const p = heap.malloc(20);
    m.writeBytes(p, Uint8Array.from(bytes(24)));
    expect(heap.realloc(p, 24)).toBe(p);
    const q = heap.realloc(p, 200);
    expect(q).not.toBe(p);
    expect(heap.usableSize(q)).toBe(200);
    expect([...m.readBytes(q, 24)]).toEqual(bytes(24));
    expect(() => heap.free(p)).toThrow(AllocatorMisuseError);
    const small = heap.realloc(q, 9);
    expect(heap.usableSize(small)).toBe(16);
    expect([...m.readBytes(small, 16)]).toEqual(bytes(16));
    const shrunk = heap.realloc(small, 8);
    expect(heap.usableSize(shrunk)).toBe(8);
    expect([...m.readBytes(shrunk, 8)]).toEqual(bytes(8));
    expect(heap.realloc(shrunk, 0)).toBe(0);
    expect(heap.stats()).toMatchObject({ slabObjects: 0, slabBlocks: 0 });
  });

  it("realloc keeps a shrinking object in place when no smaller one can be had, with no failure counted", () => {
    const backend = createSimBackend();
    const heap = fresh(backend);
    const p = heap.malloc(100);
    heap.malloc(3700); // the first 4 KiB are full
    expect(walkBlocks(heap).some((b) => b.status === "free")).toBe(false);
    backend.injectFault({ syscall: "brk", nth: backend.callCounts.brk + 1 });
    backend.injectFault({ syscall: "brk", nth: backend.callCounts.brk + 2 });
    expect(heap.realloc(p, 8)).toBe(p);
    expect(heap.errno).toBeUndefined();
    expect(heap.stats().failures).toBe(0);
    expect(heap.realloc(p, 120)).toBe(0);
    expect(heap.errno).toBe("ENOMEM");
    expect(heap.usableSize(p)).toBe(104);
    expect(checkHeap(heap)).toEqual([]);
  });

  it("calloc gives zeroed objects, also where a freed object's bytes were", () => {
    const heap = fresh();
    const p = heap.malloc(40);
    heap.backend.memory.fill(p, 40, 0xab);
    heap.free(p);
    const q = heap.calloc(5, 8);
    expect(q).toBe(p);
    expect([...heap.backend.memory.readBytes(q, 40)].every((byte) => byte === 0)).toBe(true);
  });

  it("return NULL with errno when no slab has room and the heap cannot grow, and keep working", () => {
    const backend = createSimBackend();
    const heap = fresh(backend);
    const live = Array.from({ length: 16 }, () => heap.malloc(16));
    heap.malloc(3000);
    heap.malloc(700); // the first 4 KiB are full
    backend.injectFault({ syscall: "brk", nth: backend.callCounts.brk + 1 });
    expect(heap.malloc(16)).toBe(0);
    expect(heap.errno).toBe("ENOMEM");
    expect(heap.stats()).toMatchObject({ failures: 1, slabObjects: 16, slabBlocks: 1 });
    expect(checkHeap(heap)).toEqual([]);
    expect(heap.malloc(16)).not.toBe(0);
    expect(live.every((p) => p !== 0)).toBe(true);
  });

  it("are caught by the checker when a slab's bytes are corrupted", () => {
    const heap = fresh();
    const p = heap.malloc(16);
    heap.malloc(16);
    const slab = slabBlocks(heap)[0]!;
    const m = heap.backend.memory;
    const bitmap = slab.payloadAddr + SLAB_HEADER_BYTES;
    expect(m.readU32(bitmap)).toBe(0xffff_0003);
    m.writeU32(bitmap, 0xffff_0007);
    expect(checkHeap(heap).map((problem) => problem.code)).toContain("slab-count");
    m.writeU32(bitmap, 0x0003_0003);
    expect(checkHeap(heap).map((problem) => problem.code)).toContain("slab-bitmap");
    m.writeU32(bitmap, 0xffff_0003);
    expect(checkHeap(heap)).toEqual([]);
    m.writeU32(slab.payloadAddr, 16 + 99 * 0x10000);
    expect(checkHeap(heap).map((problem) => problem.code)).toContain("slab-header");
    m.writeU32(slab.payloadAddr, 16 + 16 * 0x10000);
    m.writeI32(slab.addr + OFF_STATUS, BlockStatus.Alloc);
    expect(checkHeap(heap).map((problem) => problem.code)).toContain("slab-index");
    m.writeI32(slab.addr + OFF_STATUS, BlockStatus.Slab);
    heap.free(p);
    expect(checkHeap(heap)).toEqual([]);
  });

  it.each([[{ slabMaxBytes: 12 }], [{ slabMaxBytes: MAX_SLAB_OBJECT_BYTES + 8 }], [{ slabMaxBytes: -8 }]])("reject %j with a RangeError", (bad) => {
    expect(() => createHeap({ backend: createSimBackend(), policy: testPolicy, ...bad })).toThrow(RangeError);
  });

  it("stay off in the reference shape", () => {
    const heap = createHeap({ backend: createSimBackend(), policy: testPolicy, checkLevel: 2 });
    heap.malloc(16);
    expect(heap.stats()).toMatchObject({ slabBlocks: 0, slabObjects: 0 });
    expect(slabBlocks(heap)).toEqual([]);
  });

  describe.each([testPolicy, immediateTestPolicy])("random programs with $name and slabs", (policy) => {
    it.each([
      ["with the window", (b: SimBackend) => b],
      ["through Memory only", withoutMemoryWindow],
    ])("keep the heap valid and the payloads intact, %s", (_, wrap) => {
      fc.assert(
        fc.property(
          heapOpsArbitrary({ minOps: 20, maxOps: 150, sizes: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 6000 })) }),
          fc.constantFrom(64, 256, MAX_SLAB_OBJECT_BYTES),
          (ops, slabMaxBytes) => {
            const backend = wrap(createSimBackend());
            const heap = createHeap({ backend, policy: slabbed(policy, slabMaxBytes), checkLevel: 2 });
            expect(runCheckedProgram(heap, ops).problem).toBeUndefined();
          },
        ),
        { seed: 20_261_126, numRuns: 120 },
      );
    });
  });
});
