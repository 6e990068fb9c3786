// The stats panel: bytes requested vs. in use vs. taken from the OS, fragmentation, syscall counts,
// the checker's verdict, and two small charts over the run with the current step marked: utilization
// and external fragmentation, and bytes requested vs. in use vs. taken from the OS. Pure: data in, HTML text out.
import { PALETTE, escapeXml, formatBytes, formatPercent } from "@osmem/harness/browser";
import type { HeapPicture } from "../model/picture.js";
import type { Sample, Timeline } from "../model/timeline.js";

/** The charts' size in SVG units; the plot spans x = `left` .. `width - right` (exported for the browser tests). */
export const CHART = { width: 360, height: 120, left: 58, right: 8, top: 8, bottom: 18 } as const;

/** The chart's plot area in SVG units; a click at `x` maps to a step with {@link stepAtChartX}. */
const plotWidth = CHART.width - CHART.left - CHART.right;

/** The step a click at SVG x-coordinate `x` points at. */
export function stepAtChartX(x: number, steps: number): number {
  return Math.round(Math.max(0, Math.min(1, (x - CHART.left) / plotWidth)) * steps);
}

/** One line of a chart: a value per sample. */
interface ChartLine {
  readonly name: string;
  readonly color: string;
  readonly value: (sample: Sample) => number;
}

/**
 * A small chart of `lines` over the run, from 0 to `top` (labelled by `label`), with a cursor at
 * `step`. Clicks map back to steps with {@link stepAtChartX}.
 */
function renderChart(timeline: Timeline, steps: number, step: number, lines: readonly ChartLine[], top: number, label: (value: number) => string, title: string): string {
  const h = CHART.height - CHART.top - CHART.bottom;
  const xOf = (s: number): number => CHART.left + (steps === 0 ? 0 : (s / steps) * plotWidth);
  const yOf = (value: number): number => CHART.top + h - Math.max(0, Math.min(1, top === 0 ? 0 : value / top)) * h;
  const polyline = (line: ChartLine): string => {
    const points = timeline.samples.map((s) => `${xOf(s.step).toFixed(1)},${yOf(line.value(s)).toFixed(1)}`).join(" ");
    return `<polyline class="series" data-series="${line.name}" points="${points}" fill="none" stroke="${line.color}" stroke-width="1.5"/>`;
  };
  const grid = [0, top / 2, top]
    .map((v) => `<line x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${yOf(v)}" y2="${yOf(v)}" stroke="#e5e5e5"/><text x="${CHART.left - 4}" y="${yOf(v) + 4}" font-size="10" text-anchor="end" fill="#666">${escapeXml(label(v))}</text>`)
    .join("");
  const cursor = `<line class="cursor" x1="${xOf(step)}" x2="${xOf(step)}" y1="${CHART.top}" y2="${CHART.top + h}" stroke="#d62728" stroke-width="1.5"/>`;
  const axis = `<text x="${CHART.left}" y="${CHART.height - 4}" font-size="10" fill="#666">step 0</text><text x="${CHART.width - CHART.right}" y="${CHART.height - 4}" font-size="10" text-anchor="end" fill="#666">${steps}</text>`;
  const legend = lines.map((l) => `<span style="color:${l.color}">━ ${escapeXml(l.name)}</span>`).join(" ");
  return (
    `<svg class="timeline-chart" viewBox="0 0 ${CHART.width} ${CHART.height}" width="${CHART.width}" height="${CHART.height}" role="img" aria-label="${escapeXml(title)}">` +
    grid + lines.map(polyline).join("") + cursor + axis +
    `</svg><div class="legend">${legend} <span class="muted">(click to jump)</span></div>`
  );
}

const color = (i: number): string => PALETTE[i] ?? "#000";

/** Utilization and external fragmentation over the run (0–100%), and requested / in use / from the OS in bytes. */
export function renderCharts(timeline: Timeline, steps: number, step: number): string {
  const ratios: ChartLine[] = [
    { name: "utilization", color: color(0), value: (s) => s.utilization },
    { name: "external fragmentation", color: color(1), value: (s) => s.externalFragmentation },
  ];
  const bytes: ChartLine[] = [
    { name: "requested", color: color(2), value: (s) => s.requestedBytes },
    { name: "in use", color: color(0), value: (s) => s.inUseBytes },
    { name: "from the OS", color: color(3), value: (s) => s.footprintBytes },
  ];
  const peak = Math.max(1, ...timeline.samples.map((s) => s.footprintBytes));
  return (
    renderChart(timeline, steps, step, ratios, 1, (v) => `${Math.round(v * 100)}%`, "utilization and fragmentation over time") +
    renderChart(timeline, steps, step, bytes, peak, (v) => formatBytes(Math.round(v)), "bytes requested, in use and taken from the OS over time")
  );
}

/** The figures of `picture` and the checker's verdict. */
export function renderStats(picture: HeapPicture, timeline: Timeline, steps: number): string {
  const s = picture.stats;
  const utilization = picture.footprintBytes === 0 ? 0 : picture.requestedBytes / picture.footprintBytes;
  const rows: [string, string, string][] = [
    ["requested", formatBytes(picture.requestedBytes), "bytes the program asked for and still holds"],
    ["in use", formatBytes(s.bytesInUse), "payload bytes of allocated (slabs included) and mapped blocks"],
    ["free", `${formatBytes(s.bytesFree)} in ${s.freeBlocks} block(s)`, "payload bytes of free heap blocks"],
    ["from the OS", `${formatBytes(picture.footprintBytes)} (brk ${formatBytes(s.heapBytes)} + mmap ${formatBytes(s.mappedBytes)})`, "break growth plus mapped blocks"],
    ["utilization", `${formatPercent(utilization, 1)} now · ${formatPercent(timeline.peakUtilization, 1)} peak over the run`, "requested ÷ taken from the OS"],
    ["internal frag.", formatBytes(picture.internalFragmentationBytes), "headers, padding and unsplit tails of live blocks"],
    ["external frag.", formatPercent(picture.externalFragmentation, 1), "1 − largest free run ÷ all free bytes (adjacent free blocks are one run)"],
    ["syscalls", `brk ${s.syscalls.brk} · mmap ${s.syscalls.mmap} · munmap ${s.syscalls.munmap}`, "made so far"],
    [
      "blocks",
      `${s.allocBlocks} allocated · ${s.freeBlocks} free · ${s.mappedBlocks} mapped` +
        (s.slabBlocks > 0 ? ` · ${s.slabBlocks} of the allocated are slabs holding ${s.slabObjects} small object(s)` : ""),
      "as the heap counts them (a slab is an allocated block holding small objects of one size)",
    ],
  ];
  const table = rows
    .map(([name, value, help]) => `<tr title="${escapeXml(help)}"><th>${name}</th><td data-stat="${name.replace(/[^a-z]+/g, "-")}">${escapeXml(value)}</td></tr>`)
    .join("");
  const ok = picture.problems.length === 0;
  const verdict = ok
    ? `<div class="checker ok" data-testid="checker" data-ok="true">✔ heap checker: valid (${picture.blocks.length} block(s) walked)</div>`
    : `<div class="checker bad" data-testid="checker" data-ok="false">✘ heap checker: ${picture.problems.length} problem(s)<ul>${picture.problems
        .map((p) => `<li><code>${escapeXml(p.code)}</code> ${escapeXml(p.message)}</li>`)
        .join("")}</ul></div>`;
  return `${verdict}<table class="stats">${table}</table>${renderCharts(timeline, steps, picture.step)}`;
}
