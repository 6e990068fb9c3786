// Draws a heap map as SVG: the heap's address range wrapped into rows of pixel columns, each column
// split by how its bytes are used (requested payload, overhead = headers + padding + unsplit tails,
// free), so small blocks stay visible at any heap size; mapped blocks get a strip of their own.
// Equal neighbouring columns merge into one rect to keep the markup small. All text is escaped.
import { HEADER_BYTES } from "@osmem/core";
import type { HeapMap, HeapMapBlock } from "./metrics.js";
import { escapeXml, formatBytes } from "./svg-charts.js";

/** Fill colors by byte use; the report's legend uses the same values. */
export const HEAP_MAP_COLORS = Object.freeze({ requested: "#0072b2", overhead: "#e69f00", free: "#cfe8d5", mapped: "#8e5ea2", mappedOverhead: "#e69f00" });

const ROW_WIDTH = 880;
const ROW_HEIGHT = 26;
const ROW_GAP = 6;
const LABEL_WIDTH = 72;
const MAX_ROWS = 8;
const MAX_TOOLTIPS = 500;

/** The number of heap rows: one per 16 KiB of heap for small heaps, at most {@link MAX_ROWS}. */
const rowsFor = (heapBytes: number): number => Math.max(1, Math.min(MAX_ROWS, Math.ceil(heapBytes / (16 * 1024 * 8))));

/** Adds `[from, to)` bytes (byte offsets) to `bucket` counts, `bytesPerColumn` bytes per column. */
function spread(counts: Float64Array, from: number, to: number, bytesPerColumn: number): void {
  let at = from;
  let column = Math.floor(from / bytesPerColumn);
  while (at < to && column < counts.length) {
    const columnEnd = Math.min(to, (column + 1) * bytesPerColumn);
    if (columnEnd > at) {
      counts[column] = (counts[column] ?? 0) + (columnEnd - at);
      at = columnEnd;
    }
    column += 1;
  }
}

function describe(block: HeapMapBlock): string {
  const base = `+${formatBytes(block.offsetBytes)} (offset ${block.offsetBytes}): ${block.status}, ${block.totalBytes} bytes with header`;
  if (block.status === "free") return base;
  return `${base}, ${block.requestedBytes} requested, ${block.totalBytes - block.requestedBytes} overhead`;
}

function heapRows(map: HeapMap, blocks: readonly HeapMapBlock[], parts: string[]): number {
  const rows = rowsFor(map.heapBytes);
  const columns = rows * ROW_WIDTH;
  const bytesPerColumn = Math.max(1, map.heapBytes) / columns;
  const requested = new Float64Array(columns);
  const overhead = new Float64Array(columns);
  const free = new Float64Array(columns);
  for (const block of blocks) {
    const start = block.offsetBytes;
    const end = start + block.totalBytes;
    if (block.status === "free") spread(free, start, end, bytesPerColumn);
    else {
      const headerEnd = Math.min(end, start + HEADER_BYTES);
      const requestedEnd = Math.min(end, headerEnd + block.requestedBytes);
      spread(overhead, start, headerEnd, bytesPerColumn);
      spread(requested, headerEnd, requestedEnd, bytesPerColumn);
      spread(overhead, requestedEnd, end, bytesPerColumn);
    }
  }
  for (let row = 0; row < rows; row += 1) {
    const y = row * (ROW_HEIGHT + ROW_GAP);
    parts.push(`<text class="tick" x="${LABEL_WIDTH - 6}" y="${y + ROW_HEIGHT / 2}" dy="0.32em" text-anchor="end">+${escapeXml(formatBytes(row * ROW_WIDTH * bytesPerColumn))}</text>`);
    parts.push(`<rect x="${LABEL_WIDTH}" y="${y}" width="${ROW_WIDTH}" height="${ROW_HEIGHT}" fill="#f4f4f4"/>`);
    const paths = ["", "", ""];
    let runStart = 0;
    let runKey = "";
    const flush = (endColumn: number): void => {
      if (runKey === "" || endColumn === runStart) return;
      const heights = runKey.split(",").map(Number);
      const w = endColumn - runStart;
      let top = y + ROW_HEIGHT;
      heights.forEach((height, layer) => {
        if (height <= 0) return;
        top -= height;
        paths[layer] += `M${LABEL_WIDTH + runStart} ${top}h${w}v${height}h-${w}z`;
      });
    };
    for (let c = 0; c < ROW_WIDTH; c += 1) {
      const index = row * ROW_WIDTH + c;
      const r = Math.round(((requested[index] ?? 0) / bytesPerColumn) * ROW_HEIGHT);
      const o = Math.min(ROW_HEIGHT - r, Math.round(((overhead[index] ?? 0) / bytesPerColumn) * ROW_HEIGHT));
      const f = Math.max(0, Math.min(ROW_HEIGHT - r - o, Math.round(((free[index] ?? 0) / bytesPerColumn) * ROW_HEIGHT)));
      const key = `${r},${o},${f}`;
      if (key !== runKey) {
        flush(c);
        runStart = c;
        runKey = key;
      }
    }
    flush(ROW_WIDTH);
    const colors = [HEAP_MAP_COLORS.requested, HEAP_MAP_COLORS.overhead, HEAP_MAP_COLORS.free];
    paths.forEach((d, layer) => {
      if (d !== "") parts.push(`<path fill="${colors[layer] ?? "#000"}" d="${d}"/>`);
    });
  }
  let tooltips = 0;
  for (const block of blocks) {
    const startColumn = block.offsetBytes / bytesPerColumn;
    const widthColumns = block.totalBytes / bytesPerColumn;
    if (widthColumns < 3 || tooltips >= MAX_TOOLTIPS) continue;
    const row = Math.floor(startColumn / ROW_WIDTH);
    const x = startColumn - row * ROW_WIDTH;
    const w = Math.min(widthColumns, ROW_WIDTH - x);
    parts.push(`<rect class="hit" x="${(LABEL_WIDTH + x).toFixed(1)}" y="${row * (ROW_HEIGHT + ROW_GAP)}" width="${w.toFixed(1)}" height="${ROW_HEIGHT}"><title>${escapeXml(describe(block))}</title></rect>`);
    tooltips += 1;
  }
  return rows * (ROW_HEIGHT + ROW_GAP);
}

function mappedRow(blocks: readonly HeapMapBlock[], top: number, parts: string[]): number {
  const totalBytes = blocks.reduce((sum, b) => sum + b.totalBytes, 0);
  parts.push(`<text class="tick" x="${LABEL_WIDTH - 6}" y="${top + ROW_HEIGHT / 2}" dy="0.32em" text-anchor="end">mmap</text>`);
  let x = LABEL_WIDTH;
  for (const block of blocks) {
    const w = (block.totalBytes / totalBytes) * ROW_WIDTH;
    const usedW = (Math.min(block.requestedBytes, block.totalBytes) / block.totalBytes) * w;
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${top}" width="${usedW.toFixed(1)}" height="${ROW_HEIGHT}" fill="${HEAP_MAP_COLORS.mapped}"/>`,
      `<rect x="${(x + usedW).toFixed(1)}" y="${top}" width="${(w - usedW).toFixed(1)}" height="${ROW_HEIGHT}" fill="${HEAP_MAP_COLORS.mappedOverhead}"/>`,
      `<rect class="hit block-edge" x="${x.toFixed(1)}" y="${top}" width="${w.toFixed(1)}" height="${ROW_HEIGHT}"><title>${escapeXml(describe(block))}</title></rect>`,
    );
    x += w;
  }
  return ROW_HEIGHT + ROW_GAP;
}

/**
 * The heap map as an SVG element: heap rows (address offsets on the left, 0 at the heap start), then
 * a strip of mapped blocks to their own scale. Hovering a block of 3 px or more shows its details.
 */
export function heapMapSvg(map: HeapMap): string {
  const parts: string[] = [];
  const heapBlocks = map.blocks.filter((b) => b.region === "heap");
  const mappedBlocks = map.blocks.filter((b) => b.region === "mapped");
  let height = heapBlocks.length > 0 ? heapRows(map, heapBlocks, parts) : 0;
  if (mappedBlocks.length > 0) height += mappedRow(mappedBlocks, height, parts);
  const width = LABEL_WIDTH + ROW_WIDTH + 4;
  return `<svg class="heap-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${Math.max(height, 1)}" width="${width}" height="${Math.max(height, 1)}" role="img" aria-label="heap map">${parts.join("")}</svg>`;
}
