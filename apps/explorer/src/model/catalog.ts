// The programs bundled with the page: the 40 reference programs and the malloclab workloads of the
// harness, loaded lazily (each one is its own asset, fetched from the same origin on first use).
import { programFromRef, programFromRep, type Program } from "./program.js";

const refFiles = import.meta.glob<string>("../../../harness/refs/*.ref", { query: "?raw", import: "default" });
const repFiles = import.meta.glob<string>("../../../harness/traces/*.rep", { query: "?raw", import: "default" });

const nameOf = (path: string): string => path.replace(/^.*\//, "").replace(/\.re[fp]$/, "");
const byName = (files: Record<string, () => Promise<string>>): Map<string, () => Promise<string>> =>
  new Map(Object.entries(files).map(([path, load]) => [nameOf(path), load]).sort(([a], [b]) => String(a).localeCompare(String(b))) as [string, () => Promise<string>][]);

const refs = byName(refFiles);
const reps = byName(repFiles);

/** Names of the bundled reference programs, sorted. */
export const REF_NAMES: readonly string[] = [...refs.keys()];
/** Names of the bundled workloads, sorted. */
export const REP_NAMES: readonly string[] = [...reps.keys()];

/** The program a shareable link or the menu names. @throws Error for a name that is not bundled. */
export async function loadBundled(kind: "ref" | "rep", name: string): Promise<Program> {
  const load = (kind === "ref" ? refs : reps).get(name);
  if (load === undefined) throw new Error(`no bundled ${kind === "ref" ? "reference program" : "workload"} named '${name}'`);
  const text = await load();
  return kind === "ref" ? programFromRef(text, name) : programFromRep(text, name);
}
