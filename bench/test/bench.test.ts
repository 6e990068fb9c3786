// Keeps the benchmark code from rotting without timing anything: runs the whole bench in quick mode on
// two tiny traces (in this thread) and checks the report's shape, the Markdown and the SVG, and checks
// that the one replay loop drives every allocator to the same live-byte counts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { ALLOCATOR_NAMES, THING_NAME, allocatorFactory } from "../src/allocators.js";
import { BEGIN_MARKER, END_MARKER, replaceSection, utilizationChart } from "../src/bench-files.js";
import { renderReport } from "../src/render.js";
import { RepOpKind, loadRep } from "../src/rep-source.js";
import { peakRequestedBytes, replayTrace } from "../src/replay-loop.js";
import { QUICK_OPTIONS, runBench } from "../src/run-bench.js";
import { benchTrace } from "../src/trace-bench.js";
import { selectTraces } from "../src/traces.js";
import { bareTlsf } from "../src/experiments/bare-tlsf.js";
import { BUMP_START, bump } from "../src/experiments/bump.js";
import { runCeiling } from "../src/experiments/run-ceiling.js";
import { countedFactory, main as countInstructions, markedReplays, parseInstructionTotal, perOp, replayCounts, steadyPairs, traceLine } from "../src/experiments/instructions.js";
import { BareBestFit, HEAP_START, MMAP_BASE } from "../src/experiments/bare-best-fit.js";
import type { AllocatorFactory, BenchAllocator } from "../src/allocators.js";
import { createSimBackend } from "@osmem/backend-sim";
import { createHeap } from "@osmem/core";
import { POLICIES } from "@osmem/policies";

const CLASSIC = ["20000", "4", "12", "1", "a 0 512", "a 1 128", "r 0 4000", "a 2 24", "f 1", "a 3 200000", "f 0", "f 3", "r 2 48", "a 0 7", "f -1", "f 2"];
const REAL = ["a 0 16", "a 1 1000", "a 0 32", "r 1 10", "r 4 64", "f 1", "a 2 300000", "r 2 100", "f 9", "a 5 0"];

/** Where this file's traces are written; removed after its tests. */
const scratch = mkdtempSync(join(tmpdir(), "osmem-bench-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tinyTraces(): string {
  const dir = mkdtempSync(join(scratch, "tiny-"));
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

describe("one (trace, allocator) measurement", () => {
  /** indexed-best-fit, recording for each allocator it makes how often its footprint was read. */
  /** Per allocator made, in order: its footprint reads, and the wall time from its creation to its release. */
  function watchedFactory(): { factory: AllocatorFactory; footprintReads: number[]; livedMs: number[] } {
    const inner = allocatorFactory("indexed-best-fit");
    const footprintReads: number[] = [];
    const livedMs: number[] = [];
    const factory: AllocatorFactory = {
      name: inner.name,
      create(hints) {
        const allocator = inner.create(hints);
        const index = footprintReads.push(0) - 1;
        const created = performance.now();
        return {
          malloc: (sizeBytes) => allocator.malloc(sizeBytes),
          free: (ptr) => allocator.free(ptr),
          realloc: (ptr, sizeBytes) => allocator.realloc(ptr, sizeBytes),
          footprintBytes: () => {
            footprintReads[index]! += 1;
            return allocator.footprintBytes();
          },
          release: () => {
            allocator.release();
            livedMs[index] = performance.now() - created;
          },
        };
      },
    };
    return { factory, footprintReads, livedMs };
  }

  it("warms the timed path up (footprint off) after the footprint replay, and times only the timed replays", () => {
    const trace = loadRep(join(tinyTraces(), "tiny-real.rep"));
    const { factory, footprintReads } = watchedFactory();
    const result = benchTrace(trace, factory, { runs: 3, budgetMs: 60_000, minMs: 0, warmupMs: 0 });
    expect(result.runsMs).toHaveLength(3);
    // The footprint replay, one warm-up replay (warmupMs 0 still makes one), then the three timed ones.
    expect(footprintReads).toHaveLength(5);
    expect(footprintReads[0]).toBeGreaterThan(0);
    expect(footprintReads.slice(1)).toEqual([0, 0, 0, 0]);
  });

  it("keeps warming up until the warm-up replays took warmupMs", () => {
    const trace = loadRep(join(tinyTraces(), "tiny-real.rep"));
    const { factory, footprintReads, livedMs } = watchedFactory();
    const warmupMs = 50;
    benchTrace(trace, factory, { runs: 1, budgetMs: 60_000, minMs: 0, warmupMs });
    // The footprint replay, the warm-up replays, then the one timed replay. Each allocator lives at least
    // as long as the replay the loop times on it, so the warm-ups' lives add up to at least warmupMs, and
    // one that lived less than warmupMs alone cannot have ended the warm-up (a tiny trace's replay takes
    // a few milliseconds: on a machine in a slow spell a first replay took over 20).
    const warmups = livedMs.slice(1, -1);
    expect(warmups.length).toBeGreaterThanOrEqual(1);
    expect(footprintReads.slice(1)).toEqual(warmups.map(() => 0).concat(0)); // no footprint reads but the first replay's
    expect(warmups.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(warmupMs);
    if (warmups[0]! < warmupMs) expect(warmups.length).toBeGreaterThan(1);
  });

  it("makes no warm-up replay in a quick run (runs 0), which reports the footprint replay's time", () => {
    const trace = loadRep(join(tinyTraces(), "tiny-real.rep"));
    const { factory, footprintReads } = watchedFactory();
    const result = benchTrace(trace, factory, { runs: 0, budgetMs: 0, minMs: 0, warmupMs: 0 });
    expect(footprintReads).toHaveLength(1);
    expect(result.runsMs).toHaveLength(1);
  });
});

describe("the bare TLSF of the ceiling experiment", () => {
  it("replays the tiny traces and a bundled real one to the same live bytes as osmem's tlsf", () => {
    const edges = join(mkdtempSync(join(scratch, "edges-")), "edges.rep");
    writeFileSync(edges, `${EDGES.join("\n")}\n`);
    const files = [...selectTraces([tinyTraces(), edges]).files, ...selectTraces([join(import.meta.dirname, "../../apps/harness/traces/xterm.rep")]).files];
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

describe("the bump allocator of the loop's ceiling experiment", () => {
  it("hands out fresh 8-aligned addresses that never overlap, and follows the C edge cases", () => {
    const a = bump.create({ peakRequestedBytes: 0 });
    expect(a.malloc(0)).toBe(0);
    const p = a.malloc(1);
    const q = a.malloc(24);
    const r = a.realloc(q, 100);
    expect([p, q, r]).toEqual([BUMP_START, BUMP_START + 8, BUMP_START + 32]);
    expect(a.realloc(0, 8)).toBe(BUMP_START + 136);
    expect(a.realloc(r, 0)).toBe(0);
    expect(a.realloc(0, 0)).toBe(0);
    a.free(p);
    expect(a.malloc(8)).toBe(BUMP_START + 144);
    expect(a.footprintBytes()).toBe(152);
  });

  it("replays the tiny traces and a bundled real one to the same live bytes as osmem, its footprint the sum of the requests", () => {
    const files = [...selectTraces([tinyTraces()]).files, ...selectTraces([join(import.meta.dirname, "../../apps/harness/traces/xterm.rep")]).files];
    for (const file of files) {
      const trace = loadRep(file.path);
      const peak = peakRequestedBytes(trace);
      const ptrs: number[] = [];
      const seen = bump.create({ peakRequestedBytes: peak });
      const outcome = replayTrace(trace, logging(seen, (ptr) => ptr, ptrs), true);
      const osmem = replayTrace(trace, allocatorFactory("best-fit").create({ peakRequestedBytes: peak }), false);
      expect(outcome.failures).toBe(0);
      expect(outcome.peakLiveBytes).toBe(peak);
      expect(outcome.liveBytes).toBe(osmem.liveBytes);
      const handedOut = ptrs.filter((ptr) => ptr !== 0);
      expect(new Set(handedOut).size).toBe(handedOut.length);
      expect(handedOut.every((ptr) => ptr % 8 === 0)).toBe(true);
      let requested = 0;
      for (let i = 0; i < trace.opCount; i += 1) if (trace.kinds[i] !== RepOpKind.Free) requested += Math.ceil((trace.sizes[i] ?? 0) / 8) * 8;
      expect(outcome.peakFootprintBytes).toBe(requested);
    }
  });
});

/** Wraps `allocator` so that every pointer malloc and realloc return is logged, as `encode` turns it into a number. */
function logging(allocator: BenchAllocator, encode: (ptr: number) => number, log: number[]): BenchAllocator {
  return {
    malloc: (sizeBytes) => {
      const ptr = allocator.malloc(sizeBytes);
      log.push(encode(ptr));
      return ptr;
    },
    realloc: (ptr, sizeBytes) => {
      const moved = allocator.realloc(ptr, sizeBytes);
      log.push(encode(moved));
      return moved;
    },
    free: (ptr) => allocator.free(ptr),
    footprintBytes: () => allocator.footprintBytes(),
    release: () => allocator.release(),
  };
}

/** A returned pointer as the comparison sees it: NULL stays 0, a mapped block is -1, a heap block is its offset from the heap start. */
const MAPPED = -1;

/**
 * Reference edge cases the bundled traces may not reach: a realloc that grows into the first of two
 * free blocks freed since the last coalescing pass (it absorbs one at a time and stops), the mmap
 * threshold to the byte for malloc and realloc, a mapped block shrunk back onto the heap, malloc(0).
 */
const EDGES = ["a 0 64", "a 1 64", "a 2 64", "a 3 64", "f 1", "f 2", "r 0 128", "a 4 64", "a 5 131040", "a 6 131032", "r 6 131040", "r 5 100", "a 7 0", "r 8 0", "f 0", "f 3", "f 4", "f 5", "f 6"];

describe("the bare best fit of the ceiling experiment", () => {
  it("places every block exactly where osmem's indexed-best-fit does, with the same syscalls and footprint", () => {
    const edges = join(mkdtempSync(join(scratch, "edges-")), "edges.rep");
    writeFileSync(edges, `${EDGES.join("\n")}\n`);
    const files = [...selectTraces([tinyTraces(), edges]).files, ...selectTraces([join(import.meta.dirname, "../../apps/harness/traces")]).files, ...selectTraces([]).files];
    expect(files.length).toBeGreaterThanOrEqual(19);
    for (const file of files) {
      const trace = loadRep(file.path);
      const backend = createSimBackend({ record: false });
      const heap = createHeap({ backend, policy: POLICIES["indexed-best-fit"]!, checkLevel: 0 });
      const osmemLog: number[] = [];
      const osmem: BenchAllocator = {
        malloc: (sizeBytes) => heap.malloc(sizeBytes),
        free: (ptr) => heap.free(ptr),
        realloc: (ptr, sizeBytes) => heap.realloc(ptr, sizeBytes),
        footprintBytes: () => {
          const stats = heap.stats();
          return stats.heapBytes + stats.mappedBytes;
        },
        release: () => {},
      };
      const osmemOutcome = replayTrace(trace, logging(osmem, (ptr) => (ptr === 0 ? 0 : ptr >= backend.currentBreak ? MAPPED : ptr - heap.heapStart), osmemLog), true);

      const bare = new BareBestFit();
      const bareLog: number[] = [];
      const bareOutcome = replayTrace(trace, logging(bare, (ptr) => (ptr === 0 ? 0 : ptr >= MMAP_BASE ? MAPPED : ptr - HEAP_START), bareLog), true);

      let firstDifference = -1;
      for (let i = 0; i < Math.max(osmemLog.length, bareLog.length) && firstDifference < 0; i++) if (osmemLog[i] !== bareLog[i]) firstDifference = i;
      expect({ trace: file.name, firstDifference, osmem: osmemLog[firstDifference], bare: bareLog[firstDifference] }).toEqual({ trace: file.name, firstDifference: -1, osmem: undefined, bare: undefined });
      expect(bareLog.length).toBe(osmemLog.length);
      expect(bareOutcome.failures).toBe(0);
      expect(bareOutcome.liveBytes).toBe(osmemOutcome.liveBytes);
      expect({ trace: file.name, peakFootprint: bareOutcome.peakFootprintBytes, syscalls: { brk: bare.brkCalls, mmap: bare.mmapCalls, munmap: bare.munmapCalls } }).toEqual({
        trace: file.name,
        peakFootprint: osmemOutcome.peakFootprintBytes,
        syscalls: heap.stats().syscalls,
      });
      expect(bare.footprintBytes()).toBe(heap.stats().heapBytes + heap.stats().mappedBytes);
      bare.release();
      backend.release();
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

describe("the instruction-count experiment", () => {
  it("runs the same requests on every allocator, so the reference and the indexed best fit end on the same pointers", () => {
    const reference = steadyPairs(countedFactory("best-fit"), 200, 2_000);
    expect(steadyPairs(countedFactory("indexed-best-fit"), 200, 2_000)).toBe(reference);
    expect(steadyPairs(countedFactory("first-fit"), 200, 2_000)).not.toBe(reference);
    expect(steadyPairs(countedFactory("bare-best-fit"), 200, 2_000)).toBeGreaterThan(0);
    expect(() => countedFactory("no-such-policy")).toThrow(RangeError);
  });

  it("replays a trace between markers and picks the counted replays out of callgrind's dumps", () => {
    const path = join(tinyTraces(), "tiny-real.rep");
    expect(markedReplays(countedFactory("indexed-best-fit"), path, 1, 2)).toBe(REAL.length);
    const dumps = new Map([1, 2, 3, 4, 5].map((i) => [i, `events: Ir\nsummary: ${i * 100}\ntotals: ${i * 100}\n`] as const));
    expect(replayCounts(dumps, 2)).toEqual([200, 400]);
    expect(replayCounts(dumps, 3)).toBeUndefined();
  });

  it("reports the least and the mean replay per op, the mean carrying the replays that paid for a collection", () => {
    const count = perOp([3000, 2000, 2000, 5000], 10);
    expect(count).toEqual({ least: 200, mean: 300 });
    const line = traceLine("indexed-best-fit", "binary2-bal", count);
    expect(line).toMatch(/^indexed-best-fit +binary2-bal +200 instructions per op \(least of \d+ replays\), mean +300$/);
  });

  it("reads cachegrind's instruction total", () => {
    expect(parseInstructionTotal("==1== \n==1== I   refs:      1,592,625,319\n")).toBe(1_592_625_319);
    expect(parseInstructionTotal("valgrind: command not found")).toBeUndefined();
  });

  it("answers --help, and bad arguments with a message, the usage and exit code 1, before running valgrind", () => {
    const run = (...args: string[]) => captured(() => countInstructions(args));
    const help = run("--help");
    expect(help).toMatchObject({ stderr: "", exitCode: undefined });
    expect(help.stdout).toMatch(/^Usage: node bench\/dist\/experiments\/instructions\.js/);
    expect(help.stdout).toContain("--trace FILE.rep");
    expectUsageErrors(run, [
      [["--bogus"], "Unknown option '--bogus'"],
      [["--allocator", "no-such-policy"], "no-such-policy"],
      [["--live", "0"], "--live and --pairs must be positive integers"],
    ]);
  });
});

describe("the ceiling experiments' command line", () => {
  const run = (...args: string[]) => captured(() => runCeiling(bareTlsf, "ceiling-tlsf", args));

  it("answers --help with its usage and exit code 0, measuring nothing", () => {
    const help = run("--help");
    expect(help).toMatchObject({ stderr: "", exitCode: 0 });
    expect(help.stdout).toMatch(/^Usage: node bench\/dist\/experiments\/ceiling-tlsf\.js/);
    expect(help.stdout).toContain("--traces P");
    expect(help.stdout).toContain("Exit codes");
  });

  it("answers bad arguments with a message, the usage and exit code 1", () => {
    expectUsageErrors(run, [
      [["--bogus"], "Unknown option '--bogus'"],
      [["--traces", mkdtempSync(join(scratch, "empty-"))], "no .rep files in"],
      [["--traces", join(scratch, "no-such-dir")], "no-such-dir"],
    ]);
  });
});

/** What a command-line `main` wrote and the exit code it returned (or set on `process.exitCode`). */
interface Captured {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | string | undefined;
}

/** Runs `main` with stdout and stderr captured; `process.exitCode` is cleared before and after. */
function captured(main: () => number | void): Captured {
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  process.exitCode = undefined;
  try {
    const returned = main();
    return { stdout: out.mock.calls.join(""), stderr: err.mock.calls.join(""), exitCode: typeof returned === "number" ? returned : process.exitCode };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

/** Expects each (arguments, message) case to end with exit code 1, the message and the usage on stderr, and nothing on stdout. */
function expectUsageErrors(run: (...args: string[]) => Captured, cases: readonly (readonly [readonly string[], string])[]): void {
  for (const [args, message] of cases) {
    const bad = run(...args);
    expect(bad.exitCode, args.join(" ")).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain(message);
    expect(bad.stderr).toContain("Usage:");
  }
}
