// Turns a BenchReport into padded Markdown tables: readable on a terminal and valid in BENCHMARKS.md.
// Throughput in Mops/s, utilization in percent, per-op cost in ns; "skip" marks points not measured
// (linear-time allocators above the limit). Formatting only: no arithmetic beyond what display needs.
import type { BenchReport } from "./run-bench.js";
import type { AllocatorSummary } from "./summary.js";
import type { TraceGroup } from "./traces.js";

/** A Markdown table with every column padded to its widest cell; the first column left-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, 3, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    `| ${widths.map((w, c) => (c === 0 ? (cells[c] ?? "").padEnd(w) : (cells[c] ?? "").padStart(w))).join(" | ")} |`;
  const rule = `| ${widths.map((w, c) => (c === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

const num = (value: number | undefined, digits: number): string => (value === undefined ? "n/a" : value.toFixed(digits));
const pct = (value: number | undefined): string => (value === undefined ? "n/a" : (value * 100).toFixed(1));
const GROUPS: readonly (TraceGroup | "all")[] = ["classic", "real", "all"];

/** An extra per-trace column before the allocators, with an optional per-group footer. */
interface ExtraColumn {
  readonly label: string;
  readonly cell: (trace: string) => string;
  readonly footer?: (group: TraceGroup | "all") => string;
}

function perTraceTable(report: BenchReport, cell: (trace: string, allocator: string) => string, footer: (s: AllocatorSummary, g: TraceGroup | "all") => string, footerLabel: string, extras: readonly ExtraColumn[] = []): string {
  const rows = report.traces.map((t) => [`${t.name}${t.group === "classic" ? "" : " ·"}`, ...extras.map((e) => e.cell(t.name)), ...report.allocators.map((a) => cell(t.name, a))]);
  for (const group of GROUPS) {
    const count = group === "all" ? report.traces.length : report.traces.filter((t) => t.group === group).length;
    if (count === 0) continue;
    rows.push([`**${footerLabel} ${group} (${count})**`, ...extras.map((e) => e.footer?.(group) ?? ""), ...report.summaries.map((s) => footer(s, group))]);
  }
  return markdownTable(["trace", ...extras.map((e) => e.label), ...report.allocators], rows);
}

function settingsText(report: BenchReport): string {
  const { runs, budgetMs, warmupMs } = report.settings;
  if (runs === 0) return "quick run: each time is the single footprint replay (footprint tracking on, not warmed up), not a median";
  const reduced = report.results.filter((r) => r.runsMs.length < runs).length;
  const more = report.results.filter((r) => r.runsMs.length > runs).length;
  return `median of ${runs} timed replays per (trace, allocator) after 1 footprint replay and untimed warm-up replays of at least ${warmupMs} ms; fewer once they took ${budgetMs / 1000} s (${reduced} of ${report.results.length} pairs), up to ${5 * runs} while they took under ${report.settings.minMs} ms (${more} pairs)`;
}

/** The machine, settings and every table, as Markdown. */
export function renderReport(report: BenchReport): string {
  const m = report.machine;
  const find = (trace: string, allocator: string) => report.results.find((r) => r.trace === trace && r.allocator === allocator);
  const failures = report.results.filter((r) => r.failures > 0).map((r) => `${r.allocator} on ${r.trace}: ${r.failures}`);
  const scalingRows = report.allocators.map((a) => {
    const points = report.scaling.filter((p) => p.allocator === a);
    const summary = report.summaries.find((s) => s.allocator === a);
    return [a, ...points.map((p) => (p.nsPerOp === undefined ? "skip" : num(p.nsPerOp, 0))), summary?.scalingGrowth === undefined ? "n/a" : `${num(summary.scalingGrowth, 2)}× (${summary.scalingSpan ?? ""})`];
  });
  const liveCounts = [...new Set(report.scaling.map((p) => p.liveCount))];
  const sections = [
    `Measured ${report.date.slice(0, 10)} in ${report.elapsedSec.toFixed(0)} s on ${m.cpuCount} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}.`,
    `Settings: ${settingsText(report)}; traces from \`${report.settings.traceSource}\`; scaling points timed for ${report.settings.scalingMs} ms each. Real-program traces are marked \`·\`.`,
    "### Throughput (Mops/s, higher is better)",
    perTraceTable(report, (t, a) => num(find(t, a)?.mopsPerSec, 2), (s, g) => num(s.mops[g], 2), "geomean"),
    "### Throughput relative to @thi.ng/malloc (geomean ratio)",
    markdownTable(["allocator", "classic", "real", "all"], report.summaries.map((s) => {
      const thing = report.summaries.find((t) => t.allocator === "thi.ng/malloc");
      const ratio = (g: TraceGroup | "all") => (s.mops[g] !== undefined && thing?.mops[g] !== undefined ? `${num((s.mops[g] ?? 0) / (thing.mops[g] ?? 1), 2)}×` : "n/a");
      return [s.allocator, ratio("classic"), ratio("real"), ratio("all")];
    })),
    "### Peak utilization (%, peak live requested bytes ÷ peak footprint, higher is better)",
    perTraceTable(report, (t, a) => pct(find(t, a)?.peakUtilization), (s, g) => pct(s.utilization[g]), "mean", [
      { label: "peak live KiB", cell: (t) => num((report.results.find((r) => r.trace === t)?.peakLiveBytes ?? 0) / 1024, 0) },
      {
        label: "bound",
        cell: (t) => pct(report.traces.find((x) => x.name === t)?.utilizationBound),
        footer: (g) => pct(report.utilizationBounds[g]),
      },
    ]),
    "`bound`: the most any allocator with the 32-byte header and 8-byte alignment can reach on the trace (peak live ÷ the largest sum of aligned payloads plus headers; `osmem analyze` reports it too).",
    `### Per-op cost with N live blocks (ns/op, sizes 8–512, free-random/malloc pairs; "skip": O(n) allocators above ${report.settings.linearLimit})`,
    markdownTable(["allocator", ...liveCounts.map((n) => `1e${Math.round(Math.log10(n))}`), "growth"], scalingRows),
    "### Targets",
    markdownTable(["target", "measured", "met"], report.targets.map((t) => [t.target, t.measured, t.met ? "yes" : "**no**"])),
  ];
  if (failures.length > 0) sections.push(`Failed requests (NULL for a non-zero size): ${failures.join("; ")}.`);
  return `${sections.join("\n\n")}\n`;
}
