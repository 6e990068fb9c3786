import { createSimBackend, type SimBackend } from "@osmem/backend-sim";
import { recordSyscalls, type SyscallEvent } from "@osmem/syscalls";
import { beforeEach, describe, expect, it } from "vitest";
import { BlockStatus, DEFAULT_MMAP_THRESHOLD_BYTES, DEFAULT_PREALLOC_BYTES, HEADER_BYTES, type BlockView, type CheckLevel, type FitPolicy, type Heap } from "./api.js";
import { checkHeap } from "./check-heap.js";
import { createHeap } from "./heap.js";
import { testPolicy } from "./internal/test-policy.js";
import { walkBlocks } from "./walk-blocks.js";
import { stateOf } from "./internal/state-of.js";

let backend: SimBackend;
let heap: Heap;
let base: number;

const calls = (fn: () => void): SyscallEvent[] => {
  const recording = recordSyscalls(backend);
  try {
    fn();
  } finally {
    recording.stop();
  }
  return recording.events;
};
const shape = () => walkBlocks(heap).map((b) => [b.addr - base, b.sizeBytes, b.status]);

beforeEach(() => {
  backend = createSimBackend();
  heap = createHeap({ backend, policy: testPolicy, checkLevel: 2 });
  base = backend.initialBreak;
});

describe("malloc", () => {
  it("returns NULL for 0 without a syscall", () => {
    expect(calls(() => expect(heap.malloc(0)).toBe(0))).toEqual([]);
  });

  it("preallocates 128 KiB on first use: brk(0), then brk(start + 128 KiB)", () => {
    let ptr = 0;
    const events = calls(() => (ptr = heap.malloc(100)));
    expect(events.map((e) => (e.kind === "brk" ? e.addr : -1))).toEqual([0, base + DEFAULT_PREALLOC_BYTES]);
    expect(ptr).toBe(base + HEADER_BYTES);
    expect(heap.heapStart).toBe(base);
  });

  it("aligns every size up to 8 and splits the preallocated block", () => {
    heap.malloc(1);
    expect(shape()).toEqual([
      [0, 8, "alloc"],
      [HEADER_BYTES + 8, DEFAULT_PREALLOC_BYTES - 2 * HEADER_BYTES - 8, "free"],
    ]);
  });

  it("does not split when the remainder cannot hold a header plus 8 bytes", () => {
    heap.malloc(DEFAULT_PREALLOC_BYTES - 2 * HEADER_BYTES);
    expect(shape()).toEqual([[0, DEFAULT_PREALLOC_BYTES - HEADER_BYTES, "alloc"]]);
  });

  it("maps blocks whose total reaches the threshold, and unmaps them on free", () => {
    const onHeap = heap.malloc(DEFAULT_MMAP_THRESHOLD_BYTES - HEADER_BYTES - 8);
    let mapped = 0;
    const mapping = calls(() => (mapped = heap.malloc(DEFAULT_MMAP_THRESHOLD_BYTES - HEADER_BYTES)));
    expect(onHeap).toBe(base + HEADER_BYTES);
    expect(mapping).toMatchObject([{ kind: "mmap", lengthBytes: DEFAULT_MMAP_THRESHOLD_BYTES }]);
    expect(mapped % backend.pageSize).toBe(HEADER_BYTES);
    expect(calls(() => heap.free(mapped))).toMatchObject([{ kind: "munmap", addr: mapped - HEADER_BYTES, lengthBytes: DEFAULT_MMAP_THRESHOLD_BYTES }]);
  });

  it("extends a free last block by exactly the missing bytes", () => {
    heap.malloc(DEFAULT_PREALLOC_BYTES - 2 * HEADER_BYTES - 1000);
    const events = calls(() => heap.malloc(2000));
    expect(events).toMatchObject([{ kind: "brk", addr: base + DEFAULT_PREALLOC_BYTES + 1000 }]);
    expect(shape()[1]).toEqual([DEFAULT_PREALLOC_BYTES - HEADER_BYTES - 1000, 2000, "alloc"]);
  });

  it("takes a new block from the break when the last block is in use", () => {
    heap.malloc(DEFAULT_PREALLOC_BYTES - 2 * HEADER_BYTES);
    let ptr = 0;
    const events = calls(() => (ptr = heap.malloc(24)));
    expect(events).toMatchObject([{ kind: "brk", addr: base + DEFAULT_PREALLOC_BYTES + HEADER_BYTES + 24 }]);
    expect(ptr).toBe(base + DEFAULT_PREALLOC_BYTES + HEADER_BYTES);
  });

  it("coalesces adjacent free blocks before searching", () => {
    const a = heap.malloc(64);
    const b = heap.malloc(64);
    heap.malloc(64);
    heap.free(a);
    heap.free(b);
    expect(heap.malloc(64 + HEADER_BYTES + 64)).toBe(a);
  });

  it("places with the policy it was given", () => {
    const a = heap.malloc(200);
    heap.malloc(8);
    const b = heap.malloc(100);
    heap.malloc(8);
    heap.free(a);
    heap.free(b);
    expect(heap.malloc(80)).toBe(b);
  });
});

describe("calloc", () => {
  it("returns NULL for a zero count or size without a syscall", () => {
    expect(calls(() => expect(heap.calloc(0, 100)).toBe(0))).toEqual([]);
    expect(calls(() => expect(heap.calloc(100, 0)).toBe(0))).toEqual([]);
  });

  it("zeroes reused memory", () => {
    const dirty = heap.malloc(256);
    backend.memory.fill(dirty, 256, 0xab);
    heap.free(dirty);
    const clean = heap.calloc(32, 8);
    expect(clean).toBe(dirty);
    expect([...backend.memory.readBytes(clean, 256)].every((b) => b === 0)).toBe(true);
  });

  it("maps from the page size on", () => {
    expect(calls(() => heap.calloc(1, backend.pageSize - HEADER_BYTES))).toMatchObject([{ kind: "mmap", lengthBytes: backend.pageSize }]);
  });

  it("reports ENOMEM without a syscall when count * size overflows the address space", () => {
    expect(calls(() => expect(heap.calloc(2 ** 40, 2 ** 40)).toBe(0))).toEqual([]);
    expect(heap.errno).toBe("ENOMEM");
    expect(checkHeap(heap)).toEqual([]);
  });
});

describe("realloc", () => {
  it("behaves as malloc for NULL, and realloc(NULL, 0) touches nothing", () => {
    expect(calls(() => expect(heap.realloc(0, 0)).toBe(0))).toEqual([]);
    expect(heap.realloc(0, 10)).toBe(base + HEADER_BYTES);
  });

  it("frees for size 0 and returns NULL for a free block", () => {
    const p = heap.malloc(10);
    const q = heap.malloc(10);
    expect(heap.realloc(p, 0)).toBe(0);
    expect(calls(() => expect(heap.realloc(p, 50)).toBe(0))).toEqual([]);
    expect(heap.realloc(q, 10)).toBe(q);
  });

  it("truncates in place and splits off the rest", () => {
    const p = heap.malloc(1000);
    heap.malloc(8);
    expect(heap.realloc(p, 100)).toBe(p);
    expect(shape().slice(0, 2)).toEqual([
      [0, 104, "alloc"],
      [HEADER_BYTES + 104, 1000 - 104 - HEADER_BYTES, "free"],
    ]);
  });

  it("grows in place by absorbing the following free blocks, keeping the contents", () => {
    const p = heap.malloc(100);
    const next = heap.malloc(200);
    heap.malloc(8);
    backend.memory.fill(p, 100, 0x5a);
    heap.free(next);
    expect(heap.realloc(p, 250)).toBe(p);
    expect([...backend.memory.readBytes(p, 100)].every((b) => b === 0x5a)).toBe(true);
    expect(shape()[0]).toEqual([0, 256, "alloc"]);
  });

  it("grows the last block with sbrk", () => {
    heap.malloc(DEFAULT_PREALLOC_BYTES - 2 * HEADER_BYTES);
    const p = heap.malloc(64);
    const events = calls(() => expect(heap.realloc(p, 128)).toBe(p));
    expect(events).toMatchObject([{ kind: "brk", addr: base + DEFAULT_PREALLOC_BYTES + HEADER_BYTES + 128 }]);
  });

  it("moves a block that cannot grow, copying it and freeing the old one", () => {
    const p = heap.malloc(64);
    heap.malloc(8);
    backend.memory.fill(p, 64, 0x11);
    const q = heap.realloc(p, 4000);
    expect(q).not.toBe(p);
    expect([...backend.memory.readBytes(q, 64)].every((b) => b === 0x11)).toBe(true);
    expect(walkBlocks(heap).find((b) => b.payloadAddr === p)?.status).toBe("free");
  });

  it("always moves a mapped block, even to the same size", () => {
    const p = heap.malloc(DEFAULT_MMAP_THRESHOLD_BYTES);
    const events = calls(() => expect(heap.realloc(p, DEFAULT_MMAP_THRESHOLD_BYTES)).not.toBe(p));
    expect(events.map((e) => e.kind)).toEqual(["mmap", "munmap"]);
  });

  it("moves a heap block to a mapping when the new size reaches the threshold", () => {
    const p = heap.malloc(1000);
    const events = calls(() => heap.realloc(p, DEFAULT_MMAP_THRESHOLD_BYTES));
    expect(events.map((e) => e.kind)).toEqual(["mmap"]);
  });
});

describe("stats", () => {
  it("tracks bytes and syscalls", () => {
    const p = heap.malloc(100);
    heap.malloc(DEFAULT_MMAP_THRESHOLD_BYTES);
    heap.free(p);
    expect(heap.stats()).toMatchObject({
      bytesInUse: DEFAULT_MMAP_THRESHOLD_BYTES,
      heapBytes: DEFAULT_PREALLOC_BYTES,
      mappedBlocks: 1,
      allocBlocks: 0,
      syscalls: { brk: 2, mmap: 1, munmap: 0 },
    });
  });
});

describe("deferred coalescing", () => {
  it("forgets a pending free block that realloc absorbed (regression: the pass read a stale header)", () => {
    const a = heap.malloc(432);
    const b = heap.calloc(1, 17);
    heap.free(b);
    const grown = heap.realloc(a, 441);
    expect(grown).toBe(a);
    heap.free(grown);
    expect(heap.malloc(1)).toBe(a);
    expect(checkHeap(heap)).toEqual([]);
  });

  it("ignores a queued block that a realloc absorbed, even under a payload that keeps its old header", () => {
    const p = heap.malloc(64);
    const q = heap.malloc(64);
    const r = heap.malloc(64);
    heap.free(r); // r touches the free rest of the heap: queued for the next coalescing pass
    expect(heap.realloc(q, 64 + HEADER_BYTES + 64)).toBe(q); // grows in place over r, before any pass
    // The program fills its payload; the bytes where r's header was keep looking like a free header.
    const m = backend.memory;
    for (let i = 0; i < 64; i += 8) m.writeU64(q + i, 0x0101_0101 + i);
    const before = m.readBytes(q, 64 + HEADER_BYTES + 64);
    const s = heap.malloc(8); // the pass runs here, with r's stale entry
    expect(s).toBeGreaterThan(q);
    expect(m.readBytes(q, 64 + HEADER_BYTES + 64)).toEqual(before);
    expect(checkHeap(heap)).toEqual([]);
    expect(shape().slice(0, 3)).toEqual([
      [p - HEADER_BYTES - base, 64, "alloc"],
      [q - HEADER_BYTES - base, 64 + HEADER_BYTES + 64, "alloc"],
      [s - HEADER_BYTES - base, 8, "alloc"],
    ]);
  });

  it("keeps its queue bounded when realloc absorbs and splits free blocks with no allocation in between", () => {
    const p = heap.malloc(64);
    heap.malloc(64);
    const q = heap.malloc(64);
    const state = stateOf(heap);
    for (let i = 0; i < 3000; i++) {
      expect(heap.realloc(q, 64 + 8 * (i % 40) + 256)).toBe(q); // grows over the free blocks after it
      expect(heap.realloc(q, 64)).toBe(q); // splits them off again, next to the free rest: queued
    }
    expect(state.pendingMergeCount).toBeLessThan(200);
    expect(checkHeap(heap)).toEqual([]);
    expect(heap.malloc(100_000)).toBeGreaterThan(p); // the pass runs over whatever is queued
    expect(checkHeap(heap)).toEqual([]);
  });
});

describe("the strategy's view", () => {
  it("shows the heap's check level, so that a policy can skip its own internal checks at 0", () => {
    for (const checkLevel of [0, 1, 2] as const) {
      let seen: CheckLevel | undefined;
      const policy: FitPolicy = {
        ...testPolicy,
        bind(view) {
          seen = view.checkLevel;
          return testPolicy.bind(view);
        },
      };
      createHeap({ backend: createSimBackend(), policy, checkLevel });
      expect(seen).toBe(checkLevel);
    }
  });

  it.each([0, 1, 2] as const)("tells free blocks by their size and everything else by -1, forged headers included (check level %i)", (checkLevel) => {
    let view: BlockView | undefined;
    const policy: FitPolicy = {
      ...testPolicy,
      bind(given) {
        view = given;
        return testPolicy.bind(given);
      },
    };
    const sim = createSimBackend();
    const h = createHeap({ backend: sim, policy, checkLevel });
    const [a, b, c] = [h.malloc(40), h.malloc(40), h.malloc(40)];
    const big = h.malloc(DEFAULT_MMAP_THRESHOLD_BYTES);
    h.free(b);
    const header = (ptr: number) => ptr - HEADER_BYTES;
    expect(view!.freeBlockSize(header(b))).toBe(40);
    expect(view!.freeBlockSize(header(a))).toBe(-1); // allocated
    expect(view!.freeBlockSize(header(big))).toBe(-1); // mapped
    expect(view!.freeBlockSize(0)).toBe(-1);
    expect(view!.freeBlockSize(header(b) + 4)).toBe(-1); // misaligned
    expect(view!.freeBlockSize(header(c) + 64 * 1024)).toBe(-1); // past every block
    // A header forged inside a's payload, as free and with links to its neighbours, is not a block.
    const forged = a + 8;
    sim.memory.writeU64(forged, 8);
    sim.memory.writeI32(forged + 8, BlockStatus.Free);
    sim.memory.writeU64(forged + 16, header(a));
    sim.memory.writeU64(forged + 24, header(b));
    expect(view!.freeBlockSize(forged)).toBe(-1);
    // Once b merges into a freed a, b's old header lies inside a's payload and is no block either.
    h.free(a);
    h.malloc(8000); // the coalescing pass runs before the search
    expect(view!.freeBlockSize(header(b))).toBe(-1);
    expect(view!.freeBlockSize(header(a))).toBe(40 + HEADER_BYTES + 40);
  });
});
