// Runs the whole benchmark: each allocator in its own worker thread by default, all of them measured
// trace by trace in turn (one step at a time, never two at once, so they do not share cores). Taking
// turns, rather than one allocator after another, spreads a slow spell of a shared machine over every
// allocator instead of one column of the tables. Gathers the results into one BenchReport with
// summaries and target checks. Reports progress through a callback; prints nothing itself.
import { Worker } from "node:worker_threads";
import { ALLOCATOR_NAMES } from "./allocators.js";
import { describeMachine } from "./machine.js";
import type { MachineInfo } from "./machine.js";
import { AllocatorBench, type AllocatorSettings } from "./measure-allocator.js";
import { loadRep, utilizationBound } from "./rep-source.js";
import { LINEAR_LIMIT, LIVE_COUNTS } from "./scaling-bench.js";
import type { ScalingPoint } from "./scaling-bench.js";
import { checkTargets, summarize } from "./summary.js";
import type { AllocatorSummary, TargetCheck } from "./summary.js";
import { repeatPolicyOf, type RepeatPolicy, type TraceResult } from "./trace-bench.js";
import type { TraceFile, TraceGroup } from "./traces.js";
import type { WorkerRequest } from "./worker.js";

/** How much to measure: the repetition rules of every (trace, allocator) pair (see RepeatPolicy), and more. */
export interface BenchOptions extends RepeatPolicy {
  readonly traces: readonly TraceFile[];
  /** Where the traces came from, for the report. */
  readonly traceSource: string;
  readonly liveCounts: readonly number[];
  readonly scalingMs: number;
  /** Default every allocator. */
  readonly allocators?: readonly string[];
  /** Run each allocator in a fresh worker thread (default true; tests turn it off). */
  readonly isolate?: boolean;
}

/** Repetitions of a full run: 200 ms of warm-up, 5 timed replays (fewer past 3 s, more under 250 ms), four scaling points. */
export const FULL_OPTIONS = { runs: 5, budgetMs: 3000, minMs: 250, warmupMs: 200, liveCounts: LIVE_COUNTS, scalingMs: 500 } as const;
/** A `--quick` smoke run: the footprint replay's own time, scaling at 1e3 and 1e4 only. */
export const QUICK_OPTIONS = { runs: 0, budgetMs: 0, minMs: 0, warmupMs: 0, liveCounts: [1e3, 1e4], scalingMs: 60 } as const;

/** Everything a run produced; what `--json` prints. */
export interface BenchReport {
  readonly date: string;
  readonly machine: MachineInfo;
  readonly settings: RepeatPolicy & { readonly scalingMs: number; readonly linearLimit: number; readonly traceSource: string };
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

/** One allocator's measurements, in this thread or in a worker; one request at a time. */
interface AllocatorRunner {
  trace(path: string): Promise<TraceResult>;
  scaling(liveCount: number): Promise<ScalingPoint>;
  close(): Promise<void>;
}

function inThisThread(settings: AllocatorSettings): AllocatorRunner {
  const bench = new AllocatorBench(settings);
  return {
    trace: (path) => Promise.resolve(bench.trace(path)),
    scaling: (liveCount) => Promise.resolve(bench.scaling(liveCount)),
    close: () => Promise.resolve(),
  };
}

function inWorker(settings: AllocatorSettings): AllocatorRunner {
  const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: settings });
  let failed: Error | undefined;
  let pending: { resolve: (value: unknown) => void; reject: (error: Error) => void } | undefined;
  const fail = (error: Error): void => {
    failed ??= error;
    pending?.reject(error);
    pending = undefined;
  };
  worker.on("message", (value: unknown) => {
    pending?.resolve(value);
    pending = undefined;
  });
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`the ${settings.allocator} worker exited with code ${code}`)));
  const ask = <T>(request: WorkerRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (failed !== undefined) return reject(failed);
      pending = { resolve: resolve as (value: unknown) => void, reject };
      worker.postMessage(request);
    });
  return {
    trace: (path) => ask<TraceResult>({ kind: "trace", path }),
    scaling: (liveCount) => ask<ScalingPoint>({ kind: "scaling", liveCount }),
    close: async () => {
      worker.removeAllListeners("exit");
      await worker.terminate();
    },
  };
}

/** Measures every allocator on `options.traces`. `onProgress(done, total, label)` fires before each step. */
export async function runBench(options: BenchOptions, onProgress: (done: number, total: number, label: string) => void = () => {}): Promise<BenchReport> {
  const started = performance.now();
  const allocators = options.allocators ?? ALLOCATOR_NAMES;
  const total = allocators.length * (options.traces.length + options.liveCounts.length);
  let done = 0;
  const step = (label: string): void => onProgress(done++, total, label);
  const runners = allocators.map((allocator) => {
    const settings: AllocatorSettings = { allocator, ...repeatPolicyOf(options), scalingMs: options.scalingMs };
    return options.isolate === false ? inThisThread(settings) : inWorker(settings);
  });
  const results: TraceResult[] = [];
  const scaling: ScalingPoint[] = [];
  try {
    for (const trace of options.traces) {
      for (const [i, runner] of runners.entries()) {
        step(`${allocators[i]} ${trace.name}`);
        results.push(await runner.trace(trace.path));
      }
    }
    for (const liveCount of options.liveCounts) {
      for (const [i, runner] of runners.entries()) {
        step(`${allocators[i]} ${liveCount} live blocks`);
        scaling.push(await runner.scaling(liveCount));
      }
    }
  } finally {
    await Promise.all(runners.map((runner) => runner.close()));
  }
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
    settings: { ...repeatPolicyOf(options), scalingMs: options.scalingMs, linearLimit: LINEAR_LIMIT, traceSource: options.traceSource },
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
