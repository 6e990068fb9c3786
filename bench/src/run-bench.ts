// Runs the whole benchmark: one job per allocator, one after another (never in parallel, so they do not
// share cores), each in its own worker thread by default; gathers the results into one BenchReport
// with summaries and target checks. Reports progress through a callback; prints nothing itself.
import { Worker } from "node:worker_threads";
import { ALLOCATOR_NAMES } from "./allocators.js";
import { describeMachine } from "./machine.js";
import type { MachineInfo } from "./machine.js";
import { measureAllocator } from "./measure-allocator.js";
import { loadRep, utilizationBound } from "./rep-source.js";
import type { AllocatorJob, AllocatorResults } from "./measure-allocator.js";
import { LINEAR_LIMIT, LIVE_COUNTS } from "./scaling-bench.js";
import type { ScalingPoint } from "./scaling-bench.js";
import { checkTargets, summarize } from "./summary.js";
import type { AllocatorSummary, TargetCheck } from "./summary.js";
import type { TraceResult } from "./trace-bench.js";
import type { TraceFile, TraceGroup } from "./traces.js";

/** How much to measure. */
export interface BenchOptions {
  readonly traces: readonly TraceFile[];
  /** Where the traces came from, for the report. */
  readonly traceSource: string;
  /** Timed replays per (trace, allocator), after one warm-up; 0 = time the warm-up itself. */
  readonly runs: number;
  /** Repetitions of one (trace, allocator) stop once they took this long (ms); one is always made. */
  readonly budgetMs: number;
  /** Short traces are replayed more often (up to 5 × runs) until the timed replays took this long (ms). */
  readonly minMs: number;
  readonly liveCounts: readonly number[];
  readonly scalingMs: number;
  /** Default every allocator. */
  readonly allocators?: readonly string[];
  /** Run each allocator in a fresh worker thread (default true; tests turn it off). */
  readonly isolate?: boolean;
}

/** Repetitions of a full run: 5 timed replays (fewer past 3 s, more under 250 ms), four scaling points. */
export const FULL_OPTIONS = { runs: 5, budgetMs: 3000, minMs: 250, liveCounts: LIVE_COUNTS, scalingMs: 500 } as const;
/** A `--quick` smoke run: the warm-up replay's own time, scaling at 1e3 and 1e4 only. */
export const QUICK_OPTIONS = { runs: 0, budgetMs: 0, minMs: 0, liveCounts: [1e3, 1e4], scalingMs: 60 } as const;

/** Everything a run produced; what `--json` prints. */
export interface BenchReport {
  readonly date: string;
  readonly machine: MachineInfo;
  readonly settings: { readonly runs: number; readonly budgetMs: number; readonly minMs: number; readonly scalingMs: number; readonly linearLimit: number; readonly traceSource: string };
  /** Per trace: its group, op count, and the utilization bound of the 32-byte header (harness `utilizationBound`). */
  readonly traces: readonly { readonly name: string; readonly group: TraceGroup; readonly ops: number; readonly utilizationBound: number }[];
  /** Mean of the traces' `utilizationBound` per group. */
  readonly utilizationBounds: Readonly<Record<TraceGroup | "all", number | undefined>>;
  readonly allocators: readonly string[];
  readonly results: readonly TraceResult[];
  readonly scaling: readonly ScalingPoint[];
  readonly summaries: readonly AllocatorSummary[];
  readonly targets: readonly TargetCheck[];
  readonly elapsedSec: number;
}

type WorkerMessage = { kind: "progress"; label: string } | { kind: "done"; results: AllocatorResults };

function inWorker(job: AllocatorJob, onProgress: (label: string) => void): Promise<AllocatorResults> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: job });
    let results: AllocatorResults | undefined;
    worker.on("message", (message: WorkerMessage) => {
      if (message.kind === "progress") onProgress(message.label);
      else results = message.results;
    });
    worker.on("error", reject);
    worker.on("exit", (code) => (results !== undefined ? resolve(results) : reject(new Error(`the ${job.allocator} worker exited with code ${code}`))));
  });
}

/** Measures every allocator on `options.traces`. `onProgress(done, total, label)` fires before each step. */
export async function runBench(options: BenchOptions, onProgress: (done: number, total: number, label: string) => void = () => {}): Promise<BenchReport> {
  const started = performance.now();
  const allocators = options.allocators ?? ALLOCATOR_NAMES;
  const total = allocators.length * (options.traces.length + options.liveCounts.length);
  let done = 0;
  const step = (label: string): void => onProgress(done++, total, label);
  const all: AllocatorResults[] = [];
  for (const allocator of allocators) {
    const job: AllocatorJob = { allocator, tracePaths: options.traces.map((t) => t.path), runs: options.runs, budgetMs: options.budgetMs, minMs: options.minMs, liveCounts: options.liveCounts, scalingMs: options.scalingMs };
    all.push(options.isolate === false ? measureAllocator(job, step) : await inWorker(job, step));
  }
  const results = all.flatMap((r) => r.traces);
  const scaling = all.flatMap((r) => r.scaling);
  const groups = new Map(options.traces.map((t) => [t.name, t.group]));
  const summaries = summarize(allocators, results, scaling, (name) => groups.get(name) ?? "real");
  const traces = options.traces.map((t) => ({ name: t.name, group: t.group, ops: results.find((r) => r.trace === t.name)?.ops ?? 0, utilizationBound: utilizationBound(loadRep(t.path)) }));
  const meanBound = (group: TraceGroup | "all"): number | undefined => {
    const inGroup = traces.filter((t) => group === "all" || t.group === group);
    return inGroup.length === 0 ? undefined : inGroup.reduce((sum, t) => sum + t.utilizationBound, 0) / inGroup.length;
  };
  const utilizationBounds = { classic: meanBound("classic"), real: meanBound("real"), all: meanBound("all") };
  return {
    date: new Date().toISOString(),
    machine: describeMachine(),
    settings: { runs: options.runs, budgetMs: options.budgetMs, minMs: options.minMs, scalingMs: options.scalingMs, linearLimit: LINEAR_LIMIT, traceSource: options.traceSource },
    traces,
    allocators,
    results,
    scaling,
    summaries,
    utilizationBounds,
    targets: checkTargets(summaries, utilizationBounds),
    elapsedSec: (performance.now() - started) / 1000,
  };
}
