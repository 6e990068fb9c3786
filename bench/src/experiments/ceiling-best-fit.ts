// An experiment, not an allocator: how fast can plain JavaScript go on the benchmark's workloads when it
// is bound to the reference's decisions and heap shape? Runs the bare best fit (bare-best-fit.ts: the
// placements of osmem's `indexed-best-fit` pointer for pointer, with brk growth by the missing bytes,
// mmap from 128 KiB and deferred coalescing, but none of osmem's layers) through the benchmark's own
// replay loop, repetition rules and scaling workload, so its numbers sit next to BENCHMARKS.md's and
// next to the bare TLSF's (ceiling-tlsf.ts), which is free of the reference shape.
//
//   pnpm build && node bench/dist/experiments/ceiling-best-fit.js [--traces DIR|FILE]...
import { bareBestFit } from "./bare-best-fit.js";
import { runCeiling } from "./run-ceiling.js";

process.exitCode = runCeiling(bareBestFit, "ceiling-best-fit");
