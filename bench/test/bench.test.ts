// Keeps the benchmark code from rotting without timing anything: runs the whole bench in quick mode on
// two tiny traces (in this thread) and checks the report's shape, the Markdown and the SVG, and checks
// that the one replay loop drives every allocator to the same live-byte counts.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALLOCATOR_NAMES, THING_NAME, allocatorFactory } from "../src/allocators.js";
import { BEGIN_MARKER, END_MARKER, replaceSection, utilizationChart } from "../src/bench-files.js";
import { renderReport } from "../src/render.js";
import { loadRep } from "../src/rep-source.js";
import { peakRequestedBytes, replayTrace } from "../src/replay-loop.js";
import { QUICK_OPTIONS, runBench } from "../src/run-bench.js";
import { selectTraces } from "../src/traces.js";
import { bareTlsf } from "../src/experiments/bare-tlsf.js";

const CLASSIC = ["20000", "4", "12", "1", "a 0 512", "a 1 128", "r 0 4000", "a 2 24", "f 1", "a 3 200000", "f 0", "f 3", "r 2 48", "a 0 7", "f -1", "f 2"];
const REAL = ["a 0 16", "a 1 1000", "a 0 32", "r 1 10", "r 4 64", "f 1", "a 2 300000", "r 2 100", "f 9", "a 5 0"];

function tinyTraces(): string {
  const dir = mkdtempSync(join(tmpdir(), "osmem-bench-"));
  writeFileSync(join(dir, "tiny-bal.rep"), `${CLASSIC.join("\n")}\n`);
  writeFileSync(join(dir, "tiny-real.rep"), `${REAL.join("\n")}\n`);
  return dir;
}

describe("the replay loop", () => {
  it("drives every allocator to the same live and peak requested bytes", () => {
    const selection = selectTraces([tinyTraces()]);
    for (const file of selection.files) {
      const trace = loadRep(file.path);
      const peak = peakRequestedBytes(trace);
      const outcomes = ALLOCATOR_NAMES.map((name) => replayTrace(trace, allocatorFactory(name).create({ peakRequestedBytes: peak }), true));
      for (const outcome of outcomes) {
        expect(outcome.failures).toBe(0);
        expect(outcome.peakLiveBytes).toBe(peak);
        expect(outcome.liveBytes).toBe(outcomes[0]?.liveBytes);
        expect(outcome.peakFootprintBytes).toBeGreaterThanOrEqual(peak);
      }
    }
  });
});

describe("the bare TLSF of the ceiling experiment", () => {
  it("replays the tiny traces and a bundled real one to the same live bytes as osmem's tlsf", () => {
    const files = [...selectTraces([tinyTraces()]).files, ...selectTraces([join(import.meta.dirname, "../../apps/harness/traces/xterm.rep")]).files];
    for (const file of files) {
      const trace = loadRep(file.path);
      const peak = peakRequestedBytes(trace);
      const bare = replayTrace(trace, bareTlsf.create({ peakRequestedBytes: peak }), true);
      const osmem = replayTrace(trace, allocatorFactory("tlsf").create({ peakRequestedBytes: peak }), false);
      expect(bare.failures).toBe(0);
      expect(bare.peakLiveBytes).toBe(peak);
      expect(bare.liveBytes).toBe(osmem.liveBytes);
      expect(bare.peakFootprintBytes).toBeGreaterThanOrEqual(peak);
    }
  });
});

describe("the benchmark in quick mode", () => {
  it("measures every allocator on every trace and renders tables, targets and a chart", async () => {
    const selection = selectTraces([tinyTraces()]);
    expect(selection.files.map((f) => [f.name, f.group])).toEqual([["tiny-bal", "classic"], ["tiny-real", "real"]]);
    const report = await runBench({ ...QUICK_OPTIONS, liveCounts: [1e3], scalingMs: 5, traces: selection.files, traceSource: "tmp", isolate: false });
    expect(report.allocators).toEqual(ALLOCATOR_NAMES);
    expect(report.results).toHaveLength(2 * ALLOCATOR_NAMES.length);
    for (const result of report.results) {
      expect(result.mopsPerSec).toBeGreaterThan(0);
      expect(result.peakUtilization).toBeGreaterThan(0);
      expect(result.peakUtilization).toBeLessThanOrEqual(1);
      expect(result.runsMs).toHaveLength(1);
    }
    expect(report.scaling.map((p) => p.allocator)).toEqual(ALLOCATOR_NAMES);
    const thing = report.summaries.find((s) => s.allocator === THING_NAME);
    expect(thing?.ratioToThing).toBeCloseTo(1, 10);
    expect(report.summaries.every((s) => s.mops.classic !== undefined && s.mops.real !== undefined && s.utilization.all !== undefined)).toBe(true);
    expect(report.targets).toHaveLength(6);
    for (const trace of report.traces) {
      expect(trace.utilizationBound).toBeGreaterThan(0);
      // osmem allocators keep the 32-byte header; MemPool (8-byte headers) may beat the bound.
      for (const result of report.results.filter((r) => r.trace === trace.name && r.allocator !== THING_NAME)) expect(result.peakUtilization).toBeLessThanOrEqual(trace.utilizationBound);
    }
    expect(report.targets.at(-1)?.measured).toMatch(/32-byte header bound: \d+\.\d%/);

    const text = renderReport(report);
    for (const heading of ["### Throughput (Mops/s", "### Peak utilization", "### Per-op cost", "### Targets"]) expect(text).toContain(heading);
    expect(text).toContain("**geomean all (2)**");
    expect(text).toMatch(/\| trace +\| peak live KiB \| bound \|/);
    const document = `# B\n\nprose quoting \`${BEGIN_MARKER}\`\n\n${BEGIN_MARKER}\nold\n${END_MARKER}\n\nafter\n`;
    const replaced = replaceSection(document, text);
    expect(replaced).not.toContain("old");
    expect(replaced.startsWith(`# B\n\nprose quoting \`${BEGIN_MARKER}\`\n\n${BEGIN_MARKER}\n`)).toBe(true);
    expect(replaced.endsWith(`${END_MARKER}\n\nafter\n`)).toBe(true);
    expect(() => replaceSection("no markers", text)).toThrow(/bench:begin/);
    const svg = utilizationChart(report);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("thi.ng/malloc");
  });
});
