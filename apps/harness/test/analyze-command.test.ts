// `osmem analyze` through commander (parseAsync with from: "user"), with captured streams: the NDJSON
// shape, the human table, exit codes 0/1/2, the progress bar (TTY stderr only) and the HTML report
// (self-contained, escaped, one document).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHeap } from "@osmem/core";
import type { Heap } from "@osmem/core";
import { POLICIES } from "@osmem/policies";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { scratchDir } from "./scratch.js";
import { BUNDLED_TRACES_DIR, registerAnalyzeCommand } from "../src/analyze-command.js";
import type { AnalyzeCommandIo } from "../src/analyze-command.js";

const dir = scratchDir("osmem-analyze-");
const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const small = write("small.rep", "1\r\n2\r\n4\r\n1\r\na 0 100\r\na 1 5000\r\nr 0 300\r\nf 1\r\n");
const strange = write("x<b>&'q\".rep", "2\n1\na 0 8\n");

async function analyze(args: string[], io: Partial<AnalyzeCommandIo> & { tty?: boolean } = {}) {
  let stdout = "";
  let stderr = "";
  let exitCode: number | undefined;
  const program = new Command("osmem").exitOverride();
  registerAnalyzeCommand(program, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { isTTY: io.tty === true, columns: 100, write: (text: string) => (stderr += text) },
    setExitCode: (code) => {
      exitCode = code;
    },
    ...(io.makeHeap === undefined ? {} : { makeHeap: io.makeHeap }),
  });
  await program.parseAsync(["analyze", ...args], { from: "user" });
  return { stdout, stderr, exitCode };
}

const NDJSON_KEYS = [
  "trace", "policy", "ops", "opsPerSec", "contentChecks", "peakLiveBytes", "peakFootprintBytes", "peakUtilization", "utilizationBound",
  "internalFragmentationBytes", "internalFragmentation", "externalFragmentation", "freeBytesAtPeak",
  "largestFreeBytesAtPeak", "syscalls", "failures", "violations", "errors",
];

describe("osmem analyze", () => {
  it("prints one NDJSON object per (trace, policy) and exits 0", async () => {
    const run = await analyze(["--json", small, small]);
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    const record = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    expect(Object.keys(record)).toEqual(NDJSON_KEYS);
    expect(record).toMatchObject({ trace: "small", policy: "best-fit", ops: 4, failures: 0, syscalls: { brk: 2, mmap: 0, munmap: 0 } });
    expect(record.peakUtilization).toBe(5300 / 131072);
    expect(run.stderr).toBe("");
  });

  it("prints the table and the per-policy summary", async () => {
    const run = await analyze(["--no-color", small]);
    expect(run.stdout).toMatch(/^trace +policy +util +bound +int frag +ext frag +brk +mmap +munmap +ops\/s +fail +status\n/);
    expect(run.stdout).toMatch(/\nsmall +best-fit +4\.0% /);
    expect(run.stdout).toMatch(/\npolicy +traces +mean util +mean bound +geomean ops\/s/);
    expect(run.stdout).not.toContain("\u001b[");
  });

  it("runs every policy with --policy all, each once", async () => {
    const run = await analyze(["--json", "--policy", "all", "--policy", "best-fit", small]);
    const policies = run.stdout.trimEnd().split("\n").map((line) => (JSON.parse(line) as { policy: string }).policy);
    expect(policies).toEqual(Object.keys(POLICIES));
  });

  it("analyses the bundled traces by default", async () => {
    const run = await analyze(["--json", "--no-check", "--samples", "20"]);
    const expected = (await import("node:fs")).readdirSync(BUNDLED_TRACES_DIR).filter((name) => name.endsWith(".rep")).length;
    expect(run.stdout.trimEnd().split("\n")).toHaveLength(expected);
    expect(run.exitCode).toBe(0);
  }, 120_000);

  it.each([
    [["--policy", "worst-of-all", small], /unknown policy "worst-of-all" \(available: .*best-fit.*all\)/],
    [["/nonexistent.rep"], /cannot read \/nonexistent.rep/],
    [[write("bad.rep", "1\n1\na 0 8\nz 1\n")], /bad\.rep:4: unknown op/],
    [["--samples", "1", small], /--samples must be/],
  ])("exits 2 on a usage error: %j", async (args, message) => {
    const run = await analyze(args);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
  });

  it("exits 1 when a replay breaks a content check, and lists the problem", async () => {
    const brokenRealloc = (backend: Parameters<typeof createHeap>[0]["backend"], policy: Parameters<typeof createHeap>[0]["policy"]): Heap => {
      const real = createHeap({ backend, policy });
      return Object.assign(Object.create(real) as Heap, {
        realloc: (ptr: number, sizeBytes: number) => {
          const moved = real.realloc(ptr, sizeBytes);
          if (moved !== 0) real.backend.memory.writeU8(moved, 0);
          return moved;
        },
      });
    };
    const run = await analyze(["--no-color", small], { makeHeap: brokenRealloc });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/small × best-fit: op #2 \(line 7\) violation: realloc to 300 bytes lost bytes/);
  });

  it("draws a progress bar on a TTY stderr only, and erases it", async () => {
    const tty = await analyze(["--json", small, small], { tty: true });
    expect(tty.stderr).toContain("\r\u001b[K[------------------------] 1/2 small × best-fit");
    expect(tty.stderr.endsWith("\r\u001b[K")).toBe(true);
    expect(tty.stdout).not.toContain("\r");
    expect((await analyze(["--json", small, small])).stderr).toBe("");
  });

  it("writes a self-contained HTML report with SVG charts and escaped names", async () => {
    const out = join(dir, "report.html");
    const run = await analyze(["--json", "--report", out, small, strange]);
    expect(run.exitCode).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html.match(/<html/g)).toHaveLength(1);
    expect(html.match(/<\/html>/g)).toHaveLength(1);
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(2 * 5);
    expect(html.match(/https?:\/\/[^"'\s<]*/g)?.every((url) => url === "http://www.w3.org/2000/svg")).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/);
    expect(html).toContain("x&lt;b&gt;&amp;&#39;q&quot;");
    expect(html).not.toContain("x<b>");
    expect(html).toContain("Utilization over time");
    expect(html).toContain("Heap map: best-fit");
  });

  it("checks contents and writes the report on every bundled trace", async () => {
    const out = join(dir, "bundled.html");
    const run = await analyze(["--json", "--policy", "tlsf", "--samples", "40", "--report", out]);
    expect(run.exitCode).toBe(0);
    const traces = (await import("node:fs")).readdirSync(BUNDLED_TRACES_DIR).filter((name) => name.endsWith(".rep"));
    const results = run.stdout.trimEnd().split("\n").map((line) => JSON.parse(line) as { trace: string; failures: number });
    expect(results.map((r) => `${r.trace}.rep`).sort()).toEqual([...traces].sort());
    expect(results.every((r) => r.failures === 0)).toBe(true);
    expect(readFileSync(out, "utf8").match(/Heap map: tlsf/g)).toHaveLength(traces.length);
  }, 180_000);

  it("takes another heap shape with --prealloc and --mmap-threshold", async () => {
    const one = write("one.rep", "1\n1\na 0 100\n");
    const reference = JSON.parse((await analyze(["--json", one])).stdout) as { peakFootprintBytes: number; peakUtilization: number };
    expect(reference.peakFootprintBytes).toBe(128 * 1024);
    const shaped = await analyze(["--json", "--prealloc", "4096", one]);
    const run = JSON.parse(shaped.stdout) as { peakFootprintBytes: number; peakUtilization: number; syscalls: { brk: number } };
    expect(run.peakFootprintBytes).toBe(4096);
    expect(run.peakUtilization).toBeCloseTo(100 / 4096, 12);
    expect(run.syscalls.brk).toBe(2);
    const big = write("big.rep", "1\n1\na 0 200000\n");
    const syscallsOf = async (args: string[]) => (JSON.parse((await analyze(["--json", ...args, big])).stdout) as { syscalls: { brk: number; mmap: number } }).syscalls;
    expect(await syscallsOf([])).toMatchObject({ mmap: 1 });
    expect(await syscallsOf(["--mmap-threshold", "1048576"])).toMatchObject({ mmap: 0, brk: 3 });
  });

  it.each([
    [["--prealloc", "12"], /multiple of 8/],
    [["--prealloc", "-1"], /--prealloc must be a positive number of bytes/],
    [["--mmap-threshold", "lots"], /--mmap-threshold must be a positive number of bytes/],
  ])("rejects a bad heap shape: %j", async (args, message) => {
    const run = await analyze([...args, small]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("shows examples in --help", async () => {
    const program = new Command("osmem").exitOverride();
    let help = "";
    program.configureOutput({ writeOut: (text) => (help += text) });
    registerAnalyzeCommand(program);
    await expect(program.parseAsync(["analyze", "--help"], { from: "user" })).rejects.toThrow();
    expect(help).toContain("Examples:");
    expect(help).toContain("--policy all --report out.html");
    expect(help).toContain("--no-check");
  });
});
