// Slab blocks in the explorer: under `slab-fit`, small requests are objects inside slab blocks, so one
// block holds many allocations. The model must find each pointer's slab by address range, count the
// requested bytes of the objects inside it, and the heap map must draw it in the slab color.
import { readFileSync } from "node:fs";
import { HEADER_BYTES, walkBlocks } from "@osmem/core";
import { describe, expect, it } from "vitest";
import { Machine } from "../src/model/machine.js";
import { blockAt, pictureOf, type BlockPicture, type HeapPicture } from "../src/model/picture.js";
import { Navigator } from "../src/model/navigator.js";
import { programFromRep, programFromText } from "../src/model/program.js";
import { buildTimeline } from "../src/model/timeline.js";
import { COLORS, renderHeapMap } from "../src/view/heap-map.js";
import { renderStats } from "../src/view/stats-view.js";

const PROGRAM = [
  "a = malloc 24",
  "b = malloc 20",
  "c = malloc 17", // a, b, c: 24-byte objects in one slab
  "d = malloc 100", // a 104-byte object in a slab of its own class
  "e = malloc 500", // over 128 bytes: a block of its own
  "f = malloc 9", // a 16-byte object
  "free b",
].join("\n");

/** Runs `text` under slab-fit to the end; returns the machine, each call's result, and the picture. */
function run(text: string): { machine: Machine; results: number[]; picture: HeapPicture } {
  const machine = new Machine(programFromText(text), "slab-fit");
  const results: number[] = [];
  while (!machine.done) results.push(machine.applyNext().result ?? 0);
  return { machine, results, picture: pictureOf(machine) };
}

/** The requested bytes of the live allocations whose pointers lie in `block`'s payload, from the machine's own bookkeeping. */
function requestedInside(machine: Machine, block: BlockPicture): number {
  const payload = block.addr + HEADER_BYTES;
  let sum = 0;
  for (const [ptr, bytes] of machine.requested) if (ptr >= payload && ptr < payload + block.sizeBytes) sum += bytes;
  return sum;
}

/** The SVG of each block group in `svg` (up to the next one), by the header's offset (one region only). */
function blockGroups(svg: string): Map<string, string> {
  const groups = new Map<string, string>();
  for (const part of svg.split('<g class="block"').slice(1)) groups.set(/data-offset="(\d+)"/.exec(part)?.[1] ?? "", part);
  return groups;
}

describe("slab blocks under slab-fit", () => {
  it("shows the slab blocks with status slab, and counts the requested bytes of the objects inside them", () => {
    const { machine, results, picture } = run(PROGRAM);
    const [a = 0, , c = 0, d = 0, e = 0, f = 0] = results;
    const slabs = picture.blocks.filter((b) => b.status === "slab");
    expect(slabs.length).toBe(3);
    expect(picture.stats.slabBlocks).toBe(3);
    expect(picture.stats.slabObjects).toBe(4);
    // The same blocks and statuses as the core's walker.
    expect(picture.blocks.map((b) => [b.addr, b.status, b.sizeBytes])).toEqual(walkBlocks(machine.heap).map((b) => [b.addr, b.status, b.sizeBytes]));

    const slabOfA = blockAt(picture, a);
    expect(slabOfA?.status).toBe("slab");
    expect(blockAt(picture, c)).toBe(slabOfA);
    expect(slabOfA?.requestedBytes).toBe(24 + 17);
    expect(slabOfA?.slab?.objectBytes).toBe(24);
    expect(slabOfA?.slab?.live.map((o) => [o.addr, o.requestedBytes])).toEqual([
      [a, 24],
      [c, 17],
    ]);
    expect(slabOfA?.slab?.live.map((o) => o.index)).toEqual([0, 2]);
    expect(slabOfA?.slab?.capacity).toBeGreaterThanOrEqual(3);
    expect(blockAt(picture, d)?.requestedBytes).toBe(100);
    expect(blockAt(picture, d)?.slab?.objectBytes).toBe(104);
    expect(blockAt(picture, f)?.requestedBytes).toBe(9);
    expect(blockAt(picture, f)?.slab?.objectBytes).toBe(16);
    expect(blockAt(picture, e)?.status).toBe("alloc");
    expect(blockAt(picture, e)?.requestedBytes).toBe(500);
    expect(blockAt(picture, e)).not.toBe(slabOfA);

    for (const slab of slabs) {
      expect(slab.requestedBytes, `slab at ${slab.name}`).toBe(requestedInside(machine, slab));
      expect(slab.slab?.live.length, `slab at ${slab.name}`).toBe([...machine.requested.keys()].filter((p) => blockAt(picture, p) === slab).length);
    }
    // Every live pointer resolves to a block holding it; the requested bytes add up to the machine's.
    const live = picture.blocks.reduce((sum, b) => sum + (b.requestedBytes ?? 0), 0);
    expect(live).toBe(machine.liveRequestedBytes);
    // Internal fragmentation: headers, slab metadata, free objects and padding of live blocks.
    const internal = picture.blocks.filter((b) => b.status !== "free").reduce((sum, b) => sum + HEADER_BYTES + b.sizeBytes - (b.requestedBytes ?? 0), 0);
    expect(picture.internalFragmentationBytes).toBe(internal);
  });

  it("draws a slab block in the slab color, and no other block in it", () => {
    const { results, picture } = run(PROGRAM);
    const svg = renderHeapMap(picture, { bytesPerRow: 256, widthPx: 800 });
    const groups = blockGroups(svg);
    const slabFill = `fill="${COLORS.slab}"`;
    for (const block of picture.blocks) {
      const group = groups.get(String(block.offset)) ?? "";
      expect(group, `block at ${block.name}`).toContain(`data-status="${block.status}"`);
      expect(group.includes(slabFill), `block at ${block.name} (${block.status})`).toBe(block.status === "slab");
    }
    const slab = blockAt(picture, results[0] ?? 0);
    const group = groups.get(String(slab?.offset)) ?? "";
    expect(group).toContain(`data-requested="${24 + 17}"`);
    expect(group).toContain(`data-object-bytes="24"`);
    expect(group).toContain(`data-live-objects="2"`);
    expect(group).toContain(`data-capacity="${slab?.slab?.capacity}"`);
    expect(group).toContain("slab of 24 B objects: 2 live of");
    expect(group).toContain(`slack ${(slab?.sizeBytes ?? 0) - 41} B`);
    // Two live objects, 24 and 17 bytes of them requested: two slab-colored runs on one row.
    const widths = [...group.matchAll(new RegExp(`<rect [^>]*width="([\\d.]+)"[^>]*fill="${COLORS.slab}"`, "g"))].map((m) => Number(m[1]));
    expect(widths).toEqual([24, 17].map((bytes) => Number(((bytes * 800) / 256).toFixed(2))));
  });

  it("the slab color stands out like the other status colors", () => {
    const luminance = (hex: string): number => {
      const [r = 0, g = 0, b = 0] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const contrast = (x: string, y: string): number => {
      const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
      return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
    };
    expect(contrast(COLORS.slab, "#ffffff")).toBeGreaterThanOrEqual(4.5);
    expect(contrast(COLORS.slab, COLORS.unused)).toBeGreaterThanOrEqual(3);
    expect(contrast(COLORS.slab, COLORS.header)).toBeGreaterThanOrEqual(3);
    const others = Object.entries(COLORS).filter(([name]) => name !== "slab").map(([, color]) => color);
    expect(others).not.toContain(COLORS.slab);
    // The page's legend shows every status color, the slab's included.
    const legend = readFileSync(new URL("../index.html", import.meta.url), "utf8").split('class="legend-bar"')[1] ?? "";
    for (const status of ["alloc", "slab", "free", "mapped", "header"] as const) expect(legend, status).toContain(`background: ${COLORS[status]}`);
  });

  it("outlines the slab of the object the current call returned or freed, and the object itself", () => {
    const program = programFromText(PROGRAM);
    const timeline = buildTimeline(program, "slab-fit");
    const { picture } = run(PROGRAM);
    const freedB = timeline.outcomes[6]?.touched ?? 0;
    expect(freedB).toBe(timeline.outcomes[1]?.result);
    const slab = blockAt(picture, freedB);
    expect(slab?.status, "the freed object's pointer resolves to its slab").toBe("slab");
    const svg = renderHeapMap(picture, { bytesPerRow: 256, widthPx: 800, highlightAddr: freedB });
    const group = blockGroups(svg).get(String(slab?.offset)) ?? "";
    expect(group).toContain('class="current-block"');
    expect(group, "b is free: only its slab is outlined").not.toContain('class="current-object"');
    expect(svg.match(/class="current-block"/g)?.length).toBe(1);

    const a = timeline.outcomes[0]?.result ?? 0;
    const withA = blockGroups(renderHeapMap(picture, { bytesPerRow: 256, widthPx: 800, highlightAddr: a })).get(String(slab?.offset)) ?? "";
    expect(withA).toContain('class="current-block"');
    expect(withA).toContain('class="current-object"');
    const e = timeline.outcomes[4]?.result ?? 0;
    const withE = renderHeapMap(picture, { bytesPerRow: 256, widthPx: 800, highlightAddr: e });
    expect(blockGroups(withE).get(String(slab?.offset))).not.toContain('class="current-block"');
    expect(blockGroups(withE).get(String(blockAt(picture, e)?.offset))).toContain('class="current-block"');
  });

  it("a slab that empties goes back to the heap as a free block, and the heap stays valid at every step", () => {
    const text = `${PROGRAM}\nfree a\nfree c`;
    const program = programFromText(text);
    const machine = new Machine(program, "slab-fit");
    const a = machine.applyNext().result ?? 0;
    let slabAddr = 0;
    while (!machine.done) {
      machine.applyNext();
      const picture = pictureOf(machine);
      expect(picture.problems, `step ${machine.step}`).toEqual([]);
      if (machine.step === 7) slabAddr = blockAt(picture, a)?.addr ?? 0;
    }
    const picture = pictureOf(machine);
    expect(slabAddr).not.toBe(0);
    expect(blockAt(picture, a)?.status).not.toBe("slab");
    expect(picture.blocks.filter((b) => b.status === "slab").length).toBe(2);
    expect(picture.stats.slabObjects).toBe(2);
  });

  it("on a bundled workload, every slab's requested bytes are those of the live pointers inside it", () => {
    const text = readFileSync(new URL("../../harness/traces/binary-bal.rep", import.meta.url), "latin1");
    const navigator = new Navigator(programFromRep(text, "binary-bal"), "slab-fit");
    for (const step of [1000, 2500, navigator.length - 1000]) {
      const picture = navigator.goTo(step);
      const machine = new Machine(programFromRep(text, "binary-bal"), "slab-fit");
      while (machine.step < step) machine.applyNext(true);
      const slabs = picture.blocks.filter((b) => b.status === "slab");
      expect(slabs.length, `step ${step}`).toBeGreaterThan(0);
      expect(slabs.length).toBe(picture.stats.slabBlocks);
      expect(slabs.reduce((sum, b) => sum + (b.slab?.live.length ?? 0), 0)).toBe(picture.stats.slabObjects);
      for (const slab of slabs) expect(slab.requestedBytes, `slab at ${slab.name}, step ${step}`).toBe(requestedInside(machine, slab));
      expect(picture.blocks.reduce((sum, b) => sum + (b.requestedBytes ?? 0), 0)).toBe(machine.liveRequestedBytes);
      expect(picture.problems).toEqual([]);
    }
  });

  it("the stats panel counts the slabs and their objects", () => {
    const { picture } = run(PROGRAM);
    const html = renderStats(picture, buildTimeline(programFromText(PROGRAM), "slab-fit"), 7);
    expect(html).toContain("3 of the allocated are slabs holding 4 small object(s)");
    const plain = run("a = malloc 500\nb = malloc 600");
    expect(renderStats(plain.picture, buildTimeline(programFromText("a = malloc 500\nb = malloc 600"), "slab-fit"), 2)).not.toContain("slabs holding");
  });
});
