// The shared body of the ceiling experiments (ceiling-tlsf.ts, ceiling-best-fit.ts): one bare allocator
// through the benchmark's own replay loop, repetition rules and scaling workload, printed as Mops/s per
// trace, their geomean, and the per-op cost as the live blocks grow.
import { parseArgs } from "node:util";
import type { AllocatorFactory } from "../allocators.js";
import { loadRep } from "../rep-source.js";
import { FULL_OPTIONS } from "../run-bench.js";
import { measureScaling } from "../scaling-bench.js";
import { benchTrace } from "../trace-bench.js";
import { selectTraces } from "../traces.js";

/** Measures `factory` on the traces named by `--traces` (default: the benchmark's) and prints the numbers. */
export function runCeiling(factory: AllocatorFactory): void {
  const { values } = parseArgs({ options: { traces: { type: "string", multiple: true, default: [] } } });
  const selection = selectTraces(values.traces);
  if (selection.note !== undefined) process.stderr.write(`${selection.note}\n`);
  let logSum = 0;
  for (const file of selection.files) {
    const result = benchTrace(loadRep(file.path), factory, FULL_OPTIONS);
    logSum += Math.log(result.mopsPerSec);
    process.stdout.write(`${file.name.padEnd(16)} ${result.mopsPerSec.toFixed(2).padStart(7)} Mops/s\n`);
  }
  const geomean = Math.exp(logSum / selection.files.length);
  process.stdout.write(`${"geomean".padEnd(16)} ${geomean.toFixed(2).padStart(7)} Mops/s over ${selection.files.length} traces\n`);
  const points = FULL_OPTIONS.liveCounts.map((liveCount) => measureScaling(factory, liveCount, FULL_OPTIONS.scalingMs));
  const first = points[0]?.nsPerOp ?? Number.NaN;
  const last = points.at(-1)?.nsPerOp ?? Number.NaN;
  const shown = points.map((p) => `${p.liveCount.toExponential(0)} ${(p.nsPerOp ?? Number.NaN).toFixed(0)}`).join(", ");
  process.stdout.write(`per-op cost with N live blocks (ns): ${shown}; growth ${(last / first).toFixed(2)}×\n`);
}
