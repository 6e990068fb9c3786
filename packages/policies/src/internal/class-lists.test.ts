import { InvariantError } from "@osmem/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClassLists, NO_NODE } from "./class-lists.js";
import { tagOnlyView } from "./tag-view.js";

const CLASSES = 4;

/** Every list's blocks, front to back. */
function snapshot(lists: ClassLists): Array<Array<[number, number]>> {
  const out: Array<Array<[number, number]>> = [];
  for (let cls = 0; cls < CLASSES; cls++) {
    const list: Array<[number, number]> = [];
    for (let node = lists.head(cls); node !== NO_NODE; node = lists.next(node)) list.push([lists.addrOf(node), lists.sizeOf(node)]);
    out.push(list);
  }
  return out;
}

describe("ClassLists", () => {
  it("agrees with arrays used as LIFO lists", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(CLASSES - 1), fc.nat(300), fc.nat(64)), { maxLength: 400 }), (commands) => {
        const lists = new ClassLists(tagOnlyView(), CLASSES, 2);
        const model: Array<Array<[number, number]>> = Array.from({ length: CLASSES }, () => []);
        for (const [push, cls, slot, units] of commands) {
          const addr = 0x1000 + slot * 8;
          const where = model.findIndex((list) => list.some(([a]) => a === addr));
          if (push && where === -1) {
            lists.push(cls, addr, units * 8);
            model[cls]!.unshift([addr, units * 8]);
          } else if (where !== -1) {
            const list = model[where]!;
            const at = list.findIndex(([a]) => a === addr);
            const [[, sizeBytes]] = list.splice(at, 1) as [[number, number]];
            expect(lists.remove(addr, sizeBytes)).toBe(where);
          }
        }
        expect(snapshot(lists)).toEqual(model);
        expect(lists.size).toBe(model.flat().length);
      }),
      { seed: 20_261_205, numRuns: 300 },
    );
  });

  it("throws an InvariantError for an absent block, a wrong size or a second push", () => {
    const lists = new ClassLists(tagOnlyView(), CLASSES);
    lists.push(1, 0x1000, 64);
    expect(() => lists.push(2, 0x1000, 64)).toThrow(InvariantError);
    expect(() => lists.remove(0x2000, 64)).toThrow(InvariantError);
    expect(() => lists.remove(0x1000, 72)).toThrow(InvariantError);
  });

  it("checks for a second push unless the view's check level is 0", () => {
    for (const level of [undefined, 1, 2] as const) {
      const lists = new ClassLists(tagOnlyView(level), CLASSES);
      lists.push(1, 0x1000, 64);
      expect(() => lists.push(1, 0x1000, 64), `level ${String(level)}`).toThrow(InvariantError);
      expect(lists.size).toBe(1);
    }
    const lists = new ClassLists(tagOnlyView(0), CLASSES);
    lists.push(1, 0x1000, 64);
    lists.push(1, 0x1000, 64);
    expect(lists.size).toBe(2);
  });
});
