// Pointer arguments name the most recent earlier call whose expected result printed the same text.
import { describe, expect, it } from "vitest";
import { formatTraceLine, parseRef, RefParseError } from "../src/ref-format.js";
import { resolveArgs } from "../src/resolve-args.js";

const program = (...lines: [string, string[], string][]): ReturnType<typeof parseRef> =>
  parseRef(
    `${lines.map(([name, args, result]) => formatTraceLine({ depth: 0, name, args, result })).join("\n")}\n+++ exited (status 0) +++\n`,
    "t",
  );

describe("resolveArgs", () => {
  it("resolves sizes, NULL and earlier results", () => {
    const resolved = resolveArgs(
      program(
        ["os_malloc", ["10"], "HeapStart + 0x20"],
        ["os_realloc", ["HeapStart + 0x20", "20"], "HeapStart + 0x20"],
        ["os_realloc", ["0", "5"], "HeapStart + 0x40"],
        ["os_free", ["HeapStart + 0x20"], "<void>"],
      ),
    );
    expect(resolved[0]).toEqual([{ kind: "size", value: 10 }]);
    expect(resolved[1]).toEqual([{ kind: "result-of", opIndex: 0 }, { kind: "size", value: 20 }]);
    expect(resolved[2]).toEqual([{ kind: "null" }, { kind: "size", value: 5 }]);
    expect(resolved[3]).toEqual([{ kind: "result-of", opIndex: 1 }]);
  });

  it("takes the most recent call when an address is reused", () => {
    const resolved = resolveArgs(
      program(
        ["os_malloc", ["10"], "HeapStart + 0x20"],
        ["os_free", ["HeapStart + 0x20"], "<void>"],
        ["os_calloc", ["1", "10"], "HeapStart + 0x20"],
        ["os_free", ["HeapStart + 0x20"], "<void>"],
      ),
    );
    expect(resolved[1]).toEqual([{ kind: "result-of", opIndex: 0 }]);
    expect(resolved[3]).toEqual([{ kind: "result-of", opIndex: 2 }]);
  });

  it("rejects a pointer that no earlier call returned", () => {
    const bad = program(["os_free", ["HeapStart + 0x20"], "<void>"], ["os_malloc", ["10"], "HeapStart + 0x20"]);
    expect(() => resolveArgs(bad)).toThrow(RefParseError);
    expect(() => resolveArgs(bad)).toThrow(/t:1: pointer 'HeapStart \+ 0x20' is not the result of an earlier call/);
  });
});
