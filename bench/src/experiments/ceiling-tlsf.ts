// An experiment, not an allocator: how fast can plain JavaScript go on the benchmark's workloads when
// everything osmem adds is left out? Runs the bare TLSF (bare-tlsf.ts) through the benchmark's own
// replay loop, repetition rules and scaling workload, so its numbers sit next to BENCHMARKS.md's: they
// bound what the layered allocator can reach on the same machine, and show how much of the growth
// from 1e3 to 1e6 live blocks is the machine's memory rather than the policy.
//
//   pnpm build && node bench/dist/experiments/ceiling-tlsf.js [--traces DIR|FILE]...
import { parseArgs } from "node:util";
import { loadRep } from "../rep-source.js";
import { FULL_OPTIONS } from "../run-bench.js";
import { measureScaling } from "../scaling-bench.js";
import { benchTrace } from "../trace-bench.js";
import { selectTraces } from "../traces.js";
import { bareTlsf } from "./bare-tlsf.js";

function main(): void {
  const { values } = parseArgs({ options: { traces: { type: "string", multiple: true, default: [] } } });
  const selection = selectTraces(values.traces);
  if (selection.note !== undefined) process.stderr.write(`${selection.note}\n`);
  let logSum = 0;
  for (const file of selection.files) {
    const result = benchTrace(loadRep(file.path), bareTlsf, FULL_OPTIONS);
    logSum += Math.log(result.mopsPerSec);
    process.stdout.write(`${file.name.padEnd(16)} ${result.mopsPerSec.toFixed(2).padStart(7)} Mops/s\n`);
  }
  const geomean = Math.exp(logSum / selection.files.length);
  process.stdout.write(`${"geomean".padEnd(16)} ${geomean.toFixed(2).padStart(7)} Mops/s over ${selection.files.length} traces\n`);
  const points = FULL_OPTIONS.liveCounts.map((liveCount) => measureScaling(bareTlsf, liveCount, FULL_OPTIONS.scalingMs));
  const first = points[0]?.nsPerOp ?? Number.NaN;
  const last = points.at(-1)?.nsPerOp ?? Number.NaN;
  const shown = points.map((p) => `${p.liveCount.toExponential(0)} ${(p.nsPerOp ?? Number.NaN).toFixed(0)}`).join(", ");
  process.stdout.write(`per-op cost with N live blocks (ns): ${shown}; growth ${(last / first).toFixed(2)}×\n`);
}

main();
