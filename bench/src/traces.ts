// Which traces a run uses and where they come from: the 24 of BENCHMARKS.md from ../shared/traces
// (relative to the repository root) when that folder exists, else the harness's 17 bundled traces,
// else a folder or files the user names. Classifies each trace as classic (CMU `*-bal`) or real.
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The 11 classic CMU malloclab traces (balanced versions). */
export const CLASSIC_TRACES: readonly string[] = [
  "amptjp-bal", "binary-bal", "binary2-bal", "cccp-bal", "coalescing-bal", "cp-decl-bal",
  "expr-bal", "random-bal", "random2-bal", "realloc-bal", "realloc2-bal",
];

/** The 13 traces recorded from real programs. */
export const REAL_TRACES: readonly string[] = [
  "alaska", "bash", "boat", "chrome", "firefox", "firefox-reddit", "firefox-reddit2",
  "freeciv", "mutt", "needle", "pulseaudio", "xterm", "perl",
];

/** `classic` for the CMU `*-bal` traces, `real` for everything else. */
export type TraceGroup = "classic" | "real";

/** One trace file to replay. */
export interface TraceFile {
  readonly name: string;
  readonly path: string;
  readonly group: TraceGroup;
}

/** Where the traces came from, and a note to print when it is not the default set. */
export interface TraceSelection {
  readonly files: readonly TraceFile[];
  readonly source: string;
  readonly note: string | undefined;
}

/** The group of a trace by its name (file name without `.rep`). */
export const groupOf = (name: string): TraceGroup => (name.endsWith("-bal") ? "classic" : "real");

/** The repository root, found from this module (dist/ or src/ of bench/). */
export function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
}

const toFile = (path: string): TraceFile => {
  const name = basename(path).replace(/\.rep$/, "");
  return { name, path, group: groupOf(name) };
};

/** Sorted `*.rep` files of a folder, or the one file given. @throws Error when `path` is missing. */
export function traceFilesAt(path: string): TraceFile[] {
  if (!statSync(path).isDirectory()) return [toFile(path)];
  return readdirSync(path).filter((f) => f.endsWith(".rep")).sort().map((f) => toFile(join(path, f)));
}

/** Orders classic traces first, each group in its list order (unknown names last, by name). */
function ordered(files: TraceFile[]): TraceFile[] {
  const rank = (f: TraceFile): number => {
    const list = [...CLASSIC_TRACES, ...REAL_TRACES];
    const at = list.indexOf(f.name);
    return at >= 0 ? at : list.length + (f.group === "classic" ? 0 : 1000);
  };
  return [...files].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/**
 * The traces to run. `paths` given: their `.rep` files, all of them. Otherwise the 24 named traces
 * from `<root>/../shared/traces` when it exists, else every trace bundled with the harness (with a note).
 * @throws Error when a named path does not exist or a default trace is missing.
 */
export function selectTraces(paths: readonly string[], root = repoRoot()): TraceSelection {
  if (paths.length > 0) {
    const files = paths.flatMap((p) => traceFilesAt(resolve(p)));
    return { files: ordered(files), source: paths.join(", "), note: undefined };
  }
  const shared = resolve(root, "..", "shared", "traces");
  if (existsSync(shared)) {
    const files = [...CLASSIC_TRACES, ...REAL_TRACES].map((name) => toFile(join(shared, `${name}.rep`)));
    const missing = files.filter((f) => !existsSync(f.path)).map((f) => f.name);
    if (missing.length > 0) throw new Error(`${shared} lacks ${missing.join(", ")}`);
    return { files: ordered(files), source: "../shared/traces", note: undefined };
  }
  const bundled = join(root, "apps", "harness", "traces");
  return {
    files: ordered(traceFilesAt(bundled)),
    source: "apps/harness/traces",
    note: `note: ${shared} not found; using the ${traceFilesAt(bundled).length} traces bundled in apps/harness/traces`,
  };
}
