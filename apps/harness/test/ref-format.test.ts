// The reference format: parsing, byte-exact printing (round trip over every bundled reference), and
// the relative address names of produced traces (heap, mappings numbered per mmap call).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sysFail, sysOk } from "@osmem/syscalls";
import type { SyscallEvent } from "@osmem/syscalls";
import { describe, expect, it } from "vitest";
import { BUNDLED_REFS_DIR } from "../src/check.js";
import {
  CALL_COLUMN_WIDTH,
  formatRefProgram,
  formatTrace,
  formatTraceLine,
  parsePythonList,
  parseRef,
  pythonListRepr,
  RefParseError,
} from "../src/ref-format.js";
import type { TraceCall } from "../src/ref-format.js";

const HEAP = 0x5555_5555_0000;
const MAP = 0x7fff_f000_0000;
const brk = (addr: number, result: number): SyscallEvent => ({ kind: "brk", addr, result: sysOk(result) });
const mmap = (lengthBytes: number, result: number): SyscallEvent => ({
  kind: "mmap", addr: 0, lengthBytes, prot: 3, flags: 0x22, fd: -1, offset: 0, result: sysOk(result),
});
const munmap = (addr: number, lengthBytes: number): SyscallEvent => ({ kind: "munmap", addr, lengthBytes, result: sysOk(0) });
const call = (kind: TraceCall["kind"], args: number[], result: number | undefined, events: SyscallEvent[] = []): TraceCall =>
  ({ kind, args, result, events });

describe("bundled references", () => {
  const files = readdirSync(BUNDLED_REFS_DIR).filter((f) => f.endsWith(".ref")).sort();

  it("are all there", () => {
    expect(files).toHaveLength(40);
  });

  it.each(files)("%s parses and prints back byte for byte", (file) => {
    const text = readFileSync(join(BUNDLED_REFS_DIR, file), "utf8");
    const program = parseRef(text, file);
    expect(program.ops.length).toBeGreaterThan(0);
    expect(formatRefProgram(program)).toBe(text);
  });
});

describe("lines", () => {
  it("puts `= ` at column 91", () => {
    const line = formatTraceLine({ depth: 1, name: "brk", args: ["0"], result: "HeapStart + 0x0" });
    expect(line.indexOf("= ")).toBe(CALL_COLUMN_WIDTH);
    expect(line).toBe(`${"  brk (['0'])".padEnd(90)}= HeapStart + 0x0`);
  });

  it("does not pad a call of 90 characters or more, as Python's format does not", () => {
    const args = ["x".repeat(80)];
    const line = formatTraceLine({ depth: 0, name: "os_free", args, result: "<void>" });
    expect(line).toBe(`os_free (['${"x".repeat(80)}'])= <void>`);
    expect(parseRef(`${line}\n+++ exited (status 0) +++\n`, "long").ops[0]?.args).toEqual(args);
  });

  it("prints and parses Python list reprs", () => {
    expect(pythonListRepr(["HeapStart + 0x20", "2000"])).toBe("['HeapStart + 0x20', '2000']");
    expect(pythonListRepr(["it's"])).toBe(`["it's"]`);
    expect(parsePythonList("['a', 'b c']")).toEqual(["a", "b c"]);
    expect(parsePythonList("[]")).toEqual([]);
    expect(parsePythonList("['a',  'b']")).toBeNull();
  });
});

describe("parseRef", () => {
  const exit = "+++ exited (status 0) +++\n";
  const line = (name: string, args: string[], result: string, depth = 0): string =>
    `${formatTraceLine({ depth, name, args, result })}\n`;

  it("attaches syscall lines to the call they follow", () => {
    const text = line("os_malloc", ["10"], "HeapStart + 0x20") + line("brk", ["0"], "HeapStart + 0x0", 1) + exit;
    const program = parseRef(text, "t");
    expect(program.ops).toHaveLength(1);
    expect(program.ops[0]).toMatchObject({ kind: "malloc", args: ["10"], expected: "HeapStart + 0x20", lineNumber: 1 });
    expect(program.ops[0]?.syscalls.map((s) => s.name)).toEqual(["brk"]);
  });

  it.each([
    ["no final newline", line("os_malloc", ["1"], "0") + exit.trimEnd()],
    ["no exit line", line("os_malloc", ["1"], "0")],
    ["a syscall first", line("brk", ["0"], "0", 1) + exit],
    ["an unknown call", line("os_mmap", ["1"], "0") + exit],
    ["a wrong arity", line("os_free", ["1", "2"], "<void>") + exit],
    ["a non-decimal size", line("os_malloc", ["0x10"], "0") + exit],
    ["misaligned result column", `os_malloc (['1']) = 0\n${exit}`],
    ["lines after the exit line", exit + line("os_malloc", ["1"], "0")],
  ])("rejects %s", (_why, text) => {
    expect(() => parseRef(text, "bad")).toThrow(RefParseError);
  });
});

describe("formatTrace names addresses like the references", () => {
  it("names heap addresses relative to the first brk(0)", () => {
    const text = formatTrace([
      call("malloc", [100], HEAP + 0x20, [brk(0, HEAP), brk(HEAP + 0x20000, HEAP + 0x20000)]),
      call("realloc", [HEAP + 0x20, 2000], HEAP + 0x20),
      call("free", [HEAP + 0x20], undefined),
      call("malloc", [0], 0),
    ]);
    expect(text.split("\n")).toEqual([
      `${"os_malloc (['100'])".padEnd(90)}= HeapStart + 0x20`,
      `${"  brk (['0'])".padEnd(90)}= HeapStart + 0x0`,
      `${"  brk (['HeapStart + 0x20000'])".padEnd(90)}= HeapStart + 0x20000`,
      `${"os_realloc (['HeapStart + 0x20', '2000'])".padEnd(90)}= HeapStart + 0x20`,
      `${"os_free (['HeapStart + 0x20'])".padEnd(90)}= <void>`,
      `${"os_malloc (['0'])".padEnd(90)}= 0`,
      "+++ exited (status 0) +++",
      "",
    ]);
  });

  it("numbers mappings per successful mmap, even when an address comes back", () => {
    const lines = formatTrace([
      call("malloc", [131072], MAP + 0x20, [mmap(131104, MAP)]),
      call("free", [MAP + 0x20], undefined, [munmap(MAP, 131104)]),
      call("malloc", [131072], MAP + 0x20, [mmap(131104, MAP)]),
      call("free", [MAP + 0x20], undefined, [munmap(MAP, 131104)]),
    ]).split("\n");
    expect(lines[0]).toMatch(/= <mapped-addr1> \+ 0x20$/);
    expect(lines[1]).toBe(
      `${"  mmap (['0', '131104', 'PROT_READ | PROT_WRITE', 'MAP_PRIVATE | MAP_ANON', '-1', '0'])".padEnd(90)}= <mapped-addr1>`,
    );
    expect(lines[2]).toMatch(/^os_free \(\['<mapped-addr1> \+ 0x20'\]\) +=/);
    expect(lines[3]).toBe(`${"  munmap (['<mapped-addr1>', '131104'])".padEnd(90)}= 0`);
    expect(lines[4]).toMatch(/= <mapped-addr2> \+ 0x20$/);
    expect(lines[6]).toMatch(/^os_free \(\['<mapped-addr2> \+ 0x20'\]\)/);
    expect(lines[7]).toMatch(/^ {2}munmap \(\['<mapped-addr2>', '131104'\]\)/);
  });

  it("names the new mapping in a realloc result after the call's own mmap", () => {
    const lines = formatTrace([
      call("malloc", [8], HEAP + 0x20, [brk(0, HEAP), brk(HEAP + 0x20000, HEAP + 0x20000)]),
      call("realloc", [HEAP + 0x20, 200000], MAP + 0x20, [mmap(200032, MAP)]),
    ]).split("\n");
    expect(lines[3]).toMatch(/^os_realloc \(\['HeapStart \+ 0x20', '200000'\]\) += <mapped-addr1> \+ 0x20$/);
  });

  it("prints a failed syscall as -1 with its errno, and numbers only successful mmaps", () => {
    const failed: SyscallEvent = { ...mmap(131104, 0), result: sysFail("ENOMEM") } as SyscallEvent;
    const lines = formatTrace([call("malloc", [131072], 0, [failed]), call("malloc", [131072], MAP + 0x20, [mmap(131104, MAP)])])
      .split("\n");
    expect(lines[1]).toMatch(/= -1 ENOMEM$/);
    expect(lines[3]).toMatch(/= <mapped-addr1>$/);
  });

  it("ends a killed program with strace's signal line and an unfinished last call", () => {
    const text = formatTrace([call("free", [HEAP], undefined)], { kind: "killed", signal: "SIGSEGV" });
    expect(text).toBe(`${"os_free (['0x555555550000'])".padEnd(90)}= ?\n+++ killed by SIGSEGV +++\n`);
  });
});
