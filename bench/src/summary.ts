// Aggregates the raw measurements: geometric means of throughput per trace group, the ratio to
// @thi.ng/malloc, mean peak utilization per group, per-op cost growth, and the project's targets
// checked against them. Pure functions over results; no timing, no printing.
import { THING_NAME } from "./allocators.js";
import { LINEAR_ALLOCATORS } from "./scaling-bench.js";
import type { ScalingPoint } from "./scaling-bench.js";
import type { TraceResult } from "./trace-bench.js";
import type { TraceGroup } from "./traces.js";

/** Aggregates of one allocator. Undefined fields: nothing measured for them. */
export interface AllocatorSummary {
  readonly allocator: string;
  /** Geometric means of Mops/s. */
  readonly mops: Readonly<Record<TraceGroup | "all", number | undefined>>;
  /** Geometric-mean Mops/s over all traces ÷ @thi.ng/malloc's. */
  readonly ratioToThing: number | undefined;
  /** Arithmetic means of peak utilization (0..1). */
  readonly utilization: Readonly<Record<TraceGroup | "all", number | undefined>>;
  /** ns/op at the largest measured live count ÷ ns/op at the smallest. */
  readonly scalingGrowth: number | undefined;
  /** The live counts that growth spans, e.g. "1e3→1e6". */
  readonly scalingSpan: string | undefined;
}

/** One project target with its verdict. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

/** The geometric mean of positive values; undefined for none. */
export function geomean(values: readonly number[]): number | undefined {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return undefined;
  return Math.exp(positive.reduce((sum, v) => sum + Math.log(v), 0) / positive.length);
}

const mean = (values: readonly number[]): number | undefined =>
  values.length === 0 ? undefined : values.reduce((sum, v) => sum + v, 0) / values.length;

const exponent = (n: number): string => `1e${Math.round(Math.log10(n))}`;

/** Summaries per allocator, in `allocators` order. `groupOf` maps a trace name to its group. */
export function summarize(
  allocators: readonly string[],
  traces: readonly TraceResult[],
  scaling: readonly ScalingPoint[],
  groupOf: (trace: string) => TraceGroup,
): AllocatorSummary[] {
  const pick = (allocator: string, group: TraceGroup | "all"): TraceResult[] =>
    traces.filter((t) => t.allocator === allocator && (group === "all" || groupOf(t.trace) === group));
  const thingAll = geomean(pick(THING_NAME, "all").map((t) => t.mopsPerSec));
  return allocators.map((allocator) => {
    const all = geomean(pick(allocator, "all").map((t) => t.mopsPerSec));
    const points = scaling.filter((p) => p.allocator === allocator && p.nsPerOp !== undefined);
    const first = points[0];
    const last = points[points.length - 1];
    const spans = first !== undefined && last !== undefined && last !== first;
    return {
      allocator,
      mops: {
        classic: geomean(pick(allocator, "classic").map((t) => t.mopsPerSec)),
        real: geomean(pick(allocator, "real").map((t) => t.mopsPerSec)),
        all,
      },
      ratioToThing: all !== undefined && thingAll !== undefined ? all / thingAll : undefined,
      utilization: {
        classic: mean(pick(allocator, "classic").map((t) => t.peakUtilization)),
        real: mean(pick(allocator, "real").map((t) => t.peakUtilization)),
        all: mean(pick(allocator, "all").map((t) => t.peakUtilization)),
      },
      scalingGrowth: spans ? (last.nsPerOp ?? 0) / (first.nsPerOp ?? 1) : undefined,
      scalingSpan: spans ? `${exponent(first.liveCount)}→${exponent(last.liveCount)}` : undefined,
    };
  });
}

const fmt = (value: number | undefined, digits: number, unit = ""): string => (value === undefined ? "n/a" : `${value.toFixed(digits)}${unit}`);
const pct = (value: number | undefined): string => (value === undefined ? "n/a" : `${(value * 100).toFixed(1)}%`);

/**
 * ` (32-byte header bound: X%)`, saying when the bound itself is below the target: then only an
 * allocator that does not give every request a header of its own (slabs) can reach the target.
 */
const boundNote = (bound: number | undefined, target: number): string =>
  bound === undefined ? "" : ` (32-byte header bound: ${pct(bound)}${bound < target ? ", below the target for a header per request" : ""})`;

/**
 * The project's performance targets (README of the issue), checked against `summaries`. `bounds` are the
 * mean utilization bounds of the 32-byte header per group (no allocator that gives each request a
 * block with that header can do better; slabs share one header among many small objects);
 * when given, the utilization verdicts show them.
 */
export function checkTargets(summaries: readonly AllocatorSummary[], bounds: Partial<Record<TraceGroup, number | undefined>> = {}): TargetCheck[] {
  const osmem = summaries.filter((s) => s.allocator !== THING_NAME);
  const indexed = summaries.find((s) => s.allocator === "indexed-best-fit");
  const best = <K extends "mops" | "utilization">(key: K, group: TraceGroup | "all"): AllocatorSummary | undefined =>
    [...osmem].sort((a, b) => (b[key][group] ?? -1) - (a[key][group] ?? -1))[0];
  const fastest = best("mops", "all");
  const bestClassic = best("utilization", "classic");
  const bestReal = best("utilization", "real");
  const subLinear = osmem.filter((s) => !LINEAR_ALLOCATORS.includes(s.allocator) && s.scalingGrowth !== undefined);
  const worstGrowth = [...subLinear].sort((a, b) => (b.scalingGrowth ?? 0) - (a.scalingGrowth ?? 0))[0];
  const fullSpan = subLinear.every((s) => s.scalingSpan === "1e3→1e6");
  return [
    { target: "indexed-best-fit ≥ 10 Mops/s (geomean, all traces)", measured: fmt(indexed?.mops.all, 2, " Mops/s"), met: (indexed?.mops.all ?? 0) >= 10 },
    { target: "indexed-best-fit ≥ 4× @thi.ng/malloc", measured: fmt(indexed?.ratioToThing, 2, "×"), met: (indexed?.ratioToThing ?? 0) >= 4 },
    { target: "fastest policy ≥ 40 Mops/s (geomean, all traces)", measured: `${fastest?.allocator ?? "n/a"}: ${fmt(fastest?.mops.all, 2, " Mops/s")}`, met: (fastest?.mops.all ?? 0) >= 40 },
    {
      target: "per-op cost growth < 2× from 1e3 to 1e6 live blocks (sub-linear policies)",
      measured: `worst: ${worstGrowth?.allocator ?? "n/a"} ${fmt(worstGrowth?.scalingGrowth, 2, "×")}${worstGrowth !== undefined && !fullSpan ? " (not every policy reached 1e6)" : ""}`,
      met: worstGrowth !== undefined && fullSpan && (worstGrowth.scalingGrowth ?? Infinity) < 2,
    },
    { target: "best policy mean peak utilization ≥ 92% (classic)", measured: `${bestClassic?.allocator ?? "n/a"}: ${pct(bestClassic?.utilization.classic)}${boundNote(bounds.classic, 0.92)}`, met: (bestClassic?.utilization.classic ?? 0) >= 0.92 },
    { target: "best policy mean peak utilization ≥ 88% (real)", measured: `${bestReal?.allocator ?? "n/a"}: ${pct(bestReal?.utilization.real)}${boundNote(bounds.real, 0.88)}`, met: (bestReal?.utilization.real ?? 0) >= 0.88 },
  ];
}
