// Prints check results for people (the classic checker table, failure details with colored diffs and
// the total) and for machines (NDJSON). Pure string building: colors come in as a picocolors instance,
// nothing here writes to a stream or reads the environment.
import type picocolors from "picocolors";
import type { CheckResult } from "./check.js";
import type { Leak } from "./replay.js";

/** A set of color functions (identity functions when colors are off). */
export type Colors = ReturnType<typeof picocolors.createColors>;

/** The column where `passed`/`failed` starts; longer names push it right. */
const STATUS_COLUMN = 44;
/** Longest diff shown per failure in the human report (the JSON report has all of it). */
export const MAX_DIFF_LINES = 120;

/** Points earned and available over `results`. */
export function totalPoints(results: readonly CheckResult[]): { earned: number; available: number } {
  let earned = 0;
  let available = 0;
  for (const result of results) {
    available += result.points;
    if (result.passed) earned += result.points;
  }
  return { earned, available };
}

const leakBytes = (leaks: readonly Leak[]): number => leaks.reduce((sum, leak) => sum + leak.sizeBytes, 0);
const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;

/** One table line: `name ....... passed  [ 3/ 3]`, plus a leak note when blocks were left. */
export function formatTableLine(result: CheckResult, colors: Colors, pointsWidth = 2): string {
  const dots = ".".repeat(Math.max(3, STATUS_COLUMN - result.name.length - 2));
  const status = result.passed ? colors.green("passed") : colors.red("failed");
  const earned = String(result.passed ? result.points : 0).padStart(pointsWidth);
  const points = `[${earned}/${String(result.points).padStart(pointsWidth)}]`;
  const leaks =
    result.leaks.length === 0
      ? ""
      : colors.yellow(`  leaked ${plural(result.leaks.length, "block")} (${plural(leakBytes(result.leaks), "byte")})`);
  const retried =
    result.retries === undefined ? "" : colors.dim(`  (run ${result.retries + 1} times: the rest of the process disturbed the break)`);
  const diverges = result.divergesAtLine === undefined ? "" : colors.dim(`  diverges at line ${result.divergesAtLine}`);
  return `${result.name} ${colors.dim(dots)} ${status}  ${points}${diverges}${leaks}${retried}`;
}

/** Colors a unified diff: removals red, additions green, hunk headers cyan. Truncates long diffs. */
export function colorDiff(diff: string, colors: Colors, maxLines = MAX_DIFF_LINES): string {
  const lines = diff.replace(/\n$/, "").split("\n");
  const shown = lines.slice(0, maxLines).map((line) => {
    if (line.startsWith("+++") || line.startsWith("---") || line.startsWith("===")) return colors.bold(line);
    if (line.startsWith("@@")) return colors.cyan(line);
    if (line.startsWith("+")) return colors.green(line);
    if (line.startsWith("-")) return colors.red(line);
    return line;
  });
  if (lines.length > maxLines) shown.push(colors.dim(`... ${lines.length - maxLines} more diff lines (see --json)`));
  return shown.join("\n");
}

/** The details of one failed test: its error, its leaks and its diff. */
export function formatFailure(result: CheckResult, colors: Colors): string {
  const out = [colors.bold(`--- ${result.name} ---`)];
  if (result.error !== undefined) out.push(...result.error.split("\n").map((line) => colors.red(`error: ${line}`)));
  for (const leak of result.leaks) out.push(colors.yellow(`leak: ${leak.addr} (${leak.sizeBytes} bytes, ${leak.status})`));
  if (result.diff !== "") out.push(colorDiff(result.diff, colors));
  return out.join("\n");
}

/** The whole human report: table, failure details, then `Total: X/Y`. Ends with a newline. */
export function formatHumanReport(results: readonly CheckResult[], colors: Colors): string {
  const { earned, available } = totalPoints(results);
  const pointsWidth = Math.max(2, ...results.map((result) => String(result.points).length));
  const out = results.map((result) => formatTableLine(result, colors, pointsWidth));
  const failures = results.filter((result) => !result.passed);
  if (failures.length > 0) out.push("", ...failures.map((result) => `${formatFailure(result, colors)}\n`));
  else out.push("");
  const total = `Total: ${earned}/${available}`;
  out.push(earned === available ? colors.green(colors.bold(total)) : colors.bold(total));
  return `${out.join("\n")}\n`;
}

/** One result as an NDJSON line (no newline): `name`, `passed`, `points`, `diff`, `leaks`, `error` when set. */
export function formatJsonLine(result: CheckResult): string {
  const { name, passed, points, diff, divergesAtLine, leaks, error, retries } = result;
  return JSON.stringify({
    name,
    passed,
    points,
    diff,
    ...(divergesAtLine === undefined ? {} : { divergesAtLine }),
    leaks,
    ...(error === undefined ? {} : { error }),
    ...(retries === undefined ? {} : { retries }),
  });
}
