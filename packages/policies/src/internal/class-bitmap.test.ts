import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClassBitmap, floorLog2 } from "./class-bitmap.js";

describe("ClassBitmap", () => {
  it("finds the next set class like a scan of a Set", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.array(fc.tuple(fc.boolean(), fc.nat(1999)), { maxLength: 200 }), fc.array(fc.nat(2100), { maxLength: 20 }), (count, commands, queries) => {
        const bitmap = new ClassBitmap(count);
        const model = new Set<number>();
        for (const [on, raw] of commands) {
          const index = raw % count;
          if (on) {
            bitmap.set(index);
            model.add(index);
          } else {
            bitmap.clear(index);
            model.delete(index);
          }
        }
        for (const from of queries) {
          let expected = -1;
          for (let i = from; i < count; i++) if (model.has(i)) { expected = i; break; }
          expect(bitmap.nextSetFrom(from)).toBe(expected);
          if (from < count) expect(bitmap.has(from)).toBe(model.has(from));
        }
      }),
      { seed: 20_261_203, numRuns: 300 },
    );
  });
});

describe("floorLog2", () => {
  it("is exact up to 2^53", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2n ** 53n - 1n }), (n) => {
        expect(floorLog2(Number(n))).toBe(n.toString(2).length - 1);
      }),
      { seed: 20_261_204, numRuns: 500 },
    );
    for (let k = 0; k < 53; k++) {
      expect(floorLog2(2 ** k)).toBe(k);
      if (k > 0) expect(floorLog2(2 ** k - 1)).toBe(k - 1);
    }
  });
});
