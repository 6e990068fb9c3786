import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseRef } from "@osmem/harness/browser";
import { CALLS_PER_CLOCK_CHECK, Machine, UnknownPolicyError } from "../src/model/machine.js";
import { Navigator } from "../src/model/navigator.js";
import { ProgramParseError, programFromRef, programFromRep, programFromText } from "../src/model/program.js";
import { buildTimeline, divergence, TimelineBuilder } from "../src/model/timeline.js";

const REFS = new URL("../../harness/refs/", import.meta.url);
const TRACES = new URL("../../harness/traces/", import.meta.url);
const refNames = readdirSync(REFS).filter((f) => f.endsWith(".ref")).map((f) => f.replace(/\.ref$/, ""));
const refText = (name: string): string => readFileSync(new URL(`${name}.ref`, REFS), "utf8");

describe("programs", () => {
  it("reads the editor language, with or without parentheses", () => {
    const program = programFromText("p = malloc 100\nq = calloc(10, 20)  # zeroed\np = realloc p 300\nfree p\nfree NULL\n// done");
    expect(program.ops.map((op) => [op.kind, op.sizes, op.ptrFrom])).toEqual([
      ["malloc", [100], -1],
      ["calloc", [10, 20], -1],
      ["realloc", [300], 0],
      ["free", [], 2],
      ["free", [], -1],
    ]);
  });

  it.each([
    ["p = mallocate 4", /line 1: unknown call/],
    ["p = malloc", /takes 1 argument/],
    ["free q", /'q' was never assigned/],
    ["p = malloc -4", /not a size/],
    ["x = free NULL", /returns nothing/],
    ["p q = malloc 4", /not a name/],
  ])("rejects %j with a line number", (text, message) => {
    expect(() => programFromText(text)).toThrow(ProgramParseError);
    expect(() => programFromText(text)).toThrow(message);
  });

  it("frees what the latest a/r of an id returned in a workload", () => {
    const program = programFromRep("0\n3\n5\n1\na 0 10\nr 0 20\nf 0\na 0 5\nf -1\n", "tiny");
    expect(program.ops.map((op) => [op.kind, op.ptrFrom])).toEqual([
      ["malloc", -1],
      ["realloc", 0],
      ["free", 1],
      ["malloc", -1],
      ["free", -1],
    ]);
  });
});

describe("the machine reproduces the reference traces", () => {
  it.each(refNames)("%s: every result and syscall as the reference prints it", (name) => {
    const ref = parseRef(refText(name), name);
    const timeline = buildTimeline(programFromRef(refText(name), name), "best-fit");
    ref.ops.forEach((op, i) => {
      const outcome = timeline.outcomes[i];
      expect(outcome?.resultText, `${name} op ${i}`).toBe(op.expected);
      const compact = op.syscalls.map((line) => `${line.name} (${JSON.stringify(line.args).replace(/"/g, "'").replace(/,/g, ", ")}) = ${line.result}`);
      expect(outcome?.syscalls, `${name} op ${i}`).toEqual(compact);
    });
  });

  it("indexed-best-fit never diverges from best-fit; first-fit does where best fit skips a bigger hole", () => {
    for (const name of refNames) {
      const program = programFromRef(refText(name), name);
      expect(divergence(buildTimeline(program, "best-fit"), buildTimeline(program, "indexed-best-fit")), name).toBe(-1);
    }
    const program = programFromText("a = malloc 100\nb = malloc 8\nc = malloc 40\nd = malloc 8\nfree a\nfree c\ne = malloc 40");
    expect(divergence(buildTimeline(program, "best-fit"), buildTimeline(program, "first-fit"))).toBe(6);
  });
});

describe("navigation", () => {
  const program = programFromRep(readFileSync(new URL("binary-bal.rep", TRACES), "latin1"), "binary-bal");

  it("a step backward shows exactly the state reached forward", () => {
    const forward = new Navigator(program, "tlsf");
    const states = [10, 500, 3000].map((step) => JSON.stringify(forward.goTo(step)));
    const back = new Navigator(program, "tlsf");
    back.goTo(program.ops.length);
    expect([3000, 500, 10].map((step) => JSON.stringify(back.goTo(step)))).toEqual(states.reverse());
  });

  it("stepping back one call at a time (served from the rewind cache) matches fresh replays", () => {
    const nav = new Navigator(program, "best-fit");
    nav.goTo(program.ops.length);
    for (let step = program.ops.length - 1; step >= program.ops.length - 12; step -= 1) {
      expect(JSON.stringify(nav.goTo(step)), `step ${step}`).toBe(JSON.stringify(new Navigator(program, "best-fit").goTo(step)));
    }
  });

  it("samples bytes requested ≤ in use ≤ taken from the OS, and ratios in 0..1", () => {
    const timeline = buildTimeline(program, "best-fit");
    expect(timeline.samples.length).toBeGreaterThan(100);
    for (const sample of timeline.samples) {
      expect(sample.requestedBytes).toBeLessThanOrEqual(sample.inUseBytes);
      expect(sample.inUseBytes).toBeLessThanOrEqual(sample.footprintBytes);
      expect(sample.utilization).toBeGreaterThanOrEqual(0);
      expect(sample.utilization).toBeLessThanOrEqual(1);
      expect(sample.externalFragmentation).toBeGreaterThanOrEqual(0);
      expect(sample.externalFragmentation).toBeLessThan(1);
    }
    expect(timeline.samples.at(-1)?.step).toBe(program.ops.length);
  });

  it("clamps steps and reports a valid heap at each sampled step", () => {
    const nav = new Navigator(program, "best-fit");
    expect(nav.goTo(-5).step).toBe(0);
    expect(nav.goTo(1e9).step).toBe(program.ops.length);
    for (let step = 0; step <= program.ops.length; step += 997) expect(nav.goTo(step).problems).toEqual([]);
  });

  it("a misuse is reported on its call and leaves the heap as it was", () => {
    const machine = new Machine(programFromText("p = malloc 10\nfree p\nfree p\nq = malloc 10"));
    machine.applyNext();
    machine.applyNext();
    expect(machine.applyNext().error).toMatch(/AllocatorMisuseError/);
    expect(machine.applyNext().resultText).toBe("HeapStart + 0x20");
  });

  it("counts adjacent free blocks (not yet coalesced) as one run in external fragmentation, as analyze does", () => {
    const nav = new Navigator(programFromText("a = malloc 100\nb = malloc 100\nc = malloc 100\nfree a\nfree b"), "best-fit");
    const picture = nav.goTo(5);
    expect(picture.blocks.map((b) => b.status)).toEqual(["free", "free", "alloc", "free"]);
    const run = 104 + 32 + 104;
    const tail = 131072 - 3 * (32 + 104) - 32;
    expect(picture.externalFragmentation).toBe(1 - tail / (tail + run));
  });

  it("a timeline built a slice at a time is the timeline built at once", () => {
    const builder = new TimelineBuilder(program, "best-fit");
    expect(() => builder.result()).toThrow(RangeError);
    let slices = 0;
    // A deadline already passed: every slice stops at its first look at the clock.
    while (!builder.runUntil(0)) {
      slices += 1;
      expect(builder.step).toBe(slices * CALLS_PER_CLOCK_CHECK);
    }
    expect(slices).toBe(Math.floor(program.ops.length / CALLS_PER_CLOCK_CHECK));
    expect(JSON.stringify(builder.result())).toBe(JSON.stringify(buildTimeline(program, "best-fit")));
    // Its heap at the end is the one a navigator reaches, and a navigator given it serves the end at once.
    const end = builder.finalPicture();
    expect(JSON.stringify(end)).toBe(JSON.stringify(new Navigator(program, "best-fit").goTo(program.ops.length)));
    const seeded = new Navigator(program, "best-fit", [end]);
    expect(seeded.goTo(program.ops.length)).toBe(end);
    expect(seeded.position, "served from the cache, no call replayed").toBe(0);
  });

  it("a move spread over slices arrives at the state a direct move reaches, forward and backward", () => {
    const direct = new Navigator(program, "best-fit");
    const sliced = new Navigator(program, "best-fit");
    for (const target of [5000, 4990, 200, 5200]) {
      let slices = 0;
      let picture = sliced.advance(target, 0);
      while (picture === undefined) {
        slices += 1;
        expect(sliced.position).toBeLessThan(target);
        picture = sliced.advance(target, 0);
      }
      expect(slices, `to ${target}`).toBeGreaterThan(0);
      expect(JSON.stringify(picture), `step ${target}`).toBe(JSON.stringify(direct.goTo(target)));
    }
    // A move superseded half-way, then a move elsewhere, still lands exactly.
    expect(sliced.advance(9000, 0)).toBeUndefined();
    expect(JSON.stringify(sliced.goTo(7000))).toBe(JSON.stringify(direct.goTo(7000)));
    // The steps just before a rewound target were pictured on the way (stepping back is then instant).
    sliced.goTo(program.ops.length);
    let rewind = sliced.advance(3000, 0);
    while (rewind === undefined) rewind = sliced.advance(3000, 0);
    const at = sliced.position;
    expect(JSON.stringify(sliced.goTo(2990))).toBe(JSON.stringify(direct.goTo(2990)));
    expect(sliced.position, "2990 came from the cache, not a replay").toBe(at);
  });

  it("rejects an unknown policy by name", () => {
    expect(() => new Machine(programFromText("p = malloc 1"), "no-such-fit")).toThrow(UnknownPolicyError);
  });
});
