// Throughput and peak utilization of one allocator on a set of traces: per trace, one replay that
// records the footprint after every op (for utilization), untimed warm-up replays of the timed path,
// then `runs` timed replays with footprint tracking off, reporting the median. Each replay gets a fresh
// allocator, created untimed.
import type { AllocatorFactory, BenchAllocator } from "./allocators.js";
import { peakRequestedBytes, replayTrace } from "./replay-loop.js";
import type { ReplayOutcome } from "./replay-loop.js";
import type { RepTrace } from "./rep-source.js";

/** One (trace, allocator) measurement. */
export interface TraceResult {
  readonly trace: string;
  readonly allocator: string;
  readonly ops: number;
  /** ops ÷ the median timed replay, in millions of ops per second. */
  readonly mopsPerSec: number;
  /** Every timed replay, in milliseconds (the warm-up's time alone when no timed replay was asked for). */
  readonly runsMs: readonly number[];
  readonly peakLiveBytes: number;
  readonly peakFootprintBytes: number;
  /** peakLiveBytes ÷ peakFootprintBytes (the peaks may be at different ops, as in the CMU driver). */
  readonly peakUtilization: number;
  /** Requests that returned NULL in the warm-up replay. */
  readonly failures: number;
  /** Requested bytes live at the end (the same for every allocator unless a request failed). */
  readonly finalLiveBytes: number;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}

/** How many replays to make of each (trace, allocator), warm-up and timed. */
export interface RepeatPolicy {
  /** Timed replays after the warm-up; 0 = report the footprint replay's own time (a smoke run, no warm-up). */
  readonly runs: number;
  /** Stop repeating once the timed replays of this pair add up to this many ms (at least one is made). */
  readonly budgetMs: number;
  /** Short traces: keep repeating (up to 5 × runs) until the timed replays add up to this many ms. */
  readonly minMs: number;
  /**
   * Before the timed replays: untimed replays with footprint tracking off (the timed path; the
   * footprint replay takes other branches) until they add up to this many ms, at least one. Without
   * them the first timed replays of a short trace ran while V8 was still compiling and deoptimizing
   * (10-40 ms each, against 1.3-3 ms once compiled), so the median measured the JIT, not the allocator.
   */
  readonly warmupMs: number;
}

/** One replay on a fresh allocator, released afterwards (untimed) so the next one reuses its memory. */
function replayOnce(trace: RepTrace, allocator: BenchAllocator, trackFootprint: boolean): ReplayOutcome {
  const outcome = replayTrace(trace, allocator, trackFootprint);
  allocator.release();
  return outcome;
}

/** Just the repetition rules of `options` (which may carry more), for a worker's data or the report. */
export function repeatPolicyOf(options: RepeatPolicy): RepeatPolicy {
  return { runs: options.runs, budgetMs: options.budgetMs, minMs: options.minMs, warmupMs: options.warmupMs };
}

/**
 * Measures `factory` on `trace`: a replay that records the footprint (utilization), untimed warm-up
 * replays of the timed path until they took `repeat.warmupMs` (at least one; none when `repeat.runs`
 * is 0), then timed replays per `repeat` (fewer than `repeat.runs` when a slow allocator exhausts the
 * budget).
 */
export function benchTrace(trace: RepTrace, factory: AllocatorFactory, repeat: RepeatPolicy): TraceResult {
  const hints = { peakRequestedBytes: peakRequestedBytes(trace) };
  const probe = replayOnce(trace, factory.create(hints), true);
  if (repeat.runs > 0) {
    let warmedMs = 0;
    do warmedMs += replayOnce(trace, factory.create(hints), false).elapsedMs;
    while (warmedMs < repeat.warmupMs);
  }
  const runsMs: number[] = [];
  let spentMs = 0;
  const wanted = (r: number): boolean =>
    r < repeat.runs ? r === 0 || spentMs < repeat.budgetMs : repeat.runs > 0 && r < 5 * repeat.runs && spentMs < repeat.minMs;
  for (let r = 0; wanted(r); r += 1) {
    runsMs.push(replayOnce(trace, factory.create(hints), false).elapsedMs);
    spentMs += runsMs[runsMs.length - 1] ?? 0;
  }
  if (runsMs.length === 0) runsMs.push(probe.elapsedMs);
  const ms = median(runsMs);
  return {
    trace: trace.name,
    allocator: factory.name,
    ops: trace.opCount,
    mopsPerSec: ms > 0 ? trace.opCount / ms / 1000 : 0,
    runsMs,
    peakLiveBytes: probe.peakLiveBytes,
    peakFootprintBytes: probe.peakFootprintBytes,
    peakUtilization: probe.peakFootprintBytes > 0 ? probe.peakLiveBytes / probe.peakFootprintBytes : 0,
    failures: probe.failures,
    finalLiveBytes: probe.liveBytes,
  };
}
