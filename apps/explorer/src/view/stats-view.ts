// The stats panel: bytes requested vs. in use vs. taken from the OS, fragmentation, syscall counts,
// the checker's verdict, and a small chart of utilization and external fragmentation over the run
// with the current step marked. Pure: data in, HTML text out.
import { PALETTE, escapeXml, formatBytes, formatPercent } from "@osmem/harness/browser";
import type { HeapPicture } from "../model/picture.js";
import type { Timeline } from "../model/timeline.js";

const CHART = { width: 340, height: 120, left: 34, right: 8, top: 8, bottom: 18 } as const;

/** The chart's plot area in SVG units; a click at `x` maps to a step with {@link stepAtChartX}. */
const plotWidth = CHART.width - CHART.left - CHART.right;

/** The step a click at SVG x-coordinate `x` points at. */
export function stepAtChartX(x: number, steps: number): number {
  return Math.round(Math.max(0, Math.min(1, (x - CHART.left) / plotWidth)) * steps);
}

/** Utilization and external fragmentation over the run, 0–100%, with a cursor at `step`. */
export function renderChart(timeline: Timeline, steps: number, step: number): string {
  const h = CHART.height - CHART.top - CHART.bottom;
  const xOf = (s: number): number => CHART.left + (steps === 0 ? 0 : (s / steps) * plotWidth);
  const yOf = (ratio: number): number => CHART.top + h - Math.max(0, Math.min(1, ratio)) * h;
  const line = (pick: (i: number) => number, color: string, name: string): string => {
    const points = timeline.samples.map((s, i) => `${xOf(s.step).toFixed(1)},${yOf(pick(i)).toFixed(1)}`).join(" ");
    return `<polyline class="series" data-series="${name}" points="${points}" fill="none" stroke="${color}" stroke-width="1.5"/>`;
  };
  const grid = [0, 0.5, 1]
    .map((r) => `<line x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${yOf(r)}" y2="${yOf(r)}" stroke="#e5e5e5"/><text x="${CHART.left - 4}" y="${yOf(r) + 4}" font-size="10" text-anchor="end" fill="#666">${r * 100}%</text>`)
    .join("");
  const cursor = `<line class="cursor" x1="${xOf(step)}" x2="${xOf(step)}" y1="${CHART.top}" y2="${CHART.top + h}" stroke="#d62728" stroke-width="1.5"/>`;
  const axis = `<text x="${CHART.left}" y="${CHART.height - 4}" font-size="10" fill="#666">step 0</text><text x="${CHART.width - CHART.right}" y="${CHART.height - 4}" font-size="10" text-anchor="end" fill="#666">${steps}</text>`;
  return (
    `<svg class="timeline-chart" viewBox="0 0 ${CHART.width} ${CHART.height}" width="${CHART.width}" height="${CHART.height}" role="img" aria-label="utilization and fragmentation over time">` +
    grid +
    line((i) => timeline.samples[i]?.utilization ?? 0, PALETTE[0] ?? "#0072b2", "utilization") +
    line((i) => timeline.samples[i]?.externalFragmentation ?? 0, PALETTE[1] ?? "#d55e00", "fragmentation") +
    cursor +
    axis +
    `</svg><div class="legend"><span style="color:${PALETTE[0]}">━ utilization</span> <span style="color:${PALETTE[1]}">━ external fragmentation</span> <span class="muted">(click to jump)</span></div>`
  );
}

/** The figures of `picture` and the checker's verdict. */
export function renderStats(picture: HeapPicture, timeline: Timeline, steps: number): string {
  const s = picture.stats;
  const utilization = picture.footprintBytes === 0 ? 0 : picture.requestedBytes / picture.footprintBytes;
  const rows: [string, string, string][] = [
    ["requested", formatBytes(picture.requestedBytes), "bytes the program asked for and still holds"],
    ["in use", formatBytes(s.bytesInUse), "payload bytes of allocated and mapped blocks"],
    ["free", `${formatBytes(s.bytesFree)} in ${s.freeBlocks} block(s)`, "payload bytes of free heap blocks"],
    ["from the OS", `${formatBytes(picture.footprintBytes)} (brk ${formatBytes(s.heapBytes)} + mmap ${formatBytes(s.mappedBytes)})`, "break growth plus mapped blocks"],
    ["utilization", `${formatPercent(utilization, 1)} now · ${formatPercent(timeline.peakUtilization, 1)} peak over the run`, "requested ÷ taken from the OS"],
    ["internal frag.", formatBytes(picture.internalFragmentationBytes), "headers, padding and unsplit tails of live blocks"],
    ["external frag.", formatPercent(picture.externalFragmentation, 1), "1 − largest free block ÷ all free bytes"],
    ["syscalls", `brk ${s.syscalls.brk} · mmap ${s.syscalls.mmap} · munmap ${s.syscalls.munmap}`, "made so far"],
    ["blocks", `${s.allocBlocks} allocated · ${s.freeBlocks} free · ${s.mappedBlocks} mapped`, "as the heap counts them"],
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
  return `${verdict}<table class="stats">${table}</table>${renderChart(timeline, steps, picture.step)}`;
}
