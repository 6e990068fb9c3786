// Everything measured for one allocator, a step at a time, in one place so it can run either in the
// calling thread or in a worker thread of its own (the CLI's default: a fresh isolate per allocator, so
// one allocator's type feedback never slows another's JIT code). Pure data in, pure data out.
import { allocatorFactory, type AllocatorFactory } from "./allocators.js";
import { loadRep } from "./rep-source.js";
import { measureScaling } from "./scaling-bench.js";
import type { ScalingPoint } from "./scaling-bench.js";
import { benchTrace } from "./trace-bench.js";
import type { RepeatPolicy, TraceResult } from "./trace-bench.js";

/** How to measure one allocator: its repetition rules per trace, and its scaling time. Structured-cloneable (it is a worker's `workerData`). */
export interface AllocatorSettings extends RepeatPolicy {
  /** A name from ALLOCATOR_NAMES. */
  readonly allocator: string;
  /** Timed churn per scaling point, in milliseconds. */
  readonly scalingMs: number;
}

/** One allocator's measurements, one step at a time, so that a run can interleave allocators. */
export class AllocatorBench {
  private readonly factory: AllocatorFactory;

  constructor(private readonly settings: AllocatorSettings) {
    this.factory = allocatorFactory(settings.allocator);
  }

  /** Throughput and utilization on the `.rep` file at `path`. */
  trace(path: string): TraceResult {
    return benchTrace(loadRep(path), this.factory, this.settings);
  }

  /** Per-op cost with `liveCount` live blocks. */
  scaling(liveCount: number): ScalingPoint {
    return measureScaling(this.factory, liveCount, this.settings.scalingMs);
  }
}
