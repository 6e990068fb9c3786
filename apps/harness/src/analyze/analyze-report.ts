// Prints analysis results for people (a table per trace × policy, a per-policy summary and the
// problems found) and for machines (one NDJSON object per run). Pure string building: colors come in
// as a picocolors instance; nothing here writes to a stream.
import type { Colors } from "../report.js";
import { summarizeByPolicy } from "./metrics.js";
import type { WorkloadMetrics } from "./metrics.js";
import type { WorkloadRun } from "./workload-replay.js";

const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;

/** `1234567` → `1.23M`, `98765` → `98.8k`. */
export function formatRate(opsPerSec: number): string {
  if (opsPerSec >= 1e6) return `${(opsPerSec / 1e6).toFixed(2)}M`;
  if (opsPerSec >= 1e3) return `${(opsPerSec / 1e3).toFixed(1)}k`;
  return opsPerSec.toFixed(0);
}

interface Column {
  readonly title: string;
  readonly align: "left" | "right";
  readonly cell: (m: WorkloadMetrics) => string;
}

const COLUMNS: readonly Column[] = [
  { title: "trace", align: "left", cell: (m) => m.trace },
  { title: "policy", align: "left", cell: (m) => m.policy },
  { title: "util", align: "right", cell: (m) => percent(m.peakUtilization) },
  { title: "bound", align: "right", cell: (m) => percent(m.utilizationBound) },
  { title: "int frag", align: "right", cell: (m) => percent(m.internalFragmentation) },
  { title: "ext frag", align: "right", cell: (m) => percent(m.externalFragmentation) },
  { title: "brk", align: "right", cell: (m) => String(m.syscalls.brk) },
  { title: "mmap", align: "right", cell: (m) => String(m.syscalls.mmap) },
  { title: "munmap", align: "right", cell: (m) => String(m.syscalls.munmap) },
  { title: "ops/s", align: "right", cell: (m) => formatRate(m.opsPerSec) },
  { title: "fail", align: "right", cell: (m) => String(m.failures) },
  { title: "status", align: "left", cell: (m) => (m.violations + m.errors === 0 ? "ok" : `${m.violations + m.errors} problems`) },
];

const pad = (text: string, width: number, align: Column["align"]): string =>
  align === "left" ? text.padEnd(width) : text.padStart(width);

/** Colors a utilization cell: green from 90%, yellow from 60%, red below. */
function colorUtilization(text: string, fraction: number, colors: Colors): string {
  if (fraction >= 0.9) return colors.green(text);
  if (fraction >= 0.6) return colors.yellow(text);
  return colors.red(text);
}

/** The results table, one row per run, a blank line between traces. Ends with a newline. */
export function formatAnalysisTable(metrics: readonly WorkloadMetrics[], colors: Colors): string {
  const cells = metrics.map((m) => COLUMNS.map((column) => column.cell(m)));
  const widths = COLUMNS.map((column, c) => Math.max(column.title.length, ...cells.map((row) => (row[c] ?? "").length)));
  const header = COLUMNS.map((column, c) => pad(column.title, widths[c] ?? 0, column.align)).join("  ");
  const out = [colors.bold(header), colors.dim("-".repeat(header.length))];
  metrics.forEach((m, r) => {
    if (r > 0 && metrics[r - 1]?.trace !== m.trace) out.push("");
    const row = COLUMNS.map((column, c) => {
      const text = pad(cells[r]?.[c] ?? "", widths[c] ?? 0, column.align);
      if (column.title === "util") return colorUtilization(text, m.peakUtilization, colors);
      if (column.title === "fail" && m.failures > 0) return colors.yellow(text);
      if (column.title === "status") return m.violations + m.errors === 0 ? colors.green(text) : colors.red(text);
      if (column.title === "trace" && r > 0 && metrics[r - 1]?.trace === m.trace) return " ".repeat(text.length);
      return text;
    });
    out.push(row.join("  "));
  });
  return `${out.join("\n")}\n`;
}

/** The per-policy summary: mean utilization and geometric-mean throughput. Ends with a newline. */
export function formatSummary(metrics: readonly WorkloadMetrics[], colors: Colors): string {
  const summaries = summarizeByPolicy(metrics);
  const width = Math.max(6, ...summaries.map((s) => s.policy.length));
  const lines = [colors.bold(`${"policy".padEnd(width)}  traces  mean util  mean bound  geomean ops/s  failures  problems`)];
  for (const s of summaries) {
    lines.push(
      `${s.policy.padEnd(width)}  ${String(s.traces).padStart(6)}  ${colorUtilization(percent(s.meanUtilization).padStart(9), s.meanUtilization, colors)}` +
        `  ${percent(s.meanUtilizationBound).padStart(10)}  ${formatRate(s.geomeanOpsPerSec).padStart(13)}  ${String(s.failures).padStart(8)}  ` +
        (s.problems === 0 ? colors.green(String(s.problems).padStart(8)) : colors.red(String(s.problems).padStart(8))),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The problems of every run, one line each (`trace × policy: op #i (line l): message`). */
export function formatProblems(runs: readonly WorkloadRun[], colors: Colors): string {
  const lines: string[] = [];
  for (const run of runs) {
    const { trace, policy, violations, errors } = run.metrics;
    for (const problem of run.problems) {
      lines.push(colors.red(`${trace} × ${policy}: op #${problem.opIndex} (line ${problem.line}) ${problem.kind}: ${problem.message}`));
    }
    const hidden = violations + errors - run.problems.length;
    if (hidden > 0) lines.push(colors.dim(`${trace} × ${policy}: ... ${hidden} more problems`));
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

/** The whole human report: table, summary, then problems. Ends with a newline. */
export function formatAnalysisReport(runs: readonly WorkloadRun[], colors: Colors, checksNote: string): string {
  const metrics = runs.map((run) => run.metrics);
  const problems = formatProblems(runs, colors);
  return [formatAnalysisTable(metrics, colors), formatSummary(metrics, colors), colors.dim(checksNote) + "\n", problems]
    .filter((part) => part !== "")
    .join("\n");
}

/** One run as an NDJSON line (no newline): the metrics record, plus `problems` when there were any. */
export function formatAnalysisJson(run: WorkloadRun): string {
  return JSON.stringify(run.problems.length === 0 ? run.metrics : { ...run.metrics, problems: run.problems });
}
