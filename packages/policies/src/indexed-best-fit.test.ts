import { createSimBackend, type SimBackend } from "@osmem/backend-sim";
import { createHeap, walkBlocks, type FitPolicy, type Heap } from "@osmem/core";
import { heapOpsArbitrary, type HeapOp } from "@osmem/core/testing";
import type { Addr } from "@osmem/syscalls";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bestFit } from "./best-fit.js";
import { indexedBestFit } from "./indexed-best-fit.js";
import { makeHoles, newHeap } from "./internal/holes.js";

interface Side {
  readonly backend: SimBackend;
  readonly heap: Heap;
  readonly live: Addr[];
}

const side = (policy: FitPolicy, checkLevel: 0 | 1 | 2): Side => {
  const backend = createSimBackend();
  return { backend, heap: createHeap({ backend, policy, checkLevel }), live: [] };
};

/** Writes a non-zero byte over the whole usable payload, as a program using its memory would. */
function use(s: Side, ptr: Addr): Addr {
  if (ptr !== 0) {
    s.backend.memory.fill(ptr, s.heap.usableSize(ptr), 0xa5);
    s.live.push(ptr);
  }
  return ptr;
}

/** Runs one op on a side and returns the address it produced (NULL for free). */
function apply(s: Side, op: HeapOp): Addr {
  const pick = (target: number): number => target % s.live.length;
  switch (op.op) {
    case "malloc":
    case "calloc": {
      return use(s, op.op === "malloc" ? s.heap.malloc(op.sizeBytes) : s.heap.calloc(op.count, op.sizeBytes));
    }
    case "realloc": {
      const index = op.target < 0 || s.live.length === 0 ? -1 : pick(op.target);
      const ptr = s.heap.realloc(index === -1 ? 0 : s.live[index]!, op.sizeBytes);
      if (index !== -1 && (ptr !== 0 || op.sizeBytes === 0)) s.live.splice(index, 1);
      return use(s, ptr);
    }
    case "free": {
      if (s.live.length === 0) return 0;
      s.heap.free(s.live.splice(pick(op.target), 1)[0]!);
      return 0;
    }
  }
}

/** Runs `ops` on two heaps in lock step and compares addresses, new syscalls and blocks after every step. */
function runDifferential(ops: readonly HeapOp[], checkLevel: 0 | 1 | 2): void {
  const reference = side(bestFit, checkLevel);
  const indexed = side(indexedBestFit, checkLevel);
  ops.forEach((op, step) => {
    const seenBefore = reference.backend.log.length;
    const where = `step ${step} (${JSON.stringify(op)})`;
    expect(apply(indexed, op), where).toBe(apply(reference, op));
    expect(indexed.backend.log.slice(seenBefore), where).toEqual(reference.backend.log.slice(seenBefore));
    expect(walkBlocks(indexed.heap), where).toEqual(walkBlocks(reference.heap));
  });
  expect(indexed.backend.log).toEqual(reference.backend.log);
  expect(indexed.heap.stats()).toEqual(reference.heap.stats());
}

describe("indexedBestFit", () => {
  it("takes the smallest fitting block, ties to the lowest address", () => {
    const heap = newHeap(indexedBestFit);
    const ptrs = makeHoles(heap, [300, 128, 100, 128, 200], [0, 1, 2, 3, 4]);
    expect(heap.malloc(150)).toBe(ptrs[4]);
    expect(heap.malloc(120)).toBe(ptrs[1]);
    expect(heap.malloc(128)).toBe(ptrs[3]);
    expect(indexedBestFit.coalescing).toBe(bestFit.coalescing);
  });

  it("makes exactly the reference's decisions on random programs", () => {
    fc.assert(
      fc.property(heapOpsArbitrary({ minOps: 20, maxOps: 150, mapped: true }), (ops) => runDifferential(ops, 2)),
      { seed: 20_261_230, numRuns: 400 },
    );
  });

  it("makes exactly the reference's decisions on programs of small requests", () => {
    fc.assert(
      fc.property(heapOpsArbitrary({ minOps: 50, maxOps: 300, sizes: fc.integer({ min: 1, max: 700 }) }), (ops) => runDifferential(ops, 1)),
      { seed: 20_261_231, numRuns: 150 },
    );
  });

  it("makes exactly the reference's decisions on programs of a few thousand ops", () => {
    fc.assert(
      fc.property(heapOpsArbitrary({ minOps: 2000, maxOps: 4000 }), (ops) => runDifferential(ops, 1)),
      { seed: 20_261_232, numRuns: 6 },
    );
  });
});
