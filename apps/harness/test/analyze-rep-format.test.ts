// The .rep parser on every variant real files use (CRLF, 2- and 4-line headers, blank lines, f -1,
// sizeless a/r lines) and on bad lines, which must fail with a typed error naming file and line.
// Also parses every trace in /work/shared/traces when that directory exists, and the bundled ones.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRep, RepOpKind, RepParseError } from "../src/analyze/rep-format.js";
import { BUNDLED_TRACES_DIR } from "../src/analyze-command.js";

const SHARED_TRACES = "/work/shared/traces";
const hasShared = existsSync(SHARED_TRACES);

const ops = (text: string) => {
  const t = parseRep(text, "t.rep");
  return Array.from({ length: t.opCount }, (_, i) => [t.kinds[i], t.ids[i], t.sizes[i], t.lines[i]]);
};

describe("parseRep", () => {
  it("reads the 4-line header with CRLF endings", () => {
    const trace = parseRep("20000\r\n2\r\n3\r\n1\r\na 0 512\r\nr 0 100\r\nf 0\r\n", "dir/x.rep");
    expect(trace.name).toBe("x");
    expect(trace.header).toEqual({ numbers: [20000, 2, 3, 1], suggestedHeapBytes: 20000, idCount: 2, opCount: 3, weight: 1 });
    expect(ops("20000\r\n2\r\n3\r\n1\r\na 0 512\r\nr 0 100\r\nf 0\r\n")).toEqual([
      [RepOpKind.Alloc, 0, 512, 5],
      [RepOpKind.Realloc, 0, 100, 6],
      [RepOpKind.Free, 0, 0, 7],
    ]);
    expect(trace.idLimit).toBe(1);
    expect(trace.maxSizeBytes).toBe(512);
  });

  it("reads the 2-line header and a file without a final newline", () => {
    const trace = parseRep("5\n2\na 4 8\nf 4", "y.rep");
    expect(trace.header).toEqual({ numbers: [5, 2], idCount: 5, opCount: 2 });
    expect(trace.opCount).toBe(2);
    expect(trace.idLimit).toBe(5);
  });

  it("treats f -1 as free(NULL) and skips blank lines", () => {
    expect(ops("1\n1\n2\n0\nf -1\n\n  \na 0 1\n")).toEqual([
      [RepOpKind.Free, -1, 0, 5],
      [RepOpKind.Alloc, 0, 1, 8],
    ]);
  });

  it("gives a sizeless a/r the previous request's size (alaska.rep)", () => {
    expect(ops("0\r\n3\r\n4\r\n0\r\na 2 16\r\na 1 \r\nr 0 40\r\nr 1\r\n").map((op) => op[2])).toEqual([16, 16, 40, 40]);
  });

  it.each([
    ["x 0 5", 5, /unknown op/],
    ["a", 5, /missing id/],
    ["a -1 5", 5, /bad id/],
    ["a zero 5", 5, /bad id/],
    ["a 0 -5", 5, /bad size/],
    ["a 0 5 6", 5, /extra fields/],
    ["f 0 7", 5, /extra fields/],
    ["a 0", 5, /missing size/],
    ["a 0 99999999999999999999", 5, /bad size/],
  ])("rejects %j with file:line", (line, lineNumber, reason) => {
    const text = `1\n1\n1\n1\n${line}\n`;
    let caught: unknown;
    try {
      parseRep(text, "bad.rep");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RepParseError);
    const error = caught as RepParseError;
    expect(error.file).toBe("bad.rep");
    expect(error.line).toBe(lineNumber);
    expect(error.message).toMatch(new RegExp(`^bad\\.rep:${lineNumber}: `));
    expect(error.message).toMatch(reason);
  });

  it("reports the right line after blank lines and ops", () => {
    expect(() => parseRep("2\n1\na 0 1\n\nf 0\nq\n", "c.rep")).toThrow("c.rep:6: unknown op");
  });

  it("parses every bundled trace", () => {
    const files = readdirSync(BUNDLED_TRACES_DIR).filter((name) => name.endsWith(".rep"));
    expect(files.length).toBeGreaterThanOrEqual(11);
    for (const name of files) {
      const trace = parseRep(readFileSync(join(BUNDLED_TRACES_DIR, name), "latin1"), name);
      expect(trace.opCount, name).toBeGreaterThan(0);
      expect(trace.header.numbers, name).toHaveLength(4);
    }
  });
});

describe.skipIf(!hasShared)(hasShared ? "the shared trace collection" : `the shared trace collection (skipped: ${SHARED_TRACES} does not exist)`, () => {
  it("parses all of them without error", () => {
    const files = readdirSync(SHARED_TRACES).filter((name) => name.endsWith(".rep"));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const text = readFileSync(join(SHARED_TRACES, name), "latin1");
      const trace = parseRep(text, name);
      const lines = text.split("\n").filter((line) => line.trim() !== "").length;
      expect(trace.opCount + trace.header.numbers.length, name).toBe(lines);
    }
  });
});
