// An experiment, not an allocator: what does the benchmark's replay loop cost by itself on this
// machine? Runs the bump allocator (bump.ts: malloc hands out fresh addresses, free and realloc do no
// work) through the benchmark's own replay loop, repetition rules and scaling workload. Its Mops/s are
// the most any allocator can show in BENCHMARKS.md's tables here; the time an allocator needs per op
// for a given throughput is 1/throughput minus this loop's own time per op.
//
//   pnpm build && node bench/dist/experiments/ceiling-loop.js [--traces DIR|FILE]...
import { bump } from "./bump.js";
import { runCeiling } from "./run-ceiling.js";

process.exitCode = runCeiling(bump, "ceiling-loop");
