import type { Addr } from "@osmem/syscalls";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tlsf, tlsfClassOf, tlsfSearchClassOf } from "./tlsf.js";
import { tagOnlyView } from "./internal/tag-view.js";

const unitsArb = fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 2 ** 50 - 1 }));

describe("tlsf classes", () => {
  it("are monotonic, and every block of the search class or above holds the request", () => {
    fc.assert(
      fc.property(unitsArb, unitsArb, (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(tlsfClassOf(low)).toBeLessThanOrEqual(tlsfClassOf(high));
        if (tlsfClassOf(b) >= tlsfSearchClassOf(a)) expect(b).toBeGreaterThanOrEqual(a);
        expect(tlsfSearchClassOf(a)).toBeLessThanOrEqual(tlsfClassOf(a) + 1);
      }),
      { seed: 20_261_220, numRuns: 1000 },
    );
    expect([1, 31, 32, 63, 64, 65, 66].map(tlsfClassOf)).toEqual([1, 31, 32, 63, 64, 64, 65]);
  });
});

describe("tlsf", () => {
  it("takes the newest block of the lowest class that surely fits", () => {
    const s = tlsf.bind(tagOnlyView());
    s.insertFree(0x1000 as Addr, 96, "freed");
    s.insertFree(0x2000 as Addr, 96, "freed");
    s.insertFree(0x3000 as Addr, 4096, "freed");
    expect(s.findFit(96)).toBe(0x2000);
    expect(s.findFit(88)).toBe(0x2000);
    expect(s.findFit(104)).toBe(0x3000);
  });

  it("falls back to the request's own class only when no larger class has a block", () => {
    const s = tlsf.bind(tagOnlyView());
    s.insertFree(0x1000 as Addr, 520, "freed");
    expect(s.findFit(520)).toBe(0x1000);
    s.insertFree(0x2000 as Addr, 536, "freed");
    expect(s.findFit(520)).toBe(0x2000);
    s.removeFree(0x2000 as Addr, 536, "allocated");
    s.removeFree(0x1000 as Addr, 520, "allocated");
    s.insertFree(0x1000 as Addr, 512, "freed");
    expect(s.findFit(520)).toBe(0);
    expect(tlsf.coalescing).toBe("immediate");
  });
});
