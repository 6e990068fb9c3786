import { createSimBackend, type SimBackend } from "@osmem/backend-sim";
import { createHeap, InvariantError, walkBlocks, type FitPolicy, type Heap } from "@osmem/core";
import { heapOpsArbitrary, type HeapOp } from "@osmem/core/testing";
import type { Addr } from "@osmem/syscalls";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bestFit } from "./best-fit.js";
import { INDEXED_BIN_MAX_BYTES, indexedBestFit } from "./indexed-best-fit.js";
import { makeHoles, newHeap } from "./internal/holes.js";
import { tagOnlyView } from "./internal/tag-view.js";

const LIMIT = INDEXED_BIN_MAX_BYTES;

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

  it("makes exactly the reference's decisions on programs of requests around the bin limit", () => {
    const sizes = fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: LIMIT - 300, max: LIMIT + 300 }), fc.integer({ min: 1, max: 3 * LIMIT }));
    fc.assert(
      fc.property(heapOpsArbitrary({ minOps: 50, maxOps: 250, sizes }), (ops) => runDifferential(ops, 1)),
      { seed: 20_261_233, numRuns: 60 },
    );
  });
});

describe("indexedBestFit strategy alone", () => {
  // Payload sizes on both sides of the bin limit, few of them, so equal sizes (ties) are common.
  const sizeArb = fc.constantFrom(8, 16, 24, 4096, LIMIT - 8, LIMIT, LIMIT + 8, LIMIT + 16, 4 * LIMIT);
  type Command =
    | { readonly insert: true; readonly slot: number; readonly sizeBytes: number }
    | { readonly insert: false; readonly slot: number }
    | { readonly find: number };
  const commandArb: fc.Arbitrary<Command> = fc.oneof(
    fc.record({ insert: fc.constant(true as const), slot: fc.nat(99), sizeBytes: sizeArb }),
    fc.record({ insert: fc.constant(false as const), slot: fc.nat(99) }),
    fc.record({ find: fc.oneof(sizeArb, sizeArb.map((s) => s + 8), sizeArb.map((s) => s - 8).filter((s) => s > 0)) }),
  );

  // Below check level 2 the bins keep no membership map: removals are purely lazy.
  it.each([0, 2] as const)("answers the smallest fitting size, ties to the lowest address, across the bin limit (check level %i)", (level) => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 400, size: "max" }), (commands) => {
        const free = new Map<number, number>();
        const view = tagOnlyView(level, free);
        const strategy = indexedBestFit.bind(view);
        for (const c of commands) {
          if ("find" in c) {
            let expected = 0;
            let expectedBytes = Number.POSITIVE_INFINITY;
            for (const [addr, sizeBytes] of free) {
              if (sizeBytes < c.find) continue;
              if (sizeBytes < expectedBytes || (sizeBytes === expectedBytes && addr < expected)) [expected, expectedBytes] = [addr, sizeBytes];
            }
            expect(strategy.findFit(c.find)).toBe(expected);
            continue;
          }
          // Scattered addresses, so address order is not insertion order.
          const addr = (0x5555_5555_0000 + ((c.slot * 37) % 100) * 0x10000) as Addr;
          const present = free.get(addr);
          if (c.insert && present === undefined) {
            strategy.insertFree(addr, c.sizeBytes, "freed");
            free.set(addr, c.sizeBytes);
          } else if (present !== undefined) {
            strategy.removeFree(addr, present, "allocated");
            free.delete(addr);
          }
        }
      }),
      { seed: 20_261_234, numRuns: 300 },
    );
  });

  it("throws an InvariantError for a second insert, an absent block or a wrong size, and changes nothing (check level 2)", () => {
    const free = new Map<number, number>();
    const view = tagOnlyView(2, free);
    const strategy = indexedBestFit.bind(view);
    const [a, b, big] = [0x1000 as Addr, 0x2000 as Addr, 0x3000 as Addr];
    for (const [addr, sizeBytes] of [[a, 64], [b, 64], [big, LIMIT + 8]] as const) {
      strategy.insertFree(addr, sizeBytes, "freed");
      free.set(addr, sizeBytes);
    }
    expect(() => strategy.insertFree(a, 64, "freed")).toThrow(InvariantError);
    expect(() => strategy.insertFree(a, 128, "freed")).toThrow(InvariantError);
    expect(() => strategy.insertFree(big, LIMIT + 8, "freed")).toThrow(InvariantError);
    expect(() => strategy.removeFree(0x4000 as Addr, 64, "allocated")).toThrow(InvariantError);
    expect(() => strategy.removeFree(a, 72, "allocated")).toThrow(InvariantError);
    expect(() => strategy.removeFree(a, 56, "allocated")).toThrow(InvariantError);
    expect(() => strategy.removeFree(a, LIMIT + 8, "allocated")).toThrow(InvariantError);
    expect(() => strategy.removeFree(big, 64, "allocated")).toThrow(InvariantError);
    expect(() => strategy.removeFree(big, LIMIT + 16, "allocated")).toThrow(InvariantError);
    // Nothing was removed or corrupted: `a` is still the best 64-byte block and leaves cleanly.
    expect(strategy.findFit(64)).toBe(a);
    strategy.removeFree(a, 64, "allocated");
    free.delete(a);
    expect(strategy.findFit(64)).toBe(b);
    expect(strategy.findFit(LIMIT)).toBe(big);
  });

  it("from check level 1 refuses a large block inserted twice, whether it is kept aside or in the treap, and changes nothing", () => {
    const free = new Map<number, number>();
    const strategy = indexedBestFit.bind(tagOnlyView(1, free));
    const [low, high] = [0x1000 as Addr, 0x9000 as Addr];
    strategy.insertFree(low, LIMIT + 8, "freed"); // aside
    strategy.insertFree(high, LIMIT + 16, "freed"); // aside; `low` goes into the treap
    expect(() => strategy.insertFree(high, LIMIT + 16, "freed")).toThrow(InvariantError);
    expect(() => strategy.insertFree(low, LIMIT + 8, "freed")).toThrow(InvariantError);
    strategy.removeFree(high, LIMIT + 16, "allocated"); // nothing aside now
    // `low` is still in the treap: putting it aside as well would hold it twice.
    expect(() => strategy.insertFree(low, LIMIT + 8, "freed")).toThrow(InvariantError);
    expect(() => strategy.removeFree(high, LIMIT + 16, "allocated")).toThrow(InvariantError);
    expect(strategy.findFit(LIMIT)).toBe(low);
    strategy.removeFree(low, LIMIT + 8, "allocated");
    expect(strategy.findFit(LIMIT)).toBe(0);
  });

  it("below check level 2 still refuses a removal from an empty bin", () => {
    const free = new Map<number, number>();
    const strategy = indexedBestFit.bind(tagOnlyView(0, free));
    strategy.insertFree(0x1000 as Addr, 64, "freed");
    free.set(0x1000, 64);
    expect(() => strategy.removeFree(0x1000 as Addr, 72, "allocated")).toThrow(InvariantError);
    expect(strategy.findFit(8)).toBe(0x1000);
  });
});
