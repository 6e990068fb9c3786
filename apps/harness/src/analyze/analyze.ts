// Runs the analysis behind `osmem analyze`: finds and loads the traces, resolves policy names, and
// replays every (trace, policy) pair in a fixed order. Loading fails as a whole with a UsageError
// before anything runs; a replay that misbehaves is a result, never an exception.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { FitPolicy } from "@osmem/core";
import { POLICIES } from "@osmem/policies";
import { UsageError } from "../check.js";
import { loadRep } from "./rep-file.js";
import { RepParseError } from "./rep-format.js";
import type { RepTrace } from "./rep-format.js";
import { replayWorkload } from "./workload-replay.js";
import type { WorkloadReplayOptions, WorkloadRun } from "./workload-replay.js";

/** The `--policy` value that selects every policy in `POLICIES`. */
export const ALL_POLICIES = "all";

/**
 * The policies named by `names` (repeats dropped, order kept); `all` expands to every policy.
 * An empty list means `[defaultName]`.
 * @throws UsageError for an unknown name, listing the valid ones.
 */
export function resolvePolicies(names: readonly string[], defaultName: string): FitPolicy[] {
  const wanted = names.length === 0 ? [defaultName] : names;
  const chosen = new Map<string, FitPolicy>();
  for (const name of wanted) {
    const expanded = name === ALL_POLICIES ? Object.keys(POLICIES) : [name];
    for (const each of expanded) {
      const policy = Object.prototype.hasOwnProperty.call(POLICIES, each) ? POLICIES[each] : undefined;
      if (policy === undefined) {
        throw new UsageError(`unknown policy "${each}" (available: ${[...Object.keys(POLICIES), ALL_POLICIES].join(", ")})`);
      }
      chosen.set(each, policy);
    }
  }
  return [...chosen.values()];
}

/**
 * The `.rep` files named by `paths` (directories contribute their `*.rep` files, sorted); with no
 * paths, those of `defaultDir`.
 * @throws UsageError for a path that cannot be read, or a directory without `.rep` files.
 */
export function findTraces(paths: readonly string[], defaultDir: string): string[] {
  const roots = paths.length === 0 ? [defaultDir] : paths;
  return roots.flatMap((path) => {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      throw new UsageError(`cannot read ${path}`);
    }
    if (!isDirectory) return [path];
    const files = readdirSync(path)
      .filter((name) => name.endsWith(".rep"))
      .sort()
      .map((name) => join(path, name));
    if (files.length === 0) throw new UsageError(`${path} holds no .rep files`);
    return files;
  });
}

/**
 * Loads and parses every trace at `paths`.
 * @throws UsageError naming the file (and line) that could not be read or parsed.
 */
export function loadTraces(paths: readonly string[]): RepTrace[] {
  return paths.map((path) => {
    try {
      return loadRep(path);
    } catch (error) {
      if (error instanceof RepParseError) throw new UsageError(error.message);
      throw new UsageError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

/** Options of {@link analyzeWorkloads}. */
export interface AnalyzeOptions extends Omit<WorkloadReplayOptions, "policy"> {
  readonly policies: readonly FitPolicy[];
  /** Called before each run with its 0-based index, the number of runs and a label. */
  readonly onProgress?: (index: number, total: number, label: string) => void;
  /** Called after each run (to stream NDJSON, say). */
  readonly onResult?: (run: WorkloadRun) => void;
}

/** Replays every trace with every policy, trace-major. */
export function analyzeWorkloads(traces: readonly RepTrace[], options: AnalyzeOptions): WorkloadRun[] {
  const { policies, onProgress, onResult, ...replayOptions } = options;
  const total = traces.length * policies.length;
  const runs: WorkloadRun[] = [];
  for (const trace of traces) {
    for (const policy of policies) {
      onProgress?.(runs.length, total, `${trace.name} × ${policy.name}`);
      const run = replayWorkload(trace, { ...replayOptions, policy });
      runs.push(run);
      onResult?.(run);
    }
  }
  return runs;
}

/** True when some run hit a content violation or an allocator error (exit code 1). */
export const hasProblems = (runs: readonly WorkloadRun[]): boolean =>
  runs.some((run) => run.metrics.violations > 0 || run.metrics.errors > 0);
