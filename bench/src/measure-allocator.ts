// Everything measured for one allocator, in one place so it can run either in the calling thread or
// in a worker thread of its own (the CLI's default: a fresh isolate per allocator, so one allocator's
// type feedback never slows another's JIT code). Pure data in, pure data out.
import { allocatorFactory } from "./allocators.js";
import { loadRep } from "./rep-source.js";
import { measureScaling } from "./scaling-bench.js";
import type { ScalingPoint } from "./scaling-bench.js";
import { benchTrace } from "./trace-bench.js";
import type { TraceResult } from "./trace-bench.js";

/** What to measure for one allocator. Structured-cloneable. */
export interface AllocatorJob {
  /** A name from ALLOCATOR_NAMES. */
  readonly allocator: string;
  /** `.rep` files, in table order. */
  readonly tracePaths: readonly string[];
  /** Timed replays per trace (after one warm-up); see RepeatPolicy. */
  readonly runs: number;
  /** Repetition budget per (trace, allocator), in milliseconds. */
  readonly budgetMs: number;
  /** Minimum timed milliseconds per (trace, allocator) for short traces. */
  readonly minMs: number;
  /** Live-block counts for the scaling benchmark (empty: skip it). */
  readonly liveCounts: readonly number[];
  /** Timed churn per scaling point, in milliseconds. */
  readonly scalingMs: number;
}

/** The results of one {@link AllocatorJob}. */
export interface AllocatorResults {
  readonly allocator: string;
  readonly traces: readonly TraceResult[];
  readonly scaling: readonly ScalingPoint[];
}

/** Runs `job`, calling `onProgress` before each step with a short label. */
export function measureAllocator(job: AllocatorJob, onProgress: (label: string) => void = () => {}): AllocatorResults {
  const factory = allocatorFactory(job.allocator);
  const traces: TraceResult[] = [];
  for (const path of job.tracePaths) {
    const trace = loadRep(path);
    onProgress(`${job.allocator} ${trace.name}`);
    traces.push(benchTrace(trace, factory, { runs: job.runs, budgetMs: job.budgetMs, minMs: job.minMs }));
  }
  const scaling: ScalingPoint[] = [];
  for (const liveCount of job.liveCounts) {
    onProgress(`${job.allocator} ${liveCount} live blocks`);
    scaling.push(measureScaling(factory, liveCount, job.scalingMs));
  }
  return { allocator: job.allocator, traces, scaling };
}
