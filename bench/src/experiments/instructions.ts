// Instructions per operation, counted by valgrind: a measure of the allocator's work that, unlike a
// timing, does not move with the machine's other tenants (timings on the benchmark machine swing by
// 30% from one minute to the next; two counts of the same build agree to a few instructions). It is
// how the core's last speed-ups were found and checked. The workload is the scaling benchmark's steady
// state, made deterministic: fill `--live` blocks of 8–512 bytes, then free a random live block and
// malloc a random size, pair after pair. The script runs itself under
// `valgrind --tool=cachegrind --cache-sim=no` twice, with two pair counts, so that start-up, JIT
// warm-up and the fill cancel out of the difference; V8 runs single-threaded there, which makes the
// count repeatable (compilation and GC happen on the measured thread, as they would be paid anyway).
//
//   pnpm build && node bench/dist/experiments/instructions.js [--allocator NAME]... [--live N] [--pairs K]
//   pnpm build && node bench/dist/experiments/instructions.js --allocator NAME --trace FILE.rep...
//
// With `--trace`, it counts what the benchmark times instead: whole replays of each trace through the
// benchmark's replay loop (a fresh heap each, created and released outside the count), after ten
// warm-up replays, under `valgrind --tool=callgrind --dump-before=getrusage` with a `process.cpuUsage()`
// call on each side of every counted replay. A replay may include a JIT compilation or a garbage
// collection (both run on the measured thread here), so two numbers are reported: the least of ten
// replays, the allocator's own work, which repeats to ~1% on most traces and shows small changes; and
// the mean of the ten, which also carries what the replays still pay V8 after ten warm-ups (garbage
// collections, and recompilations after late deoptimizations). The mean is the noisier number: two
// counts of the same code differ by up to 20% on `random2-bal` and 5–10% on a few other short classic
// traces, by 1% on most; read a change in it only when it repeats.
//
// NAME: an osmem policy, or `bare-best-fit` (the ceiling experiment). Needs valgrind (Debian: `apt-get
// install valgrind`); prints a note and exits with 2 when it is missing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { osmemFactory, type AllocatorFactory } from "../allocators.js";
import { replayTrace } from "../replay-loop.js";
import { loadRep } from "../rep-source.js";
import { bareBestFit } from "./bare-best-fit.js";

/** The pair count of the shorter of the two runs; the longer one runs `--pairs` more. */
const BASE_PAIRS = 50_000;
/** Per trace: warm-up replays before the counted ones, and counted replays (their least and mean are reported). */
const WARM_REPLAYS = 10;
const COUNTED_REPLAYS = 10;
const HELP = `Usage: node bench/dist/experiments/instructions.js [--allocator NAME]... [--live N] [--pairs K]
       node bench/dist/experiments/instructions.js [--allocator NAME]... --trace FILE.rep...

Counts instructions per malloc/free under valgrind (cachegrind), a measure the machine's load does not
move. Without --trace: the steady state of N live blocks of 8-512 bytes (default 1000), counted over K
free/malloc pairs (default 200000). With --trace: whole replays of each trace through the benchmark's
replay loop (callgrind; the least and the mean of 10 counted replays after 10 warm-ups, the mean with
the garbage collections they cause) and their geomeans.

  --allocator NAME   an osmem policy or bare-best-fit (default indexed-best-fit; repeatable)
  --live N           live blocks of the steady state (default 1000)
  --pairs K          counted free/malloc pairs of the steady state (default 200000)
  --trace FILE.rep   a trace to count replays of (repeatable)
  --help             this text

Exit codes: 0 counted, 1 bad arguments or a failed count, 2 valgrind is not installed.`;

/** The marker around each counted replay: its libc call is where callgrind cuts the count. */
const mark = (): void => void process.cpuUsage();

/** The allocator named `name`: `bare-best-fit` or an osmem policy. @throws RangeError for an unknown name. */
export function countedFactory(name: string): AllocatorFactory {
  return name === bareBestFit.name ? bareBestFit : osmemFactory(name);
}

/**
 * The counted workload: `liveCount` blocks, then `pairs` free/malloc pairs, from a fixed xorshift32
 * seed (every allocator gets the same requests and frees the same slots). Returns a checksum of the
 * final pointers, so that the work cannot be optimised away and two allocators with the same placements
 * give the same sum.
 */
export function steadyPairs(factory: AllocatorFactory, liveCount: number, pairs: number): number {
  const allocator = factory.create({ peakRequestedBytes: liveCount * 520 });
  let x = 0x9e3779b9 | 0;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const live = new Float64Array(liveCount);
  for (let i = 0; i < liveCount; i++) live[i] = allocator.malloc(8 + (next() % 505));
  for (let i = 0; i < pairs; i++) {
    const slot = next() % liveCount;
    allocator.free(live[slot]!);
    live[slot] = allocator.malloc(8 + (next() % 505));
  }
  let sum = 0;
  for (let i = 0; i < liveCount; i++) sum = (sum + live[i]!) % 2 ** 48;
  allocator.release();
  return sum;
}

/**
 * Replays the trace at `path` `WARM_REPLAYS` times, then `COUNTED_REPLAYS` times between markers, each
 * on a fresh allocator created before the first marker and released after the second. Returns the
 * trace's op count.
 */
export function markedReplays(factory: AllocatorFactory, path: string, warm: number, counted: number): number {
  const trace = loadRep(path);
  for (let r = 0; r < warm + counted; r++) {
    const allocator = factory.create({ peakRequestedBytes: 0 });
    if (r >= warm) mark();
    replayTrace(trace, allocator, false);
    if (r >= warm) mark();
    allocator.release();
  }
  return trace.opCount;
}

/**
 * The instruction counts of the counted replays, from callgrind's dumps in `dir` (`cg.out.1`, `.2`, …;
 * one is written before each marker): dump 1 ends at the first marker, so the replays are dumps 2, 4,
 * …, 2 × `counted`. Undefined when there are fewer dumps than that.
 */
export function replayCounts(dumps: ReadonlyMap<number, string>, counted: number): number[] | undefined {
  const counts: number[] = [];
  for (let i = 1; i <= counted; i++) {
    const total = /^totals: (\d+)$/m.exec(dumps.get(2 * i) ?? "");
    if (total === null) return undefined;
    counts.push(Number(total[1]));
  }
  return counts;
}

/** Instructions per op of one trace's counted replays. */
export interface TraceCount {
  /** The least replay: the allocator's own work. */
  readonly least: number;
  /** The mean replay: with the garbage collections (and any late JIT compilation) the replays paid for. */
  readonly mean: number;
}

/** The least and mean of `counts` (instructions per replay) per op of a replay of `ops` operations. */
export function perOp(counts: readonly number[], ops: number): TraceCount {
  return { least: Math.min(...counts) / ops, mean: counts.reduce((sum, count) => sum + count, 0) / counts.length / ops };
}

/** Counts the replays of one trace under callgrind; per op, or an Error saying why not. */
function countTrace(name: string, path: string): TraceCount | Error {
  const dir = mkdtempSync(join(tmpdir(), "osmem-instructions-"));
  try {
    const run = valgrindSelf(["--tool=callgrind", "--dump-before=getrusage", `--callgrind-out-file=${join(dir, "cg.out")}`], ["--allocator", name, "--trace", path]);
    if (run instanceof Error) return run;
    const dumps = new Map<number, string>();
    for (const file of readdirSync(dir)) {
      const part = /^cg\.out\.(\d+)$/.exec(file);
      if (part !== null) dumps.set(Number(part[1]), readFileSync(join(dir, file), "utf8"));
    }
    const counts = replayCounts(dumps, COUNTED_REPLAYS);
    const ops = Number(run.stdout.trim());
    if (counts === undefined || !(ops > 0)) return new Error(`callgrind left ${dumps.size} dumps, expected ${2 * COUNTED_REPLAYS}`);
    return perOp(counts, ops);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One line of the per-trace report. */
export function traceLine(allocator: string, trace: string, count: TraceCount): string {
  return `${allocator.padEnd(18)} ${trace.padEnd(16)} ${count.least.toFixed(0).padStart(7)} instructions per op (least of ${COUNTED_REPLAYS} replays), mean ${count.mean.toFixed(0).padStart(7)}`;
}

/** The total of cachegrind's `I refs` line, or undefined when the output has none. */
export function parseInstructionTotal(valgrindStderr: string): number | undefined {
  const match = /I\s+refs:\s+([\d,]+)/.exec(valgrindStderr);
  return match === null ? undefined : Number(match[1]!.replaceAll(",", ""));
}

/**
 * Runs this script's work mode with `workArgs` under valgrind with `toolArgs`, V8 single-threaded;
 * its output, or an Error saying why not.
 */
function valgrindSelf(toolArgs: readonly string[], workArgs: readonly string[]): { stdout: string; stderr: string } | Error {
  const self = fileURLToPath(import.meta.url);
  const args = [...toolArgs, "--smc-check=all", process.execPath, "--single-threaded", self, "--work", ...workArgs];
  const run = spawnSync("valgrind", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (run.error !== undefined) return run.error;
  if (run.status !== 0) return new Error(`valgrind exited with ${String(run.status)}: ${run.stderr.slice(-400)}`);
  return run;
}

/** Counts the steady-state workload under cachegrind; the instruction total, or an Error saying why not. */
function countRun(name: string, liveCount: number, pairs: number): number | Error {
  const run = valgrindSelf(["--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"], ["--allocator", name, "--live", String(liveCount), "--pairs", String(pairs)]);
  if (run instanceof Error) return run;
  return parseInstructionTotal(run.stderr) ?? new Error("no instruction total in valgrind's output");
}

/** Prints `message` and the usage to stderr and sets exit code 1. */
function usage(message: string): void {
  process.stderr.write(`${message}\n${HELP}\n`);
  process.exitCode = 1;
}

/** The script's command line: `args` as in `process.argv.slice(2)`; reports through stdout, stderr and `process.exitCode`. */
export function main(args: readonly string[]): void {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        allocator: { type: "string", multiple: true, default: ["indexed-best-fit"] },
        live: { type: "string", default: "1000" },
        pairs: { type: "string", default: "200000" },
        work: { type: "boolean", default: false },
        trace: { type: "string", multiple: true, default: [] },
        help: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
    return;
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const liveCount = Number(values.live);
  const pairs = Number(values.pairs);
  if (!Number.isSafeInteger(liveCount) || liveCount < 1 || !Number.isSafeInteger(pairs) || pairs < 1) {
    usage("--live and --pairs must be positive integers");
    return;
  }
  if (values.work && values.trace.length > 0) {
    process.stdout.write(`${markedReplays(countedFactory(values.allocator[0]!), values.trace[0]!, WARM_REPLAYS, COUNTED_REPLAYS)}\n`);
    return;
  }
  if (values.work) {
    process.stdout.write(`${steadyPairs(countedFactory(values.allocator[0]!), liveCount, pairs)}\n`);
    return;
  }
  // Unknown names fail before the long runs.
  try {
    for (const name of values.allocator) countedFactory(name);
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
    return;
  }
  if (spawnSync("valgrind", ["--version"]).error !== undefined) {
    process.stderr.write("valgrind is not installed (Debian: apt-get install valgrind); nothing counted\n");
    process.exitCode = 2;
    return;
  }
  if (values.trace.length > 0) {
    for (const name of values.allocator) {
      let logLeast = 0;
      let logMean = 0;
      for (const [i, path] of values.trace.entries()) {
        process.stderr.write(`[${i + 1}/${values.trace.length}] ${name} ${basename(path)}\n`);
        const count = countTrace(name, path);
        if (count instanceof Error) {
          process.stderr.write(`${name} ${basename(path)}: ${count.message}\n`);
          process.exitCode = 1;
          return;
        }
        logLeast += Math.log(count.least);
        logMean += Math.log(count.mean);
        process.stdout.write(`${traceLine(name, basename(path, ".rep"), count)}\n`);
      }
      const n = values.trace.length;
      process.stdout.write(`${traceLine(name, "geomean", { least: Math.exp(logLeast / n), mean: Math.exp(logMean / n) })}\n`);
    }
    return;
  }
  for (const name of values.allocator) {
    process.stderr.write(`counting ${name} (two runs under valgrind, about a minute)...\n`);
    const short = countRun(name, liveCount, BASE_PAIRS);
    const long = countRun(name, liveCount, BASE_PAIRS + pairs);
    if (short instanceof Error || long instanceof Error) {
      process.stderr.write(`${name}: ${(short instanceof Error ? short : (long as Error)).message}\n`);
      process.exitCode = 1;
      continue;
    }
    const perOp = (long - short) / (2 * pairs);
    process.stdout.write(`${name.padEnd(18)} ${perOp.toFixed(0).padStart(6)} instructions per op (${liveCount} live blocks, ${pairs} pairs)\n`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
