// A small self-contained SVG grouped bar chart (no script, no external fonts), used for the README's
// picture of mean peak utilization per allocator and trace group. Escapes every piece of text;
// returns markup only and never touches the file system.

/** One group of bars (one allocator); `values` line up with the chart's `series`. */
export interface BarGroup {
  readonly label: string;
  readonly values: readonly (number | undefined)[];
}

/** What {@link groupedBarChart} draws. Values are fractions in 0..1, shown as percentages. */
export interface BarChartSpec {
  readonly title: string;
  readonly series: readonly string[];
  readonly groups: readonly BarGroup[];
  /** Dashed horizontal lines, e.g. targets. */
  readonly markers?: readonly { readonly label: string; readonly value: number }[];
}

const COLORS: readonly string[] = ["#0072b2", "#e69f00", "#009e73", "#cc79a7"];
const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));

/** The chart as an SVG document string. */
export function groupedBarChart(spec: BarChartSpec): string {
  const left = 48;
  const top = 44;
  const plotHeight = 220;
  const bar = 18;
  const groupWidth = spec.series.length * bar + 22;
  const width = left + spec.groups.length * groupWidth + 150;
  const height = top + plotHeight + 58;
  const y = (v: number): number => top + plotHeight * (1 - v);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="600">${escapeXml(spec.title)}</text>`,
  ];
  for (let tick = 0; tick <= 100; tick += 20) {
    parts.push(`<line x1="${left}" x2="${left + spec.groups.length * groupWidth}" y1="${y(tick / 100)}" y2="${y(tick / 100)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${left - 6}" y="${y(tick / 100) + 4}" text-anchor="end">${tick}%</text>`);
  }
  spec.groups.forEach((group, g) => {
    const x0 = left + g * groupWidth + 11;
    group.values.forEach((value, s) => {
      if (value === undefined) return;
      const label = `${group.label}, ${spec.series[s] ?? ""}: ${(value * 100).toFixed(1)}%`;
      parts.push(`<rect x="${x0 + s * bar}" y="${y(value).toFixed(1)}" width="${bar - 2}" height="${(plotHeight * value).toFixed(1)}" fill="${COLORS[s % COLORS.length]}"><title>${escapeXml(label)}</title></rect>`);
      parts.push(`<text x="${x0 + s * bar + (bar - 2) / 2}" y="${(y(value) - 3).toFixed(1)}" text-anchor="middle" font-size="8">${Math.round(value * 100)}</text>`);
    });
    const cx = x0 + (spec.series.length * bar) / 2;
    parts.push(`<text x="${cx}" y="${top + plotHeight + 14}" text-anchor="end" transform="rotate(-30 ${cx} ${top + plotHeight + 14})">${escapeXml(group.label)}</text>`);
  });
  const right = left + spec.groups.length * groupWidth;
  for (const marker of spec.markers ?? []) {
    parts.push(`<line x1="${left}" x2="${right}" y1="${y(marker.value)}" y2="${y(marker.value)}" stroke="#d55e00" stroke-dasharray="4 3"/>`);
  }
  const legend = [...spec.series.map((name, s) => ({ name, color: COLORS[s % COLORS.length] ?? "#000", dashed: false })), ...(spec.markers ?? []).map((m) => ({ name: m.label, color: "#d55e00", dashed: true }))];
  legend.forEach((item, i) => {
    const ly = top + 10 + i * 18;
    parts.push(item.dashed ? `<line x1="${right + 16}" x2="${right + 28}" y1="${ly - 4}" y2="${ly - 4}" stroke="${item.color}" stroke-dasharray="4 3"/>` : `<rect x="${right + 16}" y="${ly - 10}" width="12" height="12" fill="${item.color}"/>`);
    parts.push(`<text x="${right + 34}" y="${ly}">${escapeXml(item.name)}</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
