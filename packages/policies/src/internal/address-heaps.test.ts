import { InvariantError } from "@osmem/core";
import type { Addr } from "@osmem/syscalls";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AddressHeaps } from "./address-heaps.js";
import { tagOnlyView } from "./tag-view.js";

/** More than two bitmap words, so searches cross words. */
const BINS = 80;
const BASE = 0x5555_5555_0000;
const addrOf = (slot: number): number => BASE + slot * 8;

type Command =
  | { readonly kind: "insert"; readonly slot: number; readonly bin: number; readonly staleTag: number }
  | { readonly kind: "remove"; readonly slot: number; readonly wrongBin: number | null }
  | { readonly kind: "query"; readonly from: number };

// Few bins and many addresses, so heaps get several levels deep; stale tags are often valid slots.
const binArb = fc.oneof(fc.nat(3), fc.nat(BINS - 1));
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("insert" as const), slot: fc.nat(299), bin: binArb, staleTag: fc.oneof(fc.nat(40), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("remove" as const), slot: fc.nat(299), wrongBin: fc.option(binArb, { freq: 8, nil: null }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("query" as const), from: fc.nat(BINS + 2) }) },
);

/** What {@link AddressHeaps.lowestFrom} must answer: the lowest address of the first non-empty bin at or after `from`. */
function expectedLowest(model: ReadonlyMap<number, number>, from: number): number {
  let bestBin = Number.POSITIVE_INFINITY;
  let best = 0;
  for (const [addr, bin] of model) {
    if (bin < from) continue;
    if (bin < bestBin || (bin === bestBin && addr < best)) {
      bestBin = bin;
      best = addr;
    }
  }
  return best;
}

describe("AddressHeaps", () => {
  it("agrees with a map model on random inserts, removals and searches, tags included", () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 500, size: "max" }), (commands) => {
        const view = tagOnlyView();
        const heaps = new AddressHeaps(view, BINS);
        const model = new Map<number, number>();
        for (const c of commands) {
          if (c.kind === "query") {
            expect(heaps.lowestFrom(c.from)).toBe(expectedLowest(model, c.from));
            continue;
          }
          const addr = addrOf(c.slot);
          const bin = model.get(addr);
          if (c.kind === "insert") {
            if (bin !== undefined) {
              if (bin === c.bin) expect(() => heaps.insert(c.bin, addr)).toThrow(InvariantError);
              continue;
            }
            // Whatever the payload held before the block became free.
            view.setFreeTag(addr as Addr, c.staleTag);
            heaps.insert(c.bin, addr);
            model.set(addr, c.bin);
          } else if (bin === undefined) {
            expect(() => heaps.remove(c.wrongBin ?? 0, addr)).toThrow(InvariantError);
          } else if (c.wrongBin !== null && c.wrongBin !== bin) {
            expect(() => heaps.remove(c.wrongBin!, addr)).toThrow(InvariantError);
          } else {
            heaps.remove(bin, addr);
            model.delete(addr);
          }
          expect(heaps.validate()).toBeUndefined();
        }
        expect(heaps.size).toBe(model.size);
        for (let bin = 0; bin < BINS; bin++) expect(heaps.count(bin)).toBe([...model.values()].filter((b) => b === bin).length);
      }),
      { seed: 20_261_250, numRuns: 300 },
    );
  });

  it("keeps the lowest address on top through growth, in ascending, descending and mixed order", () => {
    for (const order of [(i: number) => i, (i: number) => 999 - i, (i: number) => (i * 7919) % 1000]) {
      const heaps = new AddressHeaps(tagOnlyView(), BINS);
      for (let i = 0; i < 1000; i++) heaps.insert(5, addrOf(order(i)));
      expect(heaps.validate()).toBeUndefined();
      expect(heaps.lowestFrom(0)).toBe(addrOf(0));
      for (let i = 0; i < 1000; i++) {
        expect(heaps.lowestFrom(5)).toBe(addrOf(i));
        heaps.remove(5, addrOf(i));
      }
      expect(heaps.lowestFrom(0)).toBe(0);
      expect(heaps.validate()).toBeUndefined();
    }
  });

  it("rejects a forged tag, a second insert and an absent block, and stays intact", () => {
    const view = tagOnlyView();
    const heaps = new AddressHeaps(view, BINS);
    const [a, b, c] = [addrOf(1), addrOf(2), addrOf(3)];
    heaps.insert(7, a);
    heaps.insert(7, b);
    expect(() => heaps.insert(7, a)).toThrow(InvariantError);
    // `c` was never inserted, though its tag names a live slot.
    view.setFreeTag(c as Addr, view.freeTag(b as Addr));
    expect(() => heaps.remove(7, c)).toThrow(InvariantError);
    // `a` is tagged with `b`'s slot: the slot does not hold `a`, so nothing is removed.
    view.setFreeTag(a as Addr, view.freeTag(b as Addr));
    expect(() => heaps.remove(7, a)).toThrow(InvariantError);
    expect(() => heaps.remove(7, addrOf(9))).toThrow(InvariantError);
    expect(heaps.count(7)).toBe(2);
    expect(heaps.lowestFrom(0)).toBe(a);
    heaps.remove(7, b);
    expect(heaps.lowestFrom(0)).toBe(a);
  });

  it("checks for a second insert unless the view's check level is 0", () => {
    for (const level of [undefined, 1, 2] as const) {
      const heaps = new AddressHeaps(tagOnlyView(level), BINS);
      heaps.insert(3, addrOf(1));
      expect(() => heaps.insert(3, addrOf(1)), `level ${String(level)}`).toThrow(InvariantError);
      expect(heaps.count(3)).toBe(1);
    }
    // At level 0 the core's own guarantees stand in for the check (see BlockView.checkLevel).
    const heaps = new AddressHeaps(tagOnlyView(0), BINS);
    heaps.insert(3, addrOf(1));
    heaps.insert(3, addrOf(1));
    expect(heaps.count(3)).toBe(2);
  });
});
