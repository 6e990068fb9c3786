import { createSimBackend, type SimBackend } from "@osmem/backend-sim";
import { SegmentationFault, type Addr, type SyscallBackend } from "@osmem/syscalls";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_PREALLOC_BYTES, HEADER_BYTES, type Heap } from "./api.js";
import { checkHeap } from "./check-heap.js";
import { createHeap } from "./heap.js";
import { immediateTestPolicy, testPolicy } from "./internal/test-policy.js";
import { heapOpsArbitrary, runCheckedProgram } from "./testing/index.js";
import { walkBlocks } from "./walk-blocks.js";

let backend: SimBackend;
let heap: Heap;
let base: number;

beforeEach(() => {
  backend = createSimBackend();
  heap = createHeap({ backend, policy: testPolicy, checkLevel: 2 });
  base = backend.initialBreak;
});

const newEvents = (fn: () => void) => {
  const before = backend.log.length;
  fn();
  return backend.log.slice(before);
};

describe("a break moved behind the heap's back", () => {
  it("starts a new segment at the new break instead of assuming contiguity", () => {
    heap.malloc(DEFAULT_PREALLOC_BYTES - 2 * HEADER_BYTES);
    const foreignEnd = base + DEFAULT_PREALLOC_BYTES + 4096;
    backend.moveBreakExternally(foreignEnd);
    let ptr = 0;
    const events = newEvents(() => (ptr = heap.malloc(100)));
    expect(events).toMatchObject([{ kind: "brk", addr: foreignEnd + HEADER_BYTES + 104 }]);
    expect(ptr).toBe(foreignEnd + HEADER_BYTES);
    expect(checkHeap(heap)).toEqual([]);
    expect(heap.stats()).toMatchObject({ heapBytes: DEFAULT_PREALLOC_BYTES + HEADER_BYTES + 104, segments: 2 });
  });

  it("does not extend a free last block across the gap, nor merge across it", () => {
    heap.malloc(DEFAULT_PREALLOC_BYTES - 2 * HEADER_BYTES - 1000);
    backend.moveBreakExternally(base + DEFAULT_PREALLOC_BYTES + 8192);
    const p = heap.malloc(2000);
    expect(p).toBe(base + DEFAULT_PREALLOC_BYTES + 8192 + HEADER_BYTES);
    heap.free(p);
    heap.malloc(8);
    expect(walkBlocks(heap).map((b) => b.status)).toEqual(["alloc", "alloc", "free", "free"]);
    expect(checkHeap(heap)).toEqual([]);
  });

  it("moves a last block that can no longer grow in place", () => {
    heap.malloc(DEFAULT_PREALLOC_BYTES - 2 * HEADER_BYTES);
    const p = heap.malloc(64);
    backend.memory.fill(p, 64, 0x3c);
    backend.moveBreakExternally(backend.peekBreak() + 4096);
    const q = heap.realloc(p, 256);
    expect(q).not.toBe(p);
    expect([...backend.memory.readBytes(q, 64)].every((b) => b === 0x3c)).toBe(true);
    expect(checkHeap(heap)).toEqual([]);
  });

  it("keeps blocks aligned when the foreign break is not", () => {
    heap.malloc(DEFAULT_PREALLOC_BYTES - 2 * HEADER_BYTES);
    const foreignEnd = base + DEFAULT_PREALLOC_BYTES + 4100;
    backend.moveBreakExternally(foreignEnd);
    const p = heap.malloc(16);
    expect(p).toBe(foreignEnd + 4 + HEADER_BYTES);
    expect(newEvents(() => heap.malloc(16))).toMatchObject([{ kind: "brk", addr: foreignEnd + 4 + 2 * (HEADER_BYTES + 16) }]);
    expect(checkHeap(heap)).toEqual([]);
  });

  it("faults on blocks a lowered break took away instead of using the bytes behind it", () => {
    // A window fetched before the break moved still spans the lost bytes (zeroed by the backend);
    // the heap must notice the move on its next call and go through memory, which faults.
    const p = heap.malloc(64);
    const q = heap.malloc(64);
    heap.free(p);
    backend.moveBreakExternally(base + 64);
    expect(() => heap.malloc(64)).toThrow(SegmentationFault);
    expect(() => heap.free(q)).toThrow(SegmentationFault);
  });

  it("refuses to grow when the break was lowered into the heap", () => {
    heap.malloc(DEFAULT_PREALLOC_BYTES - 2 * HEADER_BYTES);
    backend.moveBreakExternally(base + 4096);
    expect(heap.malloc(100)).toBe(0);
    expect(heap.errno).toBe("ENOMEM");
  });
});

/** A backend whose break a noisy neighbour moves up by `gapBytes` before every `everyNth` look at it. */
function noisyNeighbour(sim: SimBackend, everyNth: number, gapBytes: number): SyscallBackend {
  let looks = 0;
  return {
    pageSize: sim.pageSize,
    memory: sim.memory,
    get observer() {
      return sim.observer;
    },
    set observer(observer) {
      sim.observer = observer;
    },
    peekBreak() {
      looks += 1;
      if (looks % everyNth === 0) sim.moveBreakExternally(sim.peekBreak() + gapBytes);
      return sim.peekBreak();
    },
    brk: (addr: Addr) => sim.brk(addr),
    mmap: (lengthBytes) => sim.mmap(lengthBytes),
    munmap: (addr, lengthBytes) => sim.munmap(addr, lengthBytes),
  };
}

describe.each([testPolicy, immediateTestPolicy])("random programs next to a noisy neighbour ($name)", (policy) => {
  it("keep every invariant across segments", () => {
    let segmentGaps = 0;
    fc.assert(
      fc.property(heapOpsArbitrary({ minOps: 40, sizes: fc.integer({ min: 0, max: 40_000 }) }), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 5000 }), (ops, everyNth, gapBytes) => {
        const sim = createSimBackend();
        const noisy = createHeap({ backend: noisyNeighbour(sim, everyNth, gapBytes), policy, checkLevel: 2 });
        expect(runCheckedProgram(noisy, ops).problem).toBeUndefined();
        const blocks = walkBlocks(noisy).filter((b) => b.status !== "mapped");
        for (let i = 1; i < blocks.length; i++) {
          if (blocks[i - 1]!.payloadAddr + blocks[i - 1]!.sizeBytes !== blocks[i]!.addr) segmentGaps += 1;
        }
      }),
      { seed: 20_261_126, numRuns: 100 },
    );
    expect(segmentGaps).toBeGreaterThan(20);
  });
});
