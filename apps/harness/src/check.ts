// Runs reference programs and grades them: finds and loads `.ref` files and their points, replays each
// one, and compares the produced trace with the file byte for byte. Loading fails as a whole (a
// UsageError) before anything runs; a failing program is a result, never an exception.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SyscallBackend } from "@osmem/syscalls";
import { createTwoFilesPatch } from "diff";
import { parseRef, RefParseError } from "./ref-format.js";
import type { RefProgram } from "./ref-format.js";
import { describeProblems, replayProgram } from "./replay.js";
import type { Leak, ReplayOptions } from "./replay.js";
import { resolveArgs } from "./resolve-args.js";
import { replayIsolated } from "./isolated-replay.js";
import type { IsolatedReplayOptions, ReplayOutcome } from "./isolated-replay.js";

/** The directory holding the 40 bundled reference traces and `points.tsv`. */
export const BUNDLED_REFS_DIR: string = fileURLToPath(new URL("../refs/", import.meta.url));

/** The file that gives each test its points: a `test<TAB>points` header, then one test per line. */
export const POINTS_FILE = "points.tsv";

/** Bad input from the user (an unreadable or malformed file, an unknown option value): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A reference program ready to run. */
export interface LoadedRef {
  readonly path: string;
  /** The exact file contents: the expected trace. */
  readonly expected: string;
  readonly program: RefProgram;
  /** From the `points.tsv` beside the file (or the bundled one); 0 when not listed. */
  readonly points: number;
}

/** The verdict on one reference program. */
export interface CheckResult {
  /** The file name without `.ref`. */
  readonly name: string;
  /** Trace identical, no violation or crash, and (in strict mode) no leak. */
  readonly passed: boolean;
  /** The test's points (awarded only when it passed). */
  readonly points: number;
  /** A unified diff from the expected to the produced trace; `""` when they are identical. */
  readonly diff: string;
  /** The first line (1-based) where the produced trace departs from the reference; absent when identical. */
  readonly divergesAtLine?: number;
  readonly leaks: readonly Leak[];
  /** Violations and the crash, one per line, when there were any. */
  readonly error?: string;
  /**
   * Isolated runs only: how many times the program was run again because the rest of the child process
   * disturbed the run (it moved the break, or something mapped above the break kept it from growing),
   * so the trace could not match. The verdict is always that of a byte-for-byte comparison of the last run.
   */
  readonly retries?: number;
}

/** How many times an isolated run is repeated when the break was moved behind the heap's back. */
export const MAX_INTERFERENCE_RETRIES = 2;

/** Options of {@link checkRef} and {@link checkRefs}. */
export interface CheckOptions extends Omit<ReplayOptions, "backend"> {
  /** Makes a fresh backend for each program; default backend-sim. */
  createBackend?: () => SyscallBackend;
  /** When set, each program runs in a child process with these components (by CLI name) instead. */
  isolated?: IsolatedReplayOptions;
  /** When set, a program that leaks fails. */
  strict?: boolean;
}

/**
 * Reads `points.tsv` from `dir` into a map from test name to points.
 * @returns an empty map when the file does not exist.
 * @throws UsageError when the file exists but a line is malformed.
 */
export function loadPoints(dir: string): Map<string, number> {
  const points = new Map<string, number>();
  let text: string;
  try {
    text = readFileSync(join(dir, POINTS_FILE), "utf8");
  } catch {
    return points;
  }
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "" || (i === 0 && line.startsWith("test\t"))) continue;
    const [name, value] = line.split("\t");
    if (name === undefined || value === undefined || !/^[0-9]+$/.test(value.trim())) {
      throw new UsageError(`${join(dir, POINTS_FILE)}:${i + 1}: expected "test<TAB>points"`);
    }
    points.set(name, Number(value));
  }
  return points;
}

/** The test name of a `.ref` path. */
export const refName = (path: string): string => basename(path).replace(/\.ref$/, "");

/**
 * Expands files and directories into `.ref` paths. A directory gives its `.ref` files in the order of
 * its `points.tsv`, then the unlisted ones by name. No paths means the bundled references.
 * @throws UsageError for a path that does not exist.
 */
export function findRefs(paths: readonly string[] = []): string[] {
  if (paths.length === 0) return findRefs([BUNDLED_REFS_DIR]);
  return paths.flatMap((path) => {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      throw new UsageError(`cannot read ${path}: no such file or directory`);
    }
    if (!isDirectory) return [path];
    const order = [...loadPoints(path).keys()];
    const rank = (name: string): number => (order.includes(name) ? order.indexOf(name) : order.length);
    return readdirSync(path)
      .filter((file) => file.endsWith(".ref"))
      .sort((a, b) => rank(refName(a)) - rank(refName(b)) || a.localeCompare(b))
      .map((file) => join(path, file));
  });
}

/**
 * Reads and parses `.ref` files (expanded by {@link findRefs}) with their points.
 * @throws UsageError for an unreadable file or one that is not a valid reference program.
 */
export function loadRefs(paths: readonly string[] = []): LoadedRef[] {
  const bundledPoints = loadPoints(BUNDLED_REFS_DIR);
  const pointsByDir = new Map<string, Map<string, number>>();
  return findRefs(paths).map((path) => {
    let expected: string;
    try {
      expected = readFileSync(path, "utf8");
    } catch (error) {
      throw new UsageError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const name = refName(path);
    let program: RefProgram;
    try {
      program = parseRef(expected, name);
      resolveArgs(program);
    } catch (error) {
      if (error instanceof RefParseError) throw new UsageError(`${path} is not a reference trace: ${error.message}`);
      throw error;
    }
    const dir = resolve(dirname(path));
    const points = pointsByDir.get(dir) ?? loadPoints(dir);
    pointsByDir.set(dir, points);
    return { path, expected, program, points: points.get(name) ?? bundledPoints.get(name) ?? 0 };
  });
}

/** Replays one loaded program and grades it. Never throws for allocator errors. */
export function checkRef(ref: LoadedRef, options: CheckOptions = {}): CheckResult {
  const { createBackend, isolated, strict = false, ...replayOptions } = options;
  let replay = isolated !== undefined ? replayIsolated(ref.path, isolated) : replayHere(ref, createBackend, replayOptions);
  let retries = 0;
  while (isolated !== undefined && replay.text !== ref.expected && replay.interference !== undefined && retries < MAX_INTERFERENCE_RETRIES) {
    retries += 1;
    replay = replayIsolated(ref.path, isolated);
  }
  const isIdentical = replay.text === ref.expected;
  const diff = isIdentical
    ? ""
    : createTwoFilesPatch(`${ref.program.name}.ref`, `${ref.program.name} (produced)`, ref.expected, replay.text);
  const problems = describeProblems(replay);
  const passed = isIdentical && problems.length === 0 && (!strict || replay.leaks.length === 0);
  const result = {
    name: ref.program.name,
    passed,
    points: ref.points,
    diff,
    ...(isIdentical ? {} : { divergesAtLine: firstDifferingLine(ref.expected, replay.text) }),
    leaks: replay.leaks,
    ...(retries > 0 ? { retries } : {}),
  };
  return problems.length === 0 ? result : { ...result, error: problems.join("\n") };
}

/** The first 1-based line where `a` and `b` differ (one past the shorter when one is a prefix). */
export function firstDifferingLine(a: string, b: string): number {
  const left = a.split("\n");
  const right = b.split("\n");
  let line = 0;
  while (line < left.length && line < right.length && left[line] === right[line]) line += 1;
  return line + 1;
}

function replayHere(ref: LoadedRef, createBackend: (() => SyscallBackend) | undefined, options: Omit<ReplayOptions, "backend">): ReplayOutcome {
  const backend = createBackend?.();
  return replayProgram(ref.program, backend === undefined ? options : { ...options, backend });
}

/**
 * Loads and checks `.ref` files (default: the 40 bundled ones, in `points.tsv` order).
 * @param onProgress called before each program runs, with its 0-based position and the total.
 * @throws UsageError when a file cannot be loaded; nothing runs then.
 */
export function checkRefs(
  paths: readonly string[] = [],
  options: CheckOptions = {},
  onProgress?: (index: number, total: number, name: string) => void,
): CheckResult[] {
  const refs = loadRefs(paths);
  return refs.map((ref, index) => {
    onProgress?.(index, refs.length, ref.program.name);
    return checkRef(ref, options);
  });
}
