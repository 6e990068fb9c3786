// The shared body of the ceiling experiments (ceiling-tlsf.ts, ceiling-best-fit.ts, ceiling-loop.ts):
// one bare allocator through the benchmark's own replay loop, repetition rules and scaling workload,
// printed as Mops/s per trace, their geomean, and the per-op cost as the live blocks grow.
import { parseArgs } from "node:util";
import type { AllocatorFactory } from "../allocators.js";
import { loadRep } from "../rep-source.js";
import { FULL_OPTIONS } from "../run-bench.js";
import { measureScaling } from "../scaling-bench.js";
import { benchTrace } from "../trace-bench.js";
import { selectTraces } from "../traces.js";

function usage(script: string): string {
  return `Usage: node bench/dist/experiments/${script}.js [--traces DIR|FILE]...

Replays the benchmark's traces (default: the 24 of BENCHMARKS.md from ../shared/traces, else the bundled
ones) through a bare allocator of the ceiling experiment with the benchmark's own replay loop, warm-up
and repetition rules, and prints Mops/s per trace, their geomean, and the per-op cost from 1e3 to 1e6
live blocks. Takes a few minutes.

  --traces P   .rep files or folders to replay instead (repeatable)
  --help       this text

Exit codes: 0 measured, 1 bad arguments or no trace to replay.
`;
}

/**
 * Measures `factory` on the traces named by `--traces` (default: the benchmark's) and prints the
 * numbers; `script` names the experiment in its usage. Returns the exit code: 0 measured, 1 bad
 * arguments (a message and the usage on stderr).
 */
export function runCeiling(factory: AllocatorFactory, script: string, args: readonly string[] = process.argv.slice(2)): number {
  const fail = (message: string): number => {
    process.stderr.write(`${message}\n\n${usage(script)}`);
    return 1;
  };
  let selection: ReturnType<typeof selectTraces>;
  try {
    const { values } = parseArgs({ args: [...args], options: { traces: { type: "string", multiple: true, default: [] }, help: { type: "boolean", default: false } } });
    if (values.help) {
      process.stdout.write(usage(script));
      return 0;
    }
    selection = selectTraces(values.traces);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  if (selection.files.length === 0) return fail(`no .rep files in ${selection.source}`);
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
  return 0;
}
