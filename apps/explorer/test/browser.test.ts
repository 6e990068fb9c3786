// The explorer in a real browser: builds the static site, serves it with `vite preview`, drives
// Debian's Chromium through playwright-core, and checks every drawn block (via its data attributes)
// against what @osmem/core reports when the same program runs in Node (test/oracle.ts).
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { build, preview, type PreviewServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COLORS } from "../src/view/heap-map.js";
import { CHART } from "../src/view/stats-view.js";
import { firstDifference, refCalls, repCalls, runOracle, type DrawnBlock, type OracleCall } from "./oracle.js";

const CHROMIUM = process.env.OSMEM_CHROMIUM ?? "/usr/bin/chromium";
const haveBrowser = existsSync(CHROMIUM);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const refText = (name: string): string => readFileSync(new URL(`../../harness/refs/${name}.ref`, import.meta.url), "utf8");
const repText = (name: string): string => readFileSync(new URL(`../../harness/traces/${name}.rep`, import.meta.url), "latin1");

/** Chromium flags for CI: no sandbox (containers), and nothing that phones home. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-default-apps",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
];

it.runIf(process.env.OSMEM_REQUIRE_BROWSER === "1")("a browser is installed when OSMEM_REQUIRE_BROWSER=1 (as .ci/run sets it)", () => {
  expect(haveBrowser, `no Chromium at ${CHROMIUM}: apt-get install chromium`).toBe(true);
});

const suiteTitle = haveBrowser ? "the explorer in Chromium" : `the explorer in Chromium — SKIPPED: no browser at ${CHROMIUM} (apt-get install chromium)`;

describe.skipIf(!haveBrowser)(suiteTitle, () => {
  let server: PreviewServer;
  let browser: Browser;
  let page: Page;
  let url: string;
  const pageErrors: string[] = [];

  // The site is built into a folder of its own: the package's `build` task may be writing dist/ at the
  // same moment (turbo runs it beside the tests), and a build empties its output folder first.
  const outDir = mkdtempSync(join(tmpdir(), "osmem-explorer-"));

  beforeAll(async () => {
    await build({ root: ROOT, logLevel: "warn", build: { outDir, emptyOutDir: true } });
    server = await preview({ root: ROOT, build: { outDir }, preview: { port: 0, strictPort: false, open: false }, logLevel: "warn" });
    url = server.resolvedUrls?.local[0] ?? "";
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    // Every request must stay on the preview server: the site works offline.
    await page.route("**/*", (route) => (route.request().url().startsWith(url) ? route.continue() : route.abort()));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  const drawnBlocks = (pane: "a" | "b" = "a"): Promise<DrawnBlock[]> =>
    page.$$eval(`#map-${pane} svg.heap-map g.block`, (elements) =>
      elements.map((el) => {
        const data = (el as SVGGElement).dataset;
        return {
          region: data.region === "heap" ? ("heap" as const) : ("mapping" as const),
          offset: Number(data.offset),
          status: data.status ?? "",
          size: Number(data.size),
        };
      }),
    );
  const shownStep = async (): Promise<number> => Number(await page.getAttribute("#step-label", "data-step"));
  const waitForStep = async (step: number, timeout = 30_000): Promise<void> => {
    await page.waitForFunction((s) => document.getElementById("step-label")?.dataset.step === String(s), step, { timeout });
  };
  const loadProgram = async (value: string, calls: number): Promise<void> => {
    await page.selectOption("#program-select", value);
    await page.waitForFunction((n) => document.getElementById("step-label")?.textContent?.endsWith(`/ ${n}`), calls);
  };

  it("loads test-malloc-split-vector and draws, at every step, exactly the blocks the core reports", async () => {
    await page.goto(url);
    await page.waitForSelector("svg.heap-map");
    const calls = refCalls(refText("test-malloc-split-vector"), "test-malloc-split-vector");
    const oracle = runOracle(calls, "best-fit");
    await loadProgram("ref:test-malloc-split-vector", calls.length);
    await page.click("#first");
    expect(await drawnBlocks()).toEqual(oracle.blocksAt(0));
    let splits = 0;
    for (let step = 1; step <= calls.length; step += 1) {
      await page.click("#forward");
      expect(await shownStep()).toBe(step);
      const blocks = await drawnBlocks();
      expect(blocks, `step ${step}`).toEqual(oracle.blocksAt(step));
      if (blocks.length > oracle.blocksAt(step - 1).length && calls[step - 1]?.kind === "malloc") splits += 1;
      expect(await page.getAttribute("[data-testid=checker]", "data-ok")).toBe("true");
      expect(await page.getAttribute("#op-list li.current", "data-index")).toBe(String(step - 1));
    }
    expect(splits, "some malloc split a block (or grew the heap) while we watched").toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  it("draws both charts over the run, and a click on a chart jumps to that step", async () => {
    const calls = refCalls(refText("test-malloc-split-vector"), "test-malloc-split-vector").length;
    const series = await page.$$eval("#stats-a svg.timeline-chart polyline", (els) => els.map((e) => e.getAttribute("data-series")));
    expect(series).toEqual(["utilization", "external fragmentation", "requested", "in use", "from the OS"]);
    const chart = page.locator("#stats-a svg.timeline-chart").first();
    const box = await chart.boundingBox();
    if (box === null) throw new Error("the chart is not laid out");
    // The middle of the plot area is step round(calls / 2).
    const middle = CHART.left + (CHART.width - CHART.left - CHART.right) / 2;
    await chart.click({ position: { x: (middle / CHART.width) * box.width, y: box.height / 2 } });
    expect(await shownStep()).toBe(Math.round(calls / 2));
  });

  it("stepping backward, jumping and the keyboard show exactly the earlier states", async () => {
    const calls = refCalls(refText("test-malloc-split-vector"), "test-malloc-split-vector");
    const oracle = runOracle(calls, "best-fit");
    await page.click("#last");
    for (let step = calls.length - 1; step >= calls.length - 12; step -= 1) {
      await page.click("#back");
      expect(await drawnBlocks(), `back to ${step}`).toEqual(oracle.blocksAt(step));
    }
    await page.fill("#step-input", "13");
    await page.press("#step-input", "Enter");
    expect(await shownStep()).toBe(13);
    expect(await drawnBlocks()).toEqual(oracle.blocksAt(13));
    await page.click("body", { position: { x: 5, y: 880 } });
    await page.keyboard.press("ArrowLeft");
    expect(await drawnBlocks()).toEqual(oracle.blocksAt(12));
    await page.keyboard.press("Home");
    expect(await drawnBlocks()).toEqual(oracle.blocksAt(0));
  });

  it("hovering a block shows its header fields, linked to its neighbours", async () => {
    await page.fill("#step-input", "20");
    await page.press("#step-input", "Enter");
    const blocks = page.locator("#map-a g.block[data-region=heap]");
    const names = await blocks.evaluateAll((els) => els.map((e) => (e as SVGGElement).dataset.name ?? ""));
    expect(names.length).toBeGreaterThan(3);
    const third = blocks.nth(2);
    await third.locator("rect").first().hover({ force: true });
    const card = await page.textContent("#block-card");
    expect(card).toContain(`header at${names[2]}`);
    expect(card).toContain(`prev${names[1]}`);
    expect(card).toContain(`next${names[3]}`);
    expect(card).toContain(`size${await third.getAttribute("data-size")} B payload`);
  });

  it("compares two policies side by side and marks the step where they diverge", async () => {
    const name = "test-malloc-coalesce";
    const calls = refCalls(refText(name), name);
    const best = runOracle(calls, "best-fit");
    const first = runOracle(calls, "worst-fit");
    const expected = firstDifference(best, first);
    expect(expected, "the programs must differ for this test to mean something").toBeGreaterThanOrEqual(0);
    await loadProgram(`ref:${name}`, calls.length);
    await page.selectOption("#compare-select", "worst-fit");
    await page.waitForSelector("#pane-b:not([hidden]) svg.heap-map");
    expect(await page.getAttribute("[data-testid=divergence]", "data-step")).toBe(String(expected + 1));
    await page.fill("#step-input", String(expected + 1));
    await page.press("#step-input", "Enter");
    expect(await drawnBlocks("a")).toEqual(best.blocksAt(expected + 1));
    expect(await drawnBlocks("b")).toEqual(first.blocksAt(expected + 1));
    expect(await drawnBlocks("a")).not.toEqual(await drawnBlocks("b"));
    expect(await page.getAttribute("#op-list li.divergence", "data-index")).toBe(String(expected));
    const indexed = runOracle(calls, "indexed-best-fit");
    expect(firstDifference(best, indexed)).toBe(-1);
    await page.selectOption("#compare-select", "indexed-best-fit");
    await page.waitForFunction(() => document.querySelector("[data-testid=divergence]")?.getAttribute("data-step") === "none");
  });

  it("a shareable link restores the program, the policies and the step", async () => {
    await page.selectOption("#compare-select", "next-fit");
    await page.fill("#step-input", "20");
    await page.press("#step-input", "Enter");
    await page.waitForFunction(() => location.hash.includes("step=20") && location.hash.includes("compare=next-fit"));
    const link = page.url();
    const other = await browser.newPage();
    await other.goto(link);
    await other.waitForSelector("#pane-b:not([hidden]) svg.heap-map");
    expect(await other.getAttribute("#step-label", "data-step")).toBe("20");
    expect(await other.inputValue("#compare-select")).toBe("next-fit");
    const blocksThere = await other.$$eval("#map-b g.block", (els) => els.map((e) => (e as SVGGElement).dataset.offset));
    expect(blocksThere).toEqual(await page.$$eval("#map-b g.block", (els) => els.map((e) => (e as SVGGElement).dataset.offset)));
    await other.close();
    await page.selectOption("#compare-select", "");
  });

  it("runs a typed program, and carries it in the link", async () => {
    const text = "a = malloc 100\nb = malloc 200\nc = calloc 4 50\nfree b\nd = malloc 40\nbig = malloc 300000\nd = realloc d 8\nfree a";
    const calls: OracleCall[] = [
      { kind: "malloc", sizes: [100], ptrFrom: -1 },
      { kind: "malloc", sizes: [200], ptrFrom: -1 },
      { kind: "calloc", sizes: [4, 50], ptrFrom: -1 },
      { kind: "free", sizes: [], ptrFrom: 1 },
      { kind: "malloc", sizes: [40], ptrFrom: -1 },
      { kind: "malloc", sizes: [300000], ptrFrom: -1 },
      { kind: "realloc", sizes: [8], ptrFrom: 4 },
      { kind: "free", sizes: [], ptrFrom: 0 },
    ];
    const oracle = runOracle(calls, "best-fit");
    await page.click("#editor-box summary");
    await page.fill("#editor", text);
    await page.click("#run-editor");
    await page.waitForFunction(() => document.getElementById("step-label")?.textContent === "step 0 / 8");
    await page.click("#last");
    expect(await drawnBlocks()).toEqual(oracle.blocksAt(8));
    expect((await drawnBlocks()).some((b) => b.region === "mapping")).toBe(true);
    await page.waitForFunction(() => location.hash.includes("src=text"));
    const other = await browser.newPage();
    await other.goto(page.url());
    await other.waitForFunction(() => document.getElementById("step-label")?.textContent === "step 8 / 8");
    expect(await other.inputValue("#editor")).toBe(text);
    await other.close();
  });

  it("reports a bad typed program with its line, and keeps the last good one", async () => {
    await page.fill("#editor", "p = malloc 10\nfree q");
    await page.click("#run-editor");
    await expect.poll(() => page.textContent("#status")).toMatch(/line 2: 'q' was never assigned/);
    expect(await page.textContent("#step-label")).toBe("step 8 / 8");
  });

  it("loads a dropped or picked .rep file and plays it", async () => {
    const text = "0\n3\n6\n1\na 0 24\na 1 4000\nf 0\na 2 16\nr 1 9000\nf 2\n";
    const oracle = runOracle(repCalls(text, "mine"), "best-fit");
    await page.setInputFiles("#file-input", { name: "mine.rep", mimeType: "text/plain", buffer: Buffer.from(text) });
    await page.waitForFunction(() => document.getElementById("step-label")?.textContent === "step 0 / 6");
    await page.selectOption("#speed-select", "64");
    await page.click("#play");
    await page.waitForFunction(() => document.getElementById("step-label")?.textContent === "step 6 / 6");
    expect(await page.textContent("#play")).toContain("play");
    expect(await drawnBlocks()).toEqual(oracle.blocksAt(6));
    await page.click("#back");
    expect(await drawnBlocks()).toEqual(oracle.blocksAt(5));
  });

  it("exports the heap map as a standalone SVG with one group per block", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-svg")]);
    const path = await download.path();
    const svg = readFileSync(path, "utf8");
    expect(svg).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.match(/<g class="block"/g)?.length).toBe((await drawnBlocks()).length);
  });

  it("draws the slab blocks of slab-fit in the slab color, with their objects on the card", async () => {
    const text = "a = malloc 24\nb = malloc 20\nc = malloc 17\nd = malloc 100\ne = malloc 500\nfree b";
    const calls: OracleCall[] = [
      { kind: "malloc", sizes: [24], ptrFrom: -1 },
      { kind: "malloc", sizes: [20], ptrFrom: -1 },
      { kind: "malloc", sizes: [17], ptrFrom: -1 },
      { kind: "malloc", sizes: [100], ptrFrom: -1 },
      { kind: "malloc", sizes: [500], ptrFrom: -1 },
      { kind: "free", sizes: [], ptrFrom: 1 },
    ];
    const oracle = runOracle(calls, "slab-fit");
    await page.selectOption("#policy-select", "slab-fit");
    await page.evaluate(() => ((document.getElementById("editor-box") as HTMLDetailsElement).open = true));
    await page.fill("#editor", text);
    await page.click("#run-editor");
    await page.waitForFunction(() => document.getElementById("step-label")?.textContent === "step 0 / 6");
    await page.click("#last");
    const blocks = await drawnBlocks();
    expect(blocks).toEqual(oracle.blocksAt(6));
    expect(blocks.map((b) => b.status)).toEqual(["slab", "slab", "alloc", "free"]);
    // The 24-byte slab holds a (24 B) and c (17 B); b was freed from it by the current call.
    const slab = page.locator("#map-a g.block[data-status=slab]").first();
    expect(await slab.getAttribute("data-requested")).toBe(String(24 + 17));
    expect(await slab.getAttribute("data-object-bytes")).toBe("24");
    expect(await slab.getAttribute("data-live-objects")).toBe("2");
    expect(await slab.locator(`rect[fill="${COLORS.slab}"]`).count()).toBe(2);
    expect(await page.locator(`#map-a g.block:not([data-status=slab]) rect[fill="${COLORS.slab}"]`).count()).toBe(0);
    expect(await slab.locator(".current-block").count(), "the freed object's slab is outlined").toBe(1);
    const size = Number(await slab.getAttribute("data-size"));
    const capacity = await slab.getAttribute("data-capacity");
    await slab.locator(`rect[fill="${COLORS.slab}"]`).first().hover({ force: true });
    const card = await page.textContent("#block-card");
    expect(card).toContain("statusSLAB");
    expect(card).toContain(`objects24 B each · 2 live of ${capacity}`);
    expect(card).toContain(`requested41 B over the live objects (slack ${size - 41} B)`);
    expect(await page.getAttribute("[data-testid=checker]", "data-ok")).toBe("true");
    expect(await page.textContent("#stats-a td[data-stat=blocks]")).toContain("2 of the allocated are slabs holding 3 small object(s)");
    expect(pageErrors).toEqual([]);
  });

  it("stays correct on the largest bundled workload, at the end and one step back", async () => {
    const name = "realloc-bal";
    const calls = repCalls(repText(name), name);
    const n = calls.length;
    const oracle = runOracle(calls, "tlsf", new Set([n, n - 1, 5000]));
    await page.selectOption("#policy-select", "tlsf");
    await loadProgram(`rep:${name}`, n);
    // A jump this long may be made in slices: the page draws the step when it gets there.
    await page.click("#last");
    await waitForStep(n);
    expect(await drawnBlocks()).toEqual(oracle.blocksAt(n));
    await page.click("#back");
    await waitForStep(n - 1);
    expect(await drawnBlocks()).toEqual(oracle.blocksAt(n - 1));
    await page.fill("#step-input", "5000");
    await page.press("#step-input", "Enter");
    await waitForStep(5000);
    expect(await drawnBlocks()).toEqual(oracle.blocksAt(5000));
    expect(await page.getAttribute("[data-testid=checker]", "data-ok")).toBe("true");
    expect(pageErrors).toEqual([]);
  });

  it("runs a long dropped workload in slices: progress shown, the page painting meanwhile, the newest choice wins", async () => {
    // 12000 small blocks, every other one freed (6000 holes that no later request fits), then 6000
    // larger requests: best fit scans the whole list for each, seconds of work at once.
    const blocks = 12_000;
    const lines: string[] = [];
    for (let id = 0; id < blocks; id += 1) lines.push(`a ${id} 16`);
    for (let id = 1; id < blocks; id += 2) lines.push(`f ${id}`);
    for (let id = blocks; id < blocks + blocks / 2; id += 1) lines.push(`a ${id} 24`);
    const text = `0\n${blocks + blocks / 2}\n${lines.length}\n1\n${lines.join("\n")}\n`;
    const calls = repCalls(text, "long");
    const n = calls.length;
    await page.selectOption("#policy-select", "best-fit");
    const file = { name: "long.rep", mimeType: "text/plain", buffer: Buffer.from(text) };

    // Superseded: a long run left for a short program is dropped, and never shows up later.
    await page.setInputFiles("#file-input", file);
    await page.waitForSelector("[data-testid=work]:not([hidden])");
    await page.selectOption("#program-select", "ref:test-malloc-coalesce");
    const coalesceCalls = refCalls(refText("test-malloc-coalesce"), "test-malloc-coalesce").length;
    await page.waitForFunction((m) => document.getElementById("step-label")?.textContent === `step 0 / ${m}`, coalesceCalls);
    expect(await page.isHidden("[data-testid=work]")).toBe(true);

    // Run to the end: while it runs the indicator moves and the page still paints frames.
    await page.setInputFiles("#file-input", { ...file, name: "long-again.rep" });
    await page.waitForSelector("[data-testid=work]:not([hidden])");
    const paintedWhileRunning = await page.evaluate(
      () => new Promise<boolean>((resolve) => requestAnimationFrame(() => resolve(!(document.getElementById("work") as HTMLElement).hidden))),
    );
    expect(paintedWhileRunning, "a frame was painted while the run was still going").toBe(true);
    expect(Number(await page.getAttribute("#work-bar", "value"))).toBeGreaterThan(0);
    await page.waitForFunction((m) => document.getElementById("step-label")?.textContent === `step 0 / ${m}`, n, { timeout: 60_000 });
    expect(await page.isHidden("[data-testid=work]")).toBe(true);
    await page.waitForTimeout(300);
    expect(await page.textContent("#step-label"), "the dropped run never came back").toBe(`step 0 / ${n}`);

    const oracle = runOracle(calls, "best-fit", new Set([n, n - 1]), 0);
    // The run's own last heap is kept, so the end shows at once, without a replay.
    await page.click("#last");
    expect(await shownStep()).toBe(n);
    expect(await drawnBlocks()).toEqual(oracle.blocksAt(n));
    await page.click("#back"); // a replay, in slices
    await waitForStep(n - 1, 60_000);
    expect(await drawnBlocks()).toEqual(oracle.blocksAt(n - 1));
    expect(pageErrors).toEqual([]);
  });
});
