// An experiment, not an allocator: how fast can plain JavaScript go on the benchmark's workloads when
// everything osmem adds is left out? Runs the bare TLSF (bare-tlsf.ts) through the benchmark's own
// replay loop, repetition rules and scaling workload, so its numbers sit next to BENCHMARKS.md's: they
// bound what the layered allocator can reach on the same machine, and show how much of the growth
// from 1e3 to 1e6 live blocks is the machine's memory rather than the policy.
//
//   pnpm build && node bench/dist/experiments/ceiling-tlsf.js [--traces DIR|FILE]...
import { bareTlsf } from "./bare-tlsf.js";
import { runCeiling } from "./run-ceiling.js";

process.exitCode = runCeiling(bareTlsf, "ceiling-tlsf");
