import type { FitPolicy } from "@osmem/core";
import type { Addr } from "@osmem/syscalls";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firstFit } from "./first-fit.js";
import { indexedBestFit } from "./indexed-best-fit.js";
import { nextFit } from "./next-fit.js";
import { segregatedClassOf, segregatedFit } from "./segregated-fit.js";
import { tlsf } from "./tlsf.js";
import { worstFit } from "./worst-fit.js";
import { tagOnlyView } from "./internal/tag-view.js";

interface Free {
  readonly addr: number;
  readonly sizeBytes: number;
}

/** What a policy must answer for a free set (sorted by address) and a request, or undefined when any fitting block will do. */
type Oracle = (free: readonly Free[], sizeBytes: number, rover: number) => number | undefined;

const fitting = (free: readonly Free[], sizeBytes: number) => free.filter((b) => b.sizeBytes >= sizeBytes);
const smallest = (blocks: readonly Free[]) => blocks.reduce<Free | undefined>((best, b) => (best === undefined || b.sizeBytes < best.sizeBytes ? b : best), undefined);
const largest = (blocks: readonly Free[]) => blocks.reduce<Free | undefined>((best, b) => (best === undefined || b.sizeBytes > best.sizeBytes ? b : best), undefined);

const ORACLES: ReadonlyArray<[string, Oracle | undefined, FitPolicy]> = [
  ["indexed-best-fit", (free, size) => smallest(fitting(free, size))?.addr ?? 0, indexedBestFit],
  ["first-fit", (free, size) => fitting(free, size)[0]?.addr ?? 0, firstFit],
  ["worst-fit", (free, size) => {
    const big = largest(free);
    return big !== undefined && big.sizeBytes >= size ? big.addr : 0;
  }, worstFit],
  ["next-fit", (free, size, rover) => {
    const fits = fitting(free, size);
    return (fits.find((b) => b.addr >= rover) ?? fits[0])?.addr ?? 0;
  }, nextFit],
  ["segregated-fit", (free, size) => {
    const own = segregatedClassOf(size);
    const inOwn = fitting(free, size).find((b) => segregatedClassOf(b.sizeBytes) === own);
    if (inOwn !== undefined) return inOwn.addr;
    const larger = free.filter((b) => segregatedClassOf(b.sizeBytes) > own);
    const next = Math.min(...larger.map((b) => segregatedClassOf(b.sizeBytes)));
    return larger.find((b) => segregatedClassOf(b.sizeBytes) === next)?.addr ?? 0;
  }, segregatedFit],
  ["tlsf", undefined, tlsf],
];

type Command = { readonly insert: true; readonly slot: number; readonly units: number } | { readonly insert: false; readonly slot: number } | { readonly find: number };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ insert: fc.constant(true as const), slot: fc.nat(63), units: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 5000 })) }),
  fc.record({ insert: fc.constant(false as const), slot: fc.nat(63) }),
  fc.record({ find: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 6000 })) }),
);

describe.each(ORACLES)("%s strategy alone", (_name, oracle, policy) => {
  it("answers from its own index, with a free block that fits, exactly as specified", () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 200 }), (commands) => {
        const free = new Map<number, number>();
        const strategy = policy.bind(tagOnlyView(undefined, free));
        let rover = 0;
        for (const c of commands) {
          if ("find" in c) {
            const sizeBytes = c.find * 8;
            const sorted = [...free].map(([addr, size]) => ({ addr, sizeBytes: size })).sort((a, b) => a.addr - b.addr);
            const got = strategy.findFit(sizeBytes);
            if (got !== 0) expect(free.get(got)).toBeGreaterThanOrEqual(sizeBytes);
            else if (policy !== tlsf) expect(fitting(sorted, sizeBytes)).toEqual([]);
            if (oracle !== undefined) expect(got).toBe(oracle(sorted, sizeBytes, rover));
            if (got !== 0) rover = got;
            continue;
          }
          const addr = (0x5555_5555_0000 + c.slot * 0x10000) as Addr;
          const present = free.get(addr);
          if (c.insert && present === undefined) {
            strategy.insertFree(addr, c.units * 8, "freed");
            free.set(addr, c.units * 8);
          } else if (present !== undefined) {
            strategy.removeFree(addr, present, "allocated");
            free.delete(addr);
          }
        }
      }),
      { seed: 20_261_240, numRuns: 300 },
    );
  });
});
