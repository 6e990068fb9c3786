// The heap map: every region drawn to scale as rows of `bytesPerRow` bytes, every block as a group of
// rectangles (its 32-byte header, the bytes the program asked for, and the padding or unsplit tail
// past them, hatched), colored by status. A slab block is drawn object by object: its slab header and
// bitmap (dark, like a header), each live object's requested bytes in the slab color with its padding
// hatched, and its free objects hatched. The break and each mapping's unused page tail are marked.
// Pure: picture in, SVG text out, with colors as attributes so an exported file looks the same.
import { HEADER_BYTES } from "@osmem/core";
import { blockAt, blockEnd, slabObjectAt, type BlockPicture, type HeapPicture, type RegionPicture, type SlabPicture } from "../model/picture.js";
import { escapeXml, formatBytes } from "@osmem/harness/browser";

const hex = (value: number): string => `0x${value.toString(16)}`;

/** How the map is laid out. */
export interface HeapMapLayout {
  /** Bytes per row; zooming halves or doubles it. A power of two. */
  readonly bytesPerRow: number;
  /** Width of the drawing area in pixels (labels excluded). */
  readonly widthPx: number;
  /**
   * An address inside the block to outline (the current call's block, found by address range, so a
   * small object's pointer outlines its slab, and the object too when it is live); 0 for none.
   */
  readonly highlightAddr?: number;
}

/**
 * Fill colors by block status, and of the parts of a block. The slab teal has the contrast of the
 * allocated blue and the mapped purple against the white page (4.55:1), the unused grey (3.6:1) and the
 * dark header (3.1:1), and a different hue from both.
 */
export const COLORS = Object.freeze({
  free: "#7cc47f",
  alloc: "#4c78a8",
  mapped: "#9467bd",
  slab: "#16847a",
  header: "#1f2d3d",
  slack: "#f2b134",
  unused: "#e4e4e4",
  brk: "#d62728",
});

const ROW_HEIGHT = 18;
const ROW_GAP = 4;
const LABEL_WIDTH = 96;
const TITLE_HEIGHT = 22;
const REGION_GAP = 14;
/** Rows drawn per region at most; the rest is summarised (zoom out to see it). */
export const MAX_ROWS_PER_REGION = 4096;

/** The smallest power-of-two row width that shows all regions in about `rows` rows. */
export function fitBytesPerRow(picture: HeapPicture, rows = 24): number {
  const total = picture.regions.reduce((sum, r) => sum + (r.end - r.start), 0);
  let bytesPerRow = 64;
  while (bytesPerRow * rows < total && bytesPerRow < 2 ** 30) bytesPerRow *= 2;
  return bytesPerRow;
}

interface Span {
  readonly from: number;
  readonly to: number;
  readonly fill: string;
  readonly hatched?: boolean;
}

/** The parts of a block as offsets inside its region. */
function spansOf(block: BlockPicture): Span[] {
  const start = block.offset;
  const payload = start + HEADER_BYTES;
  const end = payload + block.sizeBytes;
  if (block.slab !== undefined) return slabSpansOf(block.slab, start, payload, end);
  const used = block.requestedBytes === undefined ? end : Math.min(end, payload + block.requestedBytes);
  const spans: Span[] = [{ from: start, to: payload, fill: COLORS.header }];
  if (used > payload) spans.push({ from: payload, to: used, fill: COLORS[block.status] });
  if (end > used) spans.push({ from: used, to: end, fill: block.status === "free" ? COLORS.free : COLORS.slack, hatched: block.status !== "free" });
  return spans;
}

/**
 * The parts of a slab block: header, slab header and bitmap (header color), then each live object's
 * requested bytes (slab color) and everything else (object padding, free objects, the tail) hatched,
 * adjacent hatched parts drawn as one.
 */
function slabSpansOf(slab: SlabPicture, start: number, payload: number, end: number): Span[] {
  const objects = payload + slab.objectsOffset;
  const spans: Span[] = [{ from: start, to: objects, fill: COLORS.header }];
  const slack = (from: number, to: number): void => {
    if (to <= from) return;
    const last = spans[spans.length - 1];
    if (last?.hatched === true && last.to === from) spans[spans.length - 1] = { ...last, to };
    else spans.push({ from, to, fill: COLORS.slack, hatched: true });
  };
  let at = objects;
  for (const object of slab.live) {
    const from = objects + object.index * slab.objectBytes;
    const used = from + Math.min(slab.objectBytes, object.requestedBytes);
    slack(at, from);
    if (used > from) spans.push({ from, to: used, fill: COLORS.slab });
    at = used;
  }
  slack(at, end);
  return spans;
}

/** Cuts `[from, to)` at row boundaries and draws each piece. */
function drawSpan(span: Span, layout: HeapMapLayout, top: number, maxRows: number): string {
  const scale = layout.widthPx / layout.bytesPerRow;
  let out = "";
  for (let from = span.from; from < span.to; ) {
    const row = Math.floor(from / layout.bytesPerRow);
    if (row >= maxRows) break;
    const rowEnd = (row + 1) * layout.bytesPerRow;
    const to = Math.min(span.to, rowEnd);
    const x = LABEL_WIDTH + (from - row * layout.bytesPerRow) * scale;
    const y = top + row * (ROW_HEIGHT + ROW_GAP);
    const width = Math.max((to - from) * scale, 0.5);
    const fill = span.hatched === true ? `fill="url(#osmem-slack)"` : `fill="${span.fill}"`;
    out += `<rect x="${x.toFixed(2)}" y="${y}" width="${width.toFixed(2)}" height="${ROW_HEIGHT}" ${fill}/>`;
    from = to;
  }
  return out;
}

/** One line about a slab's objects: `slab of 24 B objects: 5 live of 16`. */
export function slabSummary(slab: SlabPicture): string {
  return `slab of ${slab.objectBytes} B objects: ${slab.live.length} live of ${slab.capacity}`;
}

function blockTitle(block: BlockPicture): string {
  const lines = [
    `${block.status} block at ${block.name}`,
    `header: size ${block.sizeBytes}, status ${block.status.toUpperCase()}, prev ${block.prev}, next ${block.next}`,
    ...(block.slab === undefined ? [] : [slabSummary(block.slab)]),
    `payload: ${formatBytes(block.sizeBytes)}` +
      (block.requestedBytes === undefined ? "" : `, requested ${formatBytes(block.requestedBytes)}, slack ${formatBytes(block.sizeBytes - block.requestedBytes)}`),
  ];
  return escapeXml(lines.join("\n"));
}

/** Outlines `[from, to)` (offsets in the region) in the highlight color. */
function drawOutline(from: number, to: number, layout: HeapMapLayout, top: number, maxRows: number, className: string, width: number): string {
  const rects = drawSpan({ from, to, fill: "none" }, layout, top, maxRows);
  return `<g class="${className}">${rects.replace(/fill="none"/g, `fill="none" stroke="#e0a800" stroke-width="${width}"`)}</g>`;
}

function drawRegion(region: RegionPicture, blocks: readonly BlockPicture[], layout: HeapMapLayout, top: number, current: BlockPicture | undefined): { svg: string; height: number } {
  const size = region.end - region.start;
  const rows = Math.max(1, Math.ceil(size / layout.bytesPerRow));
  const drawnRows = Math.min(rows, MAX_ROWS_PER_REGION);
  const rowsTop = top + TITLE_HEIGHT;
  const title =
    region.kind === "heap"
      ? `brk heap · ${region.name} … break at ${hex(size)} · ${formatBytes(size)}`
      : `mapping ${region.name} · ${formatBytes(size)}`;
  let svg = `<g class="region" data-region="${region.id}" data-start="${region.start}" data-end="${region.end}">`;
  svg += `<text x="0" y="${top + 15}" font-size="13" font-weight="600" fill="#222">${escapeXml(title)}</text>`;
  for (let row = 0; row < drawnRows; row += 1) {
    const y = rowsTop + row * (ROW_HEIGHT + ROW_GAP);
    const rowBytes = Math.min(layout.bytesPerRow, size - row * layout.bytesPerRow);
    svg += `<text x="${LABEL_WIDTH - 6}" y="${y + 13}" font-size="11" text-anchor="end" fill="#666">+${hex(row * layout.bytesPerRow)}</text>`;
    svg += `<rect x="${LABEL_WIDTH}" y="${y}" width="${((rowBytes * layout.widthPx) / layout.bytesPerRow).toFixed(2)}" height="${ROW_HEIGHT}" fill="${COLORS.unused}"/>`;
  }
  for (const block of blocks) {
    svg +=
      `<g class="block" data-region="${region.id}" data-offset="${block.offset}" data-status="${block.status}"` +
      ` data-size="${block.sizeBytes}" data-name="${escapeXml(block.name)}" data-prev="${escapeXml(block.prev)}"` +
      ` data-next="${escapeXml(block.next)}" data-requested="${block.requestedBytes ?? ""}"` +
      (block.slab === undefined
        ? ""
        : ` data-object-bytes="${block.slab.objectBytes}" data-capacity="${block.slab.capacity}" data-live-objects="${block.slab.live.length}"`) +
      `><title>${blockTitle(block)}</title>`;
    const spans = spansOf(block);
    for (const span of spans) svg += drawSpan(span, layout, rowsTop, drawnRows);
    if (block === current) {
      svg += drawOutline(block.offset, blockEnd(block) - region.start, layout, rowsTop, drawnRows, "current-block", 2.5);
      const object = slabObjectAt(block, layout.highlightAddr ?? 0);
      if (block.slab !== undefined && object !== undefined) {
        const from = object.addr - region.start;
        svg += drawOutline(from, from + block.slab.objectBytes, layout, rowsTop, drawnRows, "current-object", 1.5);
      }
    }
    svg += "</g>";
  }
  const height = TITLE_HEIGHT + drawnRows * (ROW_HEIGHT + ROW_GAP);
  if (region.kind === "heap" && rows <= drawnRows) {
    const lastRow = rows - 1;
    const x = LABEL_WIDTH + ((size - lastRow * layout.bytesPerRow) * layout.widthPx) / layout.bytesPerRow;
    const y = rowsTop + lastRow * (ROW_HEIGHT + ROW_GAP);
    svg += `<g class="break-marker"><line x1="${x.toFixed(2)}" x2="${x.toFixed(2)}" y1="${y - 3}" y2="${y + ROW_HEIGHT + 3}" stroke="${COLORS.brk}" stroke-width="2"/>`;
    svg += `<text x="${(x + 4).toFixed(2)}" y="${y + 13}" font-size="11" fill="${COLORS.brk}">brk</text></g>`;
  }
  if (rows > drawnRows) {
    svg += `<text x="${LABEL_WIDTH}" y="${rowsTop + height - TITLE_HEIGHT + 12}" font-size="11" fill="#666">… ${rows - drawnRows} more rows: zoom out to see them</text>`;
  }
  return { svg: `${svg}</g>`, height: height + (rows > drawnRows ? 16 : 0) };
}

/** Draws `picture` as a standalone SVG document. */
export function renderHeapMap(picture: HeapPicture, layout: HeapMapLayout): string {
  let body = "";
  let top = 4;
  const current = blockAt(picture, layout.highlightAddr ?? 0);
  for (const region of picture.regions) {
    const drawn = drawRegion(
      region,
      picture.blocks.filter((b) => b.region === region.id),
      layout,
      top,
      current,
    );
    body += drawn.svg;
    top += drawn.height + REGION_GAP;
  }
  if (picture.regions.length === 0) {
    body += `<text x="0" y="20" font-size="13" fill="#666">No memory taken from the OS yet: the first malloc will call brk.</text>`;
    top = 32;
  }
  const width = LABEL_WIDTH + layout.widthPx + 40;
  const defs =
    `<defs><pattern id="osmem-slack" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<rect width="6" height="6" fill="${COLORS.slack}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern></defs>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="heap-map" data-step="${picture.step}" data-blocks="${picture.blocks.length}"` +
    ` width="${width}" height="${top}" viewBox="0 0 ${width} ${top}" font-family="system-ui, sans-serif">${defs}${body}</svg>`
  );
}
