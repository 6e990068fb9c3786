// Loading and grading: points and order from points.tsv, usage errors for bad input, and the
// verdict rules (identical trace, no problems, leaks only in strict mode).
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scratchDir } from "./scratch.js";
import { BUNDLED_REFS_DIR, checkRef, findRefs, loadPoints, loadRefs, refName, UsageError } from "../src/check.js";
import { formatTraceLine } from "../src/ref-format.js";
import { FakeBackend, fakeDriver } from "./fakes.js";

const EXIT = "+++ exited (status 0) +++\n";
const line = (name: string, args: string[], result: string, depth = 0): string =>
  `${formatTraceLine({ depth, name, args, result })}\n`;

const scratch = scratchDir("osmem-check-");

/** A temp dir holding `files` (name -> contents). */
function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, "case-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const fake = { createBackend: () => new FakeBackend(), driver: fakeDriver(), checkLevel: 2 as const };
const malloc8 = line("os_malloc", ["8"], "HeapStart + 0x20") + line("brk", ["0"], "HeapStart + 0x0", 1) +
  line("brk", ["HeapStart + 0x20000"], "HeapStart + 0x20000", 1);

describe("loading", () => {
  it("reads the bundled points: 40 tests, 90 points", () => {
    const points = loadPoints(BUNDLED_REFS_DIR);
    expect(points.size).toBe(40);
    expect([...points.values()].reduce((a, b) => a + b, 0)).toBe(90);
    expect(points.get("test-all")).toBe(5);
  });

  it("lists a directory in points.tsv order, then unlisted files by name", () => {
    const dir = tempDir({ "points.tsv": "test\tpoints\nb\t2\na\t1\n", "a.ref": EXIT, "b.ref": EXIT, "c.ref": EXIT, "x.txt": "" });
    expect(findRefs([dir]).map(refName)).toEqual(["b", "a", "c"]);
    expect(loadRefs([dir]).map((ref) => ref.points)).toEqual([2, 1, 0]);
    expect(findRefs().map(refName).slice(0, 2)).toEqual(["test-malloc-no-preallocate", "test-malloc-preallocate"]);
  });

  it("refuses missing files and malformed references with a UsageError", () => {
    expect(() => loadRefs(["/nonexistent/x.ref"])).toThrow(UsageError);
    const dir = tempDir({ "bad.ref": "hello\n", "dangling.ref": line("os_free", ["HeapStart + 0x20"], "<void>") + EXIT });
    expect(() => loadRefs([join(dir, "bad.ref")])).toThrow(/bad.ref is not a reference trace: bad:1: not a trace line/);
    expect(() => loadRefs([join(dir, "dangling.ref")])).toThrow(/is not the result of an earlier call/);
  });
});

describe("checkRef", () => {
  it("passes an identical trace, with an empty diff", () => {
    const [ref] = loadRefs([join(tempDir({ "ok.ref": malloc8 + line("os_free", ["HeapStart + 0x20"], "<void>") + EXIT }), "ok.ref")]);
    expect(ref && checkRef(ref, fake)).toEqual({ name: "ok", passed: true, points: 0, diff: "", leaks: [] });
  });

  it("fails a different trace and shows a unified diff", () => {
    const dir = tempDir({ "off.ref": malloc8.replace("= HeapStart + 0x20\n", "= HeapStart + 0x40\n") + EXIT });
    const [ref] = loadRefs([join(dir, "off.ref")]);
    const result = ref && checkRef(ref, fake);
    expect(result?.passed).toBe(false);
    expect(result?.diff).toContain("-os_malloc (['8'])");
    expect(result?.diff).toMatch(/\n\+os_malloc \(\['8'\]\) {2,}= HeapStart \+ 0x20\n/);
  });

  it("fails a leak only in strict mode", () => {
    const [ref] = loadRefs([join(tempDir({ "leak.ref": malloc8 + EXIT }), "leak.ref")]);
    if (ref === undefined) throw new Error("no ref");
    const relaxed = checkRef(ref, fake);
    expect(relaxed.passed).toBe(true);
    expect(relaxed.leaks).toEqual([{ addr: "HeapStart + 0x20", sizeBytes: 8, status: "alloc" }]);
    expect(checkRef(ref, { ...fake, strict: true }).passed).toBe(false);
  });

  it("fails on a content violation even when the trace is identical", () => {
    const text = malloc8 + line("os_realloc", ["HeapStart + 0x20", "16"], "HeapStart + 0x48") +
      line("os_free", ["HeapStart + 0x48"], "<void>") + EXIT;
    const [ref] = loadRefs([join(tempDir({ "lossy.ref": text }), "lossy.ref")]);
    if (ref === undefined) throw new Error("no ref");
    const result = checkRef(ref, { ...fake, driver: fakeDriver("realloc-loses-bytes") });
    expect(result.diff).toBe("");
    expect(result.passed).toBe(false);
    expect(result.error).toMatch(/^op #1 \(line 4\) os_realloc .*the 8 bytes realloc must preserve at HeapStart \+ 0x48 changed/);
  });
});

describe("firstDifferingLine", () => {
  it("names the first line that differs, 1-based", async () => {
    const { firstDifferingLine } = await import("../src/check.js");
    expect(firstDifferingLine("a\nb\nc\n", "a\nx\nc\n")).toBe(2);
    expect(firstDifferingLine("a\nb\n", "a\nb\nc\n")).toBe(3);
    expect(firstDifferingLine("z\n", "a\n")).toBe(1);
  });
});
