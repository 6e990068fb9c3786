// The replayer against a fake heap that breaks one promise at a time: each broken promise must be
// caught with a message naming the op, its line and the address; crashes become failures, not throws.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createSimBackend } from "@osmem/backend-sim";
import { bestFit } from "@osmem/policies";
import type { Memory, SyscallBackend } from "@osmem/syscalls";
import { describe, expect, it } from "vitest";
import { BUNDLED_REFS_DIR } from "../src/check.js";
import { formatTraceLine, parseRef } from "../src/ref-format.js";
import type { RefProgram } from "../src/ref-format.js";
import { describeProblems, replayProgram } from "../src/replay.js";
import { FakeBackend, fakeDriver } from "./fakes.js";
import type { Sabotage } from "./fakes.js";

/** Builds a program from `[call, args, expected result]` triples. */
const program = (...lines: [string, string[], string][]): RefProgram =>
  parseRef(
    `${lines.map(([name, args, result]) => formatTraceLine({ depth: 0, name, args, result })).join("\n")}\n+++ exited (status 0) +++\n`,
    "fake",
  );

const replay = (p: RefProgram, sabotage: Sabotage = "none", options: { reuseMappings?: boolean } = {}) =>
  replayProgram(p, { backend: new FakeBackend(options), policy: bestFit, checkLevel: 2, driver: fakeDriver(sabotage) });

const grow = program(
  ["os_malloc", ["100"], "HeapStart + 0x20"],
  ["os_realloc", ["HeapStart + 0x20", "200"], "HeapStart + 0xa0"],
  ["os_free", ["HeapStart + 0xa0"], "<void>"],
);

describe("replayProgram", () => {
  it("runs a well-behaved heap without problems and formats its trace", () => {
    const result = replay(grow);
    expect(describeProblems(result)).toEqual([]);
    expect(result.leaks).toEqual([]);
    expect(result.calls.map((c) => c.kind)).toEqual(["malloc", "realloc", "free"]);
    expect(result.text.split("\n")[0]).toMatch(/^os_malloc \(\['100'\]\) += HeapStart \+ 0x20$/);
    expect(result.text.endsWith("+++ exited (status 0) +++\n")).toBe(true);
  });

  it("passes our actual result where the reference names its expected one", () => {
    // The reference expected other addresses; the fake returns its own, and free must get the fake's.
    const p = program(["os_malloc", ["16"], "HeapStart + 0x1000"], ["os_free", ["HeapStart + 0x1000"], "<void>"]);
    const result = replay(p);
    expect(result.calls[1]?.args).toEqual([result.calls[0]?.result]);
    expect(result.text).toContain("os_free (['HeapStart + 0x20'])");
  });

  it("catches a realloc that loses the payload's bytes", () => {
    const result = replay(grow, "realloc-loses-bytes");
    const problems = describeProblems(result);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^op #1 \(line 2\) os_realloc \(\['HeapStart \+ 0x20', '200'\]\): the 100 bytes realloc must preserve at HeapStart \+ 0xa8 changed: byte \+0x0 is 0x00, expected 0x11/,
    );
  });

  it("catches a calloc that does not zero", () => {
    const result = replay(program(["os_calloc", ["10", "10"], "HeapStart + 0x20"], ["os_free", ["HeapStart + 0x20"], "<void>"]), "calloc-dirty");
    expect(describeProblems(result)[0]).toMatch(/^op #0 \(line 1\) os_calloc .*: calloc payload at HeapStart \+ 0x20 is not zeroed: byte \+0x0 is 0xaa/);
  });

  it("catches two payloads that overlap, and the damage one does to the other", () => {
    const p = program(
      ["os_malloc", ["64"], "HeapStart + 0x20"],
      ["os_malloc", ["64"], "HeapStart + 0x80"],
      ["os_free", ["HeapStart + 0x20"], "<void>"],
    );
    const problems = describeProblems(replay(p, "overlap"));
    expect(problems[0]).toMatch(/^op #1 .*: returned HeapStart \+ 0x20 \(64 bytes\), which overlaps the payload HeapStart \+ 0x20 \(64 bytes\) still held from op #0/);
  });

  it("turns an allocator error into a failure that ends the trace like strace", () => {
    const p = program(["os_malloc", ["8"], "HeapStart + 0x20"], ["os_free", ["HeapStart + 0x20"], "<void>"]);
    const result = replay(p, "throws-invariant");
    expect(result.failure).toMatchObject({ opIndex: 1, lineNumber: 2, errorName: "InvariantError", signal: "SIGABRT" });
    expect(describeProblems(result)).toEqual([
      "op #1 (line 2) os_free (['HeapStart + 0x20']): InvariantError: free list is corrupt",
    ]);
    expect(result.text.endsWith("= ?\n+++ killed by SIGABRT +++\n")).toBe(true);
  });

  it("reports a segmentation fault as SIGSEGV", () => {
    expect(replay(grow, "segfaults").failure).toMatchObject({ errorName: "SegmentationFault", signal: "SIGSEGV" });
  });

  it("stops at the first heap-check problem and lists it", () => {
    const problems = [{ code: "adjacent-free", addr: 0, message: "two free neighbours" }];
    const result = replayProgram(grow, { backend: new FakeBackend(), checkLevel: 2, driver: fakeDriver("none", problems) });
    expect(result.calls).toHaveLength(1);
    expect(result.failure?.message).toBe("adjacent-free at 0: two free neighbours");
    expect(replayProgram(grow, { backend: new FakeBackend(), checkLevel: 1, driver: fakeDriver("none", problems) }).failure).toBeUndefined();
  });

  it("reports leaks with relative addresses, heap and mapped", () => {
    const p = program(
      ["os_malloc", ["100"], "HeapStart + 0x20"],
      ["os_malloc", ["200000"], "<mapped-addr1> + 0x20"],
      ["os_malloc", ["8"], "HeapStart + 0xa0"],
      ["os_free", ["HeapStart + 0xa0"], "<void>"],
    );
    expect(replay(p).leaks).toEqual([
      { addr: "HeapStart + 0x20", sizeBytes: 104, status: "alloc" },
      { addr: "<mapped-addr1> + 0x20", sizeBytes: 200000, status: "mapped" },
    ]);
  });

  it("numbers a mapping that reuses an unmapped address as a new one", () => {
    const p = program(
      ["os_malloc", ["200000"], "<mapped-addr1> + 0x20"],
      ["os_free", ["<mapped-addr1> + 0x20"], "<void>"],
      ["os_malloc", ["200000"], "<mapped-addr2> + 0x20"],
    );
    const result = replay(p, "none", { reuseMappings: true });
    expect(result.calls[0]?.result).toBe(result.calls[2]?.result);
    expect(result.leaks).toEqual([{ addr: "<mapped-addr2> + 0x20", sizeBytes: 200000, status: "mapped" }]);
    expect(result.text).toContain("= <mapped-addr2> + 0x20\n");
  });
});

/** Forwards everything to `inner`, methods bound to their owner, except what `overrides` replaces. */
function overriding<T extends object>(inner: T, overrides: Partial<T>): T {
  return new Proxy(inner, {
    get(target, key) {
      if (Object.prototype.hasOwnProperty.call(overrides, key)) return Reflect.get(overrides, key);
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
    set: (target, key, value) => Reflect.set(target, key, value),
  });
}

/** backend-sim whose memory ignores `copy` and `fill`: the real core then loses bytes and leaves dirt. */
function brokenSim(): SyscallBackend {
  const sim = createSimBackend();
  const memory = overriding<Memory>(sim.memory, { copy: () => {}, fill: () => {} });
  return overriding<SyscallBackend>(sim, { memory });
}

describe("replayProgram with the real core on a broken backend", () => {
  const bundled = (name: string): RefProgram =>
    parseRef(readFileSync(join(BUNDLED_REFS_DIR, `${name}.ref`), "utf8"), name);

  it("reports the bytes a moving realloc failed to copy", () => {
    const problems = describeProblems(replayProgram(bundled("test-all"), { backend: brokenSim(), checkLevel: 2 }));
    expect(problems.some((p) => / os_realloc \(.*: the \d+ bytes realloc must preserve at <mapped-addr\d+> \+ 0x20 changed/.test(p))).toBe(true);
  });

  it("reports a calloc that reuses a dirty block without zeroing it", () => {
    const problems = describeProblems(replayProgram(bundled("test-calloc-block-reuse"), { backend: brokenSim(), checkLevel: 2 }));
    expect(problems.some((p) => / os_calloc \(.*: calloc payload at HeapStart \+ 0x[0-9a-f]+ is not zeroed/.test(p))).toBe(true);
  });
});
