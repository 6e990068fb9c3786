import { InvariantError } from "@osmem/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AddrMap } from "./addr-map.js";

const addrArb = fc.oneof(
  fc.nat(512).map((n) => 0x5555_5555_9000 + n * 8),
  fc.nat(64).map((n) => n * 2 ** 32 + 8),
  fc.nat(64).map((n) => n * 2 ** 29),
);

describe("AddrMap", () => {
  it("agrees with a Map on random adds and deletes, through growth", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), addrArb), { maxLength: 600 }), (commands) => {
        const map = new AddrMap(4);
        const model = new Map<number, number>();
        let value = 1;
        for (const [add, addr] of commands) {
          if (add && !model.has(addr)) {
            map.add(addr, value);
            model.set(addr, value++);
          } else if (model.has(addr)) {
            expect(map.delete(addr)).toBe(model.get(addr));
            model.delete(addr);
          }
          expect(map.get(addr)).toBe(model.get(addr) ?? 0);
        }
        expect(map.size).toBe(model.size);
        for (const [addr, v] of model) expect(map.get(addr)).toBe(v);
      }),
      { seed: 20_261_202, numRuns: 300 },
    );
  });

  it("throws an InvariantError for a duplicate add or an absent delete", () => {
    const map = new AddrMap();
    map.add(0x1000, 1);
    expect(() => map.add(0x1000, 2)).toThrow(InvariantError);
    expect(() => map.delete(0x2000)).toThrow(InvariantError);
    expect(map.get(0x1000)).toBe(1);
  });
});
