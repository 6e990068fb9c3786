// The `osmem analyze` command: parses its options, runs the workload analysis and writes the results
// (a colored table or NDJSON on stdout, a progress bar on a TTY stderr, the HTML report to a file).
// Exit codes: 0 ok, 1 a replay hit a content violation or an allocator error, 2 usage error.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import picocolors from "picocolors";
import { createSimBackend } from "@osmem/backend-sim";
import { createHeap } from "@osmem/core";
import { DEFAULT_POLICY, POLICIES } from "@osmem/policies";
import { UsageError } from "./check.js";
import { ALL_POLICIES, analyzeWorkloads, findTraces, hasProblems, loadTraces, resolvePolicies } from "./analyze/analyze.js";
import { formatAnalysisJson, formatAnalysisReport } from "./analyze/analyze-report.js";
import { buildHtmlReport } from "./analyze/html-report.js";
import { createProgressBar } from "./analyze/progress.js";
import type { ProgressStream } from "./analyze/progress.js";
import type { WorkloadReplayOptions } from "./analyze/workload-replay.js";

/** The directory holding the bundled `.rep` workloads (`apps/harness/traces`). */
export const BUNDLED_TRACES_DIR: string = fileURLToPath(new URL("../traces/", import.meta.url));

/** Where `analyze` writes and how it reports its exit code; the defaults are the process's. */
export interface AnalyzeCommandIo {
  readonly stdout?: { write(text: string): unknown };
  readonly stderr?: ProgressStream;
  /** Receives the exit code of each run (0, 1 or 2). Default: sets `process.exitCode`. */
  readonly setExitCode?: (code: number) => void;
  /** Traces used when none are given. Default {@link BUNDLED_TRACES_DIR}. */
  readonly defaultTracesDir?: string;
  /** Builds each heap; default `createHeap`. Tests pass a broken heap to see exit code 1. */
  readonly makeHeap?: WorkloadReplayOptions["makeHeap"];
}

interface AnalyzeFlags {
  policy: string[];
  json?: boolean;
  check: boolean;
  color: boolean;
  report?: string;
  samples: string;
  prealloc?: string;
  mmapThreshold?: string;
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const EXAMPLES = `
Examples:
  $ osmem analyze                                   best fit on the bundled traces
  $ osmem analyze --policy all --report out.html    every policy, with charts and heap maps
  $ osmem analyze --policy best-fit --policy first-fit traces/realloc-bal.rep
  $ osmem analyze --no-check --json ~/traces/ | jq -c '{trace, policy, opsPerSec}'
  $ osmem analyze --prealloc 4096 --mmap-threshold 1048576    the same policies with another heap shape

Metrics (see ANALYZE.md): util = peak live requested bytes / peak footprint (break growth + mapped bytes);
int frag = headers + padding + unsplit tails at the peak, as a share of the footprint; ext frag = 1 - largest
free run / free bytes at the peak. --no-check turns content checks off, so ops/s measures the allocator.

Exit status: 0 ok, 1 a replay hit a content violation or an allocator error, 2 usage error.`;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function parseSamples(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 2 || value > 100_000) throw new UsageError(`--samples must be an integer from 2 to 100000, got "${text}"`);
  return value;
}

/** A `--prealloc` / `--mmap-threshold` value: a positive integer number of bytes. */
function parseBytes(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new UsageError(`${option} must be a positive number of bytes, got "${text}"`);
  return value;
}

/** The heap maker for the heap-shape options, or undefined when none is given (the reference shape). */
function heapShapeMaker(flags: AnalyzeFlags): AnalyzeCommandIo["makeHeap"] {
  const preallocBytes = parseBytes("--prealloc", flags.prealloc);
  const mmapThresholdBytes = parseBytes("--mmap-threshold", flags.mmapThreshold);
  if (preallocBytes === undefined && mmapThresholdBytes === undefined) return undefined;
  const shape = { ...(preallocBytes === undefined ? {} : { preallocBytes }), ...(mmapThresholdBytes === undefined ? {} : { mmapThresholdBytes }) };
  try {
    createHeap({ backend: createSimBackend({ record: false }), policy: DEFAULT_POLICY, ...shape });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return (backend, policy) => createHeap({ backend, policy, checkLevel: 0, ...shape });
}

function runAnalyze(paths: string[], flags: AnalyzeFlags, io: AnalyzeCommandIo): number {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const policies = resolvePolicies(flags.policy, DEFAULT_POLICY.name);
  const sampleCount = parseSamples(flags.samples);
  const makeHeap = io.makeHeap ?? heapShapeMaker(flags);
  const traces = loadTraces(findTraces(paths, io.defaultTracesDir ?? BUNDLED_TRACES_DIR));
  const progress = createProgressBar(stderr);
  const runs = analyzeWorkloads(traces, {
    policies,
    contentChecks: flags.check,
    sampleCount,
    ...(makeHeap === undefined ? {} : { makeHeap }),
    onProgress: (index, total, label) => progress.update(index, total, label),
    onResult: (run) => {
      if (flags.json === true) stdout.write(`${formatAnalysisJson(run)}\n`);
    },
  });
  progress.clear();
  const checksNote = flags.check
    ? "Content checks on: ops/s includes filling and verifying payloads (use --no-check to time the allocator alone)."
    : "Content checks off: ops/s measures the allocator and the replay loop.";
  if (flags.json !== true) {
    const colors = picocolors.createColors(flags.color && picocolors.isColorSupported);
    stdout.write(formatAnalysisReport(runs, colors, checksNote));
  }
  if (flags.report !== undefined) {
    const html = buildHtmlReport(runs, {
      subtitle: `${traces.length} traces × ${policies.length} policies (${policies.map((p) => p.name).join(", ")}), ${checksNote} Generated ${new Date().toISOString()}.`,
    });
    try {
      writeFileSync(flags.report, html);
    } catch (error) {
      throw new UsageError(`cannot write ${flags.report}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return hasProblems(runs) ? EXIT_FAILED : EXIT_OK;
}

/**
 * Adds `analyze` to `program`. Usage errors (unknown policy, unreadable or malformed trace, unwritable
 * report) are printed to stderr as `osmem: …` and give exit code 2; option parsing errors stay
 * commander's. The action is synchronous inside; use `parseAsync` either way.
 */
export function registerAnalyzeCommand(program: Command, io: AnalyzeCommandIo = {}): void {
  const setExitCode =
    io.setExitCode ??
    ((code: number) => {
      process.exitCode = code;
    });
  program
    .command("analyze")
    .description("replay malloclab workloads (.rep) and measure utilization, fragmentation, syscalls and speed per policy")
    .argument("[traces...]", ".rep files or directories (default: the bundled traces)")
    .option("--policy <name>", `fit policy, repeatable (${[...Object.keys(POLICIES), ALL_POLICIES].join(", ")}; default ${DEFAULT_POLICY.name})`, collect, [])
    .option("--json", "print one JSON object per (trace, policy) per line (NDJSON)")
    .option("--no-check", "skip the payload content checks (fill, verify, overlap); use it for timing")
    .option("--report <file>", "also write a self-contained HTML report with charts and heap maps")
    .option("--samples <count>", "samples per run for the time series", "300")
    .option("--prealloc <bytes>", "bytes the first heap use takes from the break (default 131072, the reference)")
    .option("--mmap-threshold <bytes>", "block size from which malloc and realloc map (default 131072, the reference)")
    .option("--no-color", "never color the output (NO_COLOR and non-TTY output also turn colors off)")
    .addHelpText("after", EXAMPLES)
    .action((paths: string[], flags: AnalyzeFlags) => {
      try {
        setExitCode(runAnalyze(paths, flags, io));
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        (io.stderr ?? process.stderr).write(`osmem: ${error.message}\n`);
        setExitCode(EXIT_USAGE);
      }
    });
}
