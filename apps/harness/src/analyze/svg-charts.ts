// Hand-written SVG charts for the analysis report: a line chart (one line per series, with axes,
// ticks, units and a legend) and a grouped bar chart. Returns markup strings; every piece of text is
// escaped here, so callers may pass any names. Tooltips are native SVG <title> elements (no script).

/** The series colors, in order (color-blind friendly, after Okabe and Ito). */
export const PALETTE: readonly string[] = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f7f7f", "#000000"];

/** Escapes text for HTML and XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

/** Formats a byte count with a binary unit: `512 B`, `1.5 KiB`, `20.0 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** Formats a fraction as a percentage with `digits` decimals. */
export const formatPercent = (fraction: number, digits = 0): string => `${(fraction * 100).toFixed(digits)}%`;

/** About `count` round tick values from 0 to at least `max` (1-2-5 steps). */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let value = 0; value < max + step * 0.999; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

/** One line of a {@link lineChart}. */
export interface LineSeries {
  readonly name: string;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
}

/** What a {@link lineChart} draws. */
export interface LineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  readonly formatY: (value: number) => string;
  readonly formatX?: (value: number) => string;
  /** The top of the y axis; default the data maximum rounded up. */
  readonly yMax?: number;
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { left: 72, right: 16, top: 36, bottom: 44 } as const;
const num = (value: number): string => (Math.round(value * 10) / 10).toString();

/** Axes, grid, labels and title shared by both chart kinds; returns the markup and the plot box. */
function frame(spec: { title: string; xLabel: string; yLabel: string; width: number; height: number }, yTicks: readonly number[], yTop: number, formatY: (v: number) => string) {
  const plot = { x: MARGIN.left, y: MARGIN.top, w: spec.width - MARGIN.left - MARGIN.right, h: spec.height - MARGIN.top - MARGIN.bottom };
  const yOf = (value: number): number => plot.y + plot.h - (value / yTop) * plot.h;
  const parts = [
    `<text class="chart-title" x="${plot.x}" y="20">${escapeXml(spec.title)}</text>`,
    `<text class="axis-label" x="${num(plot.x + plot.w / 2)}" y="${spec.height - 6}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
    `<text class="axis-label" transform="translate(14 ${num(plot.y + plot.h / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  ];
  for (const tick of yTicks) {
    const y = num(yOf(tick));
    parts.push(`<line class="grid" x1="${plot.x}" x2="${plot.x + plot.w}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text class="tick" x="${plot.x - 6}" y="${y}" dy="0.32em" text-anchor="end">${escapeXml(formatY(tick))}</text>`);
  }
  parts.push(`<line class="axis" x1="${plot.x}" x2="${plot.x}" y1="${plot.y}" y2="${plot.y + plot.h}"/>`);
  parts.push(`<line class="axis" x1="${plot.x}" x2="${plot.x + plot.w}" y1="${plot.y + plot.h}" y2="${plot.y + plot.h}"/>`);
  return { parts, plot, yOf };
}

function legend(names: readonly string[], x: number, y: number): string {
  let cursor = x;
  return names
    .map((name, i) => {
      const item = `<g class="legend"><rect x="${cursor}" y="${y - 9}" width="12" height="12" rx="2" fill="${PALETTE[i % PALETTE.length]}"/><text x="${cursor + 16}" y="${y}" dy="0.1em">${escapeXml(name)}</text></g>`;
      cursor += 28 + name.length * 7;
      return item;
    })
    .join("");
}

/** A line chart with a line per series, x from 0 to the largest x. */
export function lineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 260;
  const xMax = Math.max(1, ...spec.series.map((s) => s.xs[s.xs.length - 1] ?? 0));
  const dataMax = Math.max(0, ...spec.series.flatMap((s) => s.ys));
  const yTicks = spec.yMax === undefined ? niceTicks(dataMax) : niceTicks(spec.yMax);
  const yTop = spec.yMax ?? yTicks[yTicks.length - 1] ?? 1;
  const { parts, plot, yOf } = frame({ ...spec, width, height }, yTicks.filter((t) => t <= yTop), yTop, spec.formatY);
  const xOf = (value: number): number => plot.x + (value / xMax) * plot.w;
  const formatX = spec.formatX ?? ((v: number) => String(Math.round(v)));
  for (const tick of niceTicks(xMax).filter((t) => t <= xMax)) {
    parts.push(`<text class="tick" x="${num(xOf(tick))}" y="${plot.y + plot.h + 16}" text-anchor="middle">${escapeXml(formatX(tick))}</text>`);
  }
  spec.series.forEach((series, i) => {
    const points = series.xs.map((x, k) => `${num(xOf(x))},${num(yOf(Math.min(yTop, series.ys[k] ?? 0)))}`).join(" ");
    const last = series.ys[series.ys.length - 1] ?? 0;
    parts.push(
      `<polyline class="series" fill="none" stroke="${PALETTE[i % PALETTE.length]}" points="${points}">` +
        `<title>${escapeXml(`${series.name}: final ${spec.formatY(last)}, max ${spec.formatY(Math.max(0, ...series.ys))}`)}</title></polyline>`,
    );
  });
  parts.push(legend(spec.series.map((s) => s.name), plot.x + 220, 20));
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(spec.title)}">${parts.join("")}</svg>`;
}

/** What a {@link barChart} draws: `values[g][c]` is category `c` of group `g`. */
export interface BarChartSpec {
  readonly title: string;
  readonly yLabel: string;
  readonly groups: readonly string[];
  readonly categories: readonly string[];
  readonly values: readonly (readonly number[])[];
  readonly width?: number;
  readonly height?: number;
}

/** A grouped bar chart: a cluster per group, a colored bar per category, value labels on top. */
export function barChart(spec: BarChartSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 260;
  const dataMax = Math.max(0, ...spec.values.flat());
  const yTicks = niceTicks(dataMax);
  const yTop = yTicks[yTicks.length - 1] ?? 1;
  const { parts, plot, yOf } = frame({ ...spec, xLabel: "policy", width, height }, yTicks, yTop, (v) => String(v));
  const groupWidth = plot.w / Math.max(1, spec.groups.length);
  const barWidth = Math.min(36, (groupWidth * 0.8) / Math.max(1, spec.categories.length));
  spec.groups.forEach((group, g) => {
    const left = plot.x + g * groupWidth + (groupWidth - barWidth * spec.categories.length) / 2;
    spec.categories.forEach((category, c) => {
      const value = spec.values[g]?.[c] ?? 0;
      const x = left + c * barWidth;
      const y = yOf(value);
      parts.push(
        `<rect x="${num(x)}" y="${num(y)}" width="${num(barWidth - 2)}" height="${num(plot.y + plot.h - y)}" fill="${PALETTE[c % PALETTE.length]}">` +
          `<title>${escapeXml(`${group}: ${value} ${category}`)}</title></rect>`,
        `<text class="bar-value" x="${num(x + barWidth / 2 - 1)}" y="${num(y - 3)}" text-anchor="middle">${value}</text>`,
      );
    });
    parts.push(`<text class="tick" x="${num(plot.x + (g + 0.5) * groupWidth)}" y="${plot.y + plot.h + 16}" text-anchor="middle">${escapeXml(group)}</text>`);
  });
  parts.push(legend(spec.categories, plot.x + 220, 20));
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(spec.title)}">${parts.join("")}</svg>`;
}
