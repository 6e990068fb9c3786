import { InvariantError } from "@osmem/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NIL, TreapForest, type TreapEntry } from "./treap-forest.js";

const TREES = 3;

type Command =
  | { readonly kind: "insert"; readonly tree: number; readonly key: number; readonly tie: number; readonly weight: number }
  | { readonly kind: "remove"; readonly tree: number; readonly pick: number }
  | { readonly kind: "query"; readonly tree: number; readonly key: number; readonly weight: number };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("insert" as const), tree: fc.nat(TREES - 1), key: fc.nat(40), tie: fc.nat(40), weight: fc.nat(100) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("remove" as const), tree: fc.nat(TREES - 1), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("query" as const), tree: fc.nat(TREES - 1), key: fc.nat(42), weight: fc.nat(110) }) },
);

const order = (a: TreapEntry, b: TreapEntry): number => a.key - b.key || a.tie - b.tie;
const entryOf = (t: TreapForest, node: number): TreapEntry | undefined =>
  node === NIL ? undefined : { key: t.keyOf(node), tie: t.tieOf(node), weight: t.weightOf(node) };

describe("TreapForest", () => {
  it("agrees with a sorted-array model on random inserts, removals and queries", () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 300 }), (commands) => {
        const forest = new TreapForest(TREES, 4);
        const model: TreapEntry[][] = Array.from({ length: TREES }, () => []);
        for (const c of commands) {
          const entries = model[c.tree]!;
          if (c.kind === "insert") {
            if (entries.some((e) => e.key === c.key && e.tie === c.tie)) continue;
            forest.insert(c.tree, c.key, c.tie, c.weight);
            entries.push({ key: c.key, tie: c.tie, weight: c.weight });
            entries.sort(order);
          } else if (c.kind === "remove") {
            if (entries.length === 0) continue;
            const [gone] = entries.splice(c.pick % entries.length, 1);
            forest.remove(c.tree, gone!.key, gone!.tie, gone!.weight);
          } else {
            expect(entryOf(forest, forest.lowerBound(c.tree, c.key, 0))).toEqual(entries.find((e) => e.key >= c.key));
            expect(entryOf(forest, forest.firstFit(c.tree, c.weight))).toEqual(entries.find((e) => e.weight >= c.weight));
            expect(entryOf(forest, forest.firstFitFrom(c.tree, c.key, c.weight))).toEqual(entries.find((e) => e.key >= c.key && e.weight >= c.weight));
            expect(entryOf(forest, forest.last(c.tree))).toEqual(entries.at(-1));
          }
          expect(forest.validate(c.tree)).toBeUndefined();
        }
        for (let tree = 0; tree < TREES; tree++) {
          expect(forest.entries(tree)).toEqual(model[tree]);
          expect(forest.count(tree)).toBe(model[tree]!.length);
          expect(forest.isEmpty(tree)).toBe(model[tree]!.length === 0);
        }
      }),
      { seed: 20_261_201, numRuns: 300 },
    );
  });

  it("keeps equal keys apart by their tie, in tie order", () => {
    const forest = new TreapForest(1);
    for (const tie of [0x3000, 0x1000, 0x2000]) forest.insert(0, 64, tie, 64);
    expect(forest.tieOf(forest.lowerBound(0, 64, 0))).toBe(0x1000);
    expect(forest.tieOf(forest.lowerBound(0, 64, 0x1001))).toBe(0x2000);
    forest.remove(0, 64, 0x1000, 64);
    expect(forest.tieOf(forest.lowerBound(0, 64, 0))).toBe(0x2000);
  });

  it("handles keys beyond 32 bits exactly", () => {
    const forest = new TreapForest(1);
    const high = 2 ** 52 + 8;
    forest.insert(0, high, 0, 8);
    forest.insert(0, high - 8, 0, 16);
    expect(forest.keyOf(forest.firstFit(0, 8))).toBe(high - 8);
    expect(forest.keyOf(forest.firstFitFrom(0, high, 8))).toBe(high);
  });

  it("stays balanced on sorted insertions", () => {
    const forest = new TreapForest(1, 4);
    for (let i = 0; i < 100_000; i++) forest.insert(0, i * 8, 0, 8);
    expect(forest.count(0)).toBe(100_000);
    expect(forest.keyOf(forest.firstFitFrom(0, 400_000, 8))).toBe(400_000);
    for (let i = 0; i < 100_000; i += 2) forest.remove(0, i * 8, 0, 8);
    expect(forest.validate(0)).toBeUndefined();
  });

  it("throws an InvariantError on an inconsistent removal or insertion, and stays intact", () => {
    const forest = new TreapForest(2);
    forest.insert(0, 0x1000, 0, 64);
    expect(() => forest.remove(0, 0x2000, 0, 64)).toThrow(InvariantError);
    expect(() => forest.remove(1, 0x1000, 0, 64)).toThrow(InvariantError);
    expect(() => forest.remove(0, 0x1000, 0, 72)).toThrow(InvariantError);
    expect(() => forest.insert(0, 0x1000, 0, 64)).toThrow(InvariantError);
    expect(forest.validate(0)).toBeUndefined();
    expect(forest.entries(0)).toEqual([{ key: 0x1000, tie: 0, weight: 64 }]);
    forest.remove(0, 0x1000, 0, 64);
    expect(forest.isEmpty(0)).toBe(true);
  });
});
