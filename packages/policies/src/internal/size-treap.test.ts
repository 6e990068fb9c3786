import { InvariantError } from "@osmem/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SizeTreap } from "./size-treap.js";

type Command =
  | { readonly kind: "insert"; readonly size: number; readonly addr: number }
  | { readonly kind: "remove"; readonly pick: number }
  | { readonly kind: "query"; readonly size: number };

// Few sizes and addresses, so that equal sizes (ordered by address) are common.
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("insert" as const), size: fc.nat(30), addr: fc.nat(60) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("remove" as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("query" as const), size: fc.nat(32) }) },
);

const byPair = (a: readonly [number, number], b: readonly [number, number]): number => a[0] - b[0] || a[1] - b[1];

describe("SizeTreap", () => {
  it("agrees with a sorted-array model on random inserts, removals and searches, and keeps its shape valid", () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 400 }), fc.boolean(), (commands, refuseRepeats) => {
        // A small first pool, so that it doubles while nodes are released and reused.
        const treap = new SizeTreap(refuseRepeats, 2);
        const model: Array<[number, number]> = [];
        for (const c of commands) {
          if (c.kind === "insert") {
            if (model.some(([size, addr]) => size === c.size && addr === c.addr)) continue;
            treap.insert(c.size, c.addr);
            model.push([c.size, c.addr]);
            model.sort(byPair);
          } else if (c.kind === "remove") {
            if (model.length === 0) continue;
            const [[size, addr]] = model.splice(c.pick % model.length, 1) as [[number, number]];
            treap.remove(size, addr);
          } else {
            expect(treap.lowestFit(c.size)).toBe(model.find(([size]) => size >= c.size)?.[1] ?? 0);
          }
          expect(treap.size).toBe(model.length);
        }
        expect(treap.validate()).toBeUndefined();
        expect(treap.entries()).toEqual(model);
        for (const [size, addr] of model) expect(treap.has(size, addr)).toBe(true);
        expect(treap.has(31, 61)).toBe(false);
      }),
      { seed: 20_261_127, numRuns: 300 },
    );
  });

  it("answers the lowest address among equal sizes, and 0 when no size reaches the request", () => {
    const treap = new SizeTreap(true);
    for (const addr of [0x3000, 0x1000, 0x2000]) treap.insert(40_000, addr);
    treap.insert(50_000, 0x500);
    expect(treap.lowestFit(1)).toBe(0x1000);
    expect(treap.lowestFit(40_000)).toBe(0x1000);
    expect(treap.lowestFit(40_001)).toBe(0x500);
    expect(treap.lowestFit(50_001)).toBe(0);
    treap.remove(40_000, 0x1000);
    expect(treap.lowestFit(40_000)).toBe(0x2000);
  });

  it("stays shallow on sorted inserts, as a treap of 10 000 nodes should (depth well under 100)", () => {
    const treap = new SizeTreap(false);
    for (let i = 0; i < 10_000; i++) treap.insert(32_768 + 8 * i, 0x10_000 + 64 * i);
    expect(treap.validate()).toBeUndefined();
    // Every search of a present size walks at most the depth: count steps through has() on a spy of kids.
    const kids = (treap as unknown as { kids: Int32Array }).kids;
    const depth = (node: number): number => (node === 0 ? 0 : 1 + Math.max(depth(kids[2 * node]!), depth(kids[2 * node + 1]!)));
    expect(depth(kids[1]!)).toBeLessThan(100);
    for (let i = 0; i < 10_000; i += 2) treap.remove(32_768 + 8 * i, 0x10_000 + 64 * i);
    expect(treap.size).toBe(5_000);
    expect(treap.validate()).toBeUndefined();
    expect(treap.lowestFit(32_768)).toBe(0x10_000 + 64);
  });

  it("refuses a removal of a pair it does not hold, and a repeated insert when asked to, changing nothing", () => {
    const treap = new SizeTreap(true);
    treap.insert(40_000, 0x1000);
    treap.insert(48_000, 0x2000);
    expect(() => treap.remove(40_000, 0x2000)).toThrow(InvariantError);
    expect(() => treap.remove(48_000, 0x1000)).toThrow(InvariantError);
    expect(() => treap.insert(40_000, 0x1000)).toThrow(InvariantError);
    expect(treap.entries()).toEqual([
      [40_000, 0x1000],
      [48_000, 0x2000],
    ]);
    expect(treap.validate()).toBeUndefined();
  });

  it("without the repeat check, leaves a repeated insert for validate to report", () => {
    const treap = new SizeTreap(false);
    treap.insert(40_000, 0x1000);
    treap.insert(40_000, 0x1000);
    expect(treap.validate()).toMatch(/out of order/);
  });
});
