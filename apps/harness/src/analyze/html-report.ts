// Builds the `--report` page: one self-contained HTML file (inline CSS and SVG, no script, no network)
// with a summary table, then per trace its metrics, charts over time, syscall counts and the heap map
// of every policy at the peak. Pure string building; every name and message is escaped.
import { summarizeByPolicy } from "./metrics.js";
import { HEAP_MAP_COLORS, heapMapSvg } from "./heap-map-svg.js";
import { barChart, escapeXml, formatBytes, formatPercent, lineChart } from "./svg-charts.js";
import type { LineSeries } from "./svg-charts.js";
import { formatRate } from "./analyze-report.js";
import type { WorkloadRun } from "./workload-replay.js";

/** Options of {@link buildHtmlReport}. */
export interface HtmlReportOptions {
  /** The page title. */
  readonly title?: string;
  /** A line saying when and how the data was made (printed under the title). */
  readonly subtitle?: string;
}

const STYLE = `
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f; margin: 0 auto; padding: 24px 32px 64px; max-width: 1040px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 21px; margin: 40px 0 8px; border-bottom: 2px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 20px 0 6px; } p.note { color: #555; margin: 4px 0 12px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e3e3e3; text-align: right; } th { background: #f6f6f6; font-weight: 600; }
td:first-child, th:first-child { text-align: left; } td.bad { color: #b00020; font-weight: 600; } td.ok { color: #1b7a3a; }
.charts { display: flex; flex-wrap: wrap; gap: 8px 16px; }
svg text { font-family: inherit; } .chart-title { font-size: 14px; font-weight: 600; } .axis-label { font-size: 12px; fill: #444; }
.tick { font-size: 11px; fill: #555; } .bar-value { font-size: 10px; fill: #333; } .legend text { font-size: 12px; }
.grid { stroke: #e8e8e8; } .axis { stroke: #888; } .series { stroke-width: 2; } .series:hover { stroke-width: 4; }
.hit { fill: transparent; } .hit:hover { fill: rgba(0,0,0,0.15); stroke: #000; stroke-width: 1; } .block-edge { stroke: #fff; stroke-width: 1; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -1px; margin: 0 4px 0 12px; }
ul.problems { color: #b00020; font-family: ui-monospace, monospace; font-size: 13px; }
`;

const td = (text: string, className = ""): string => `<td${className === "" ? "" : ` class="${className}"`}>${escapeXml(text)}</td>`;

function metricsTable(runs: readonly WorkloadRun[], firstColumn: "trace" | "policy"): string {
  const head = [firstColumn, "utilization", "bound (32-byte header)", "peak live", "peak footprint", "int frag", "ext frag", "brk", "mmap", "munmap", "ops/s", "failures", "problems"];
  const rows = runs.map(({ metrics: m }) =>
    [
      td(firstColumn === "trace" ? `${m.trace} × ${m.policy}` : m.policy),
      td(formatPercent(m.peakUtilization, 1)),
      td(formatPercent(m.utilizationBound, 1)),
      td(formatBytes(m.peakLiveBytes)),
      td(formatBytes(m.peakFootprintBytes)),
      td(`${formatPercent(m.internalFragmentation, 1)} (${formatBytes(m.internalFragmentationBytes)})`),
      td(formatPercent(m.externalFragmentation, 1)),
      td(String(m.syscalls.brk)),
      td(String(m.syscalls.mmap)),
      td(String(m.syscalls.munmap)),
      td(formatRate(m.opsPerSec)),
      td(String(m.failures), m.failures > 0 ? "bad" : ""),
      td(String(m.violations + m.errors), m.violations + m.errors > 0 ? "bad" : "ok"),
    ].join(""),
  );
  return `<table><thead><tr>${head.map((h) => `<th>${escapeXml(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r}</tr>`).join("")}</tbody></table>`;
}

function summaryTable(runs: readonly WorkloadRun[]): string {
  const rows = summarizeByPolicy(runs.map((run) => run.metrics)).map(
    (s) =>
      `<tr>${td(s.policy)}${td(String(s.traces))}${td(formatPercent(s.meanUtilization, 1))}${td(formatPercent(s.meanUtilizationBound, 1))}${td(formatRate(s.geomeanOpsPerSec))}` +
      `${td(String(s.failures), s.failures > 0 ? "bad" : "")}${td(String(s.problems), s.problems > 0 ? "bad" : "ok")}</tr>`,
  );
  return `<table><thead><tr><th>policy</th><th>traces</th><th>mean utilization</th><th>mean bound</th><th>geomean ops/s</th><th>failures</th><th>problems</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function seriesOf(runs: readonly WorkloadRun[], pick: (run: WorkloadRun) => readonly number[]): LineSeries[] {
  return runs.map((run) => ({ name: run.metrics.policy, xs: run.series.opIndex, ys: pick(run) }));
}

function traceSection(trace: string, runs: readonly WorkloadRun[]): string {
  const id = `trace-${trace.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const charts = [
    lineChart({ title: "Utilization over time", xLabel: "op index", yLabel: "live requested ÷ footprint", series: seriesOf(runs, (r) => r.series.utilization), formatY: (v) => formatPercent(v), yMax: 1 }),
    lineChart({ title: "Footprint over time", xLabel: "op index", yLabel: "heap + mapped bytes", series: seriesOf(runs, (r) => r.series.footprintBytes), formatY: formatBytes }),
    lineChart({ title: "External fragmentation over time", xLabel: "op index", yLabel: "1 − largest free ÷ free", series: seriesOf(runs, (r) => r.series.externalFragmentation), formatY: (v) => formatPercent(v), yMax: 1 }),
    barChart({
      title: "Syscalls",
      yLabel: "calls",
      groups: runs.map((r) => r.metrics.policy),
      categories: ["brk", "mmap", "munmap"],
      values: runs.map((r) => [r.metrics.syscalls.brk, r.metrics.syscalls.mmap, r.metrics.syscalls.munmap]),
    }),
  ];
  const maps = runs.map((run) => {
    const m = run.metrics;
    const title = `<h3>Heap map: ${escapeXml(m.policy)}</h3>`;
    if (run.heapMap === undefined) return `${title}<p class="note">Nothing was live at any point.</p>`;
    const map = run.heapMap;
    const note =
      `After op #${map.opIndex} (peak live bytes): heap ${escapeXml(formatBytes(map.heapBytes))}, mapped ${escapeXml(formatBytes(map.mappedBytes))}, ` +
      `${map.blocks.length} blocks; free ${escapeXml(formatBytes(m.freeBytesAtPeak))}, largest free run ${escapeXml(formatBytes(m.largestFreeBytesAtPeak))}.`;
    return `${title}<p class="note">${note}</p>${heapMapSvg(map)}`;
  });
  const problems = runs.flatMap((run) =>
    run.problems.map((p) => `<li>${escapeXml(`${run.metrics.policy}: op #${p.opIndex} (line ${p.line}) ${p.kind}: ${p.message}`)}</li>`),
  );
  return (
    `<section id="${escapeXml(id)}"><h2>${escapeXml(trace)}</h2>` +
    `<p class="note">${runs[0]?.metrics.ops ?? 0} ops${runs[0]?.metrics.contentChecks === true ? ", content checks on" : ", content checks off"}.</p>` +
    metricsTable(runs, "policy") +
    (problems.length > 0 ? `<ul class="problems">${problems.join("")}</ul>` : "") +
    `<div class="charts">${charts.join("")}</div>${maps.join("")}</section>`
  );
}

const legendItem = (color: string, text: string): string => `<span class="swatch" style="background:${color}"></span>${escapeXml(text)}`;

/** The whole report page for `runs`. Self-contained: no external resources of any kind. */
export function buildHtmlReport(runs: readonly WorkloadRun[], options: HtmlReportOptions = {}): string {
  const title = options.title ?? "osmem workload analysis";
  const byTrace = new Map<string, WorkloadRun[]>();
  for (const run of runs) {
    const group = byTrace.get(run.metrics.trace);
    if (group === undefined) byTrace.set(run.metrics.trace, [run]);
    else group.push(run);
  }
  const toc = [...byTrace.keys()].map((trace) => `<a href="#trace-${escapeXml(trace.replace(/[^A-Za-z0-9_-]/g, "_"))}">${escapeXml(trace)}</a>`).join(" · ");
  const legend =
    legendItem(HEAP_MAP_COLORS.requested, "requested bytes") +
    legendItem(HEAP_MAP_COLORS.overhead, "overhead: headers, alignment padding, unsplit tails") +
    legendItem(HEAP_MAP_COLORS.free, "free") +
    legendItem(HEAP_MAP_COLORS.mapped, "mapped (requested)");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
${options.subtitle === undefined ? "" : `<p class="note">${escapeXml(options.subtitle)}</p>`}
<h2>Summary</h2>
${summaryTable(runs)}
${metricsTable(runs, "trace")}
<h2>How to read this report</h2>
<p><b>Utilization</b> is the most requested bytes live at once divided by the largest footprint (bytes taken from the break plus mapped block bytes); 100% would mean no byte wasted at the worst moment. <b>Internal fragmentation</b> is measured at the peak of live bytes: headers, alignment padding and unsplit tails of allocated blocks, as a share of the footprint. <b>External fragmentation</b> is 1 − largest free run ÷ all free bytes (adjacent free blocks count as one run, since the allocator merges them before a search): 0% means all free memory is one block, values near 100% mean it is scattered in pieces too small to use.</p>
<p>Each heap map shows the heap at the peak, to scale, its address range wrapped into rows (offsets from the heap start on the left). Each pixel column is split by how its bytes are used: ${legend}. Hover a block for its details. Free gaps between allocated blocks are the external fragmentation you can see; orange is the internal fragmentation.</p>
<p class="note">Navigation: ${toc}</p>
${[...byTrace].map(([trace, group]) => traceSection(trace, group)).join("\n")}
</body>
</html>
`;
}
