// The explorer page: wires the controls to the model and redraws the views. One heap (or two when
// comparing) is positioned at the current step; everything on screen is derived from it and from
// the timelines computed when the program was loaded.
import "./styles.css";
import { POLICIES } from "@osmem/policies";
import { loadBundled, REF_NAMES, REP_NAMES } from "./model/catalog.js";
import { Navigator } from "./model/navigator.js";
import type { HeapPicture } from "./model/picture.js";
import { programFromFile, programFromText, type Program, type ProgramSource } from "./model/program.js";
import { TimelineBuilder, divergence, type Timeline } from "./model/timeline.js";
import { decodeLink, encodeLink } from "./model/url-state.js";
import { fitBytesPerRow, renderHeapMap } from "./view/heap-map.js";
import { renderOpList } from "./view/op-list.js";
import { renderStats, stepAtChartX } from "./view/stats-view.js";

const DEFAULT_PROGRAM: ProgramSource = { kind: "ref", name: "test-malloc-split-vector" };
/**
 * Long runs (a big dropped workload under a linear-scan policy takes seconds) are done in slices of
 * this many milliseconds, with the page free to repaint and take input between them.
 */
const SLICE_MS = 40;
/** Resolves on a later task: the browser paints and handles events in between. */
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
const POLICY_NAMES = Object.keys(POLICIES);

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
};

/** Scrolls `scroller` (only it, never the page) so that `target` sits in its middle. */
function centerIn(scroller: Element | null, target: Element | null): void {
  if (scroller === null || target === null) return;
  const box = scroller.getBoundingClientRect();
  const item = target.getBoundingClientRect();
  scroller.scrollTop += item.top - box.top - box.height / 2 + item.height / 2;
}

interface Side {
  readonly policy: string;
  readonly timeline: Timeline;
  readonly navigator: Navigator;
  picture?: HeapPicture;
}

class Explorer {
  private program: Program | undefined;
  private a: Side | undefined;
  private b: Side | undefined;
  private divergenceAt = -1;
  private step = 0;
  /** Bytes per heap-map row; undefined = fit the heap at every step (until the user zooms). */
  private zoomedBytesPerRow: number | undefined;
  private bytesPerRow = 4096;
  private playing: number | undefined;
  private linkTimer: number | undefined;
  /** Bumped by every load and every move: a sliced run that sees another number was superseded and stops. */
  private loadJob = 0;
  private moveJob = 0;

  start(): void {
    this.fillMenus();
    this.bindControls();
    void this.restore();
    window.addEventListener("hashchange", () => void this.restore());
  }

  // --- loading ---

  private fillMenus(): void {
    const group = (label: string, kind: string, names: readonly string[]): string =>
      `<optgroup label="${label}">${names.map((n) => `<option value="${kind}:${n}">${n}</option>`).join("")}</optgroup>`;
    $<HTMLSelectElement>("program-select").innerHTML =
      `<option value="" disabled>(typed or dropped program)</option>` +
      group("Reference programs", "ref", REF_NAMES) +
      group("Workloads (malloclab .rep)", "rep", REP_NAMES);
    $<HTMLSelectElement>("policy-select").innerHTML = POLICY_NAMES.map((n) => `<option>${n}</option>`).join("");
    $<HTMLSelectElement>("compare-select").innerHTML = `<option value="">(none)</option>` + POLICY_NAMES.map((n) => `<option>${n}</option>`).join("");
  }

  private async restore(): Promise<void> {
    try {
      const link = await decodeLink(location.hash);
      const source = link?.source ?? DEFAULT_PROGRAM;
      const program = source.kind === "ref" || source.kind === "rep" ? await loadBundled(source.kind, source.name) : await this.parseSource(source);
      await this.load(program, link?.policy ?? POLICY_NAMES[0] ?? "best-fit", link?.compare, link?.step ?? 0);
    } catch (error) {
      this.showStatus(error, true);
      if (this.program === undefined) await this.load(await loadBundled("ref", "test-malloc-split-vector"), "best-fit", undefined, 0);
    }
  }

  private async parseSource(source: ProgramSource): Promise<Program> {
    if (source.kind === "text") return programFromText(source.text);
    if (source.kind === "file") return programFromFile(source.name, source.text);
    return loadBundled(source.kind, source.name);
  }

  /**
   * Runs `program` to the end under the policies (the timelines), a slice at a time with its progress
   * shown, then shows `step`. A later load or move supersedes it; the page keeps the previous program
   * until the run is complete. @throws UnknownPolicyError
   */
  private async load(program: Program, policy: string, compare: string | undefined, step: number): Promise<void> {
    const started = performance.now();
    const job = ++this.loadJob;
    this.moveJob += 1;
    this.stopPlaying();
    const policies = compare === undefined || compare === "" ? [policy] : [policy, compare];
    const builders = policies.map((name) => new TimelineBuilder(program, name));
    for (const builder of builders) {
      while (!builder.runUntil(performance.now() + SLICE_MS)) {
        const done = builders.reduce((sum, b) => sum + b.step, 0);
        const total = builders.reduce((sum, b) => sum + b.total, 0);
        this.showWork(`running ${program.name} under ${builder.policyName}: call ${builder.step} of ${builder.total}`, done / total);
        await nextTask();
        if (job !== this.loadJob) return;
      }
    }
    this.showWork(undefined, 0);
    const [a, b] = builders.map((builder) => this.side(program, builder));
    if (a === undefined) return;
    this.program = program;
    this.a = a;
    this.b = b;
    this.divergenceAt = this.b === undefined ? -1 : divergence(this.a.timeline, this.b.timeline);
    this.zoomedBytesPerRow = undefined;
    const select = $<HTMLSelectElement>("program-select");
    const { source } = program;
    select.value = source.kind === "ref" || source.kind === "rep" ? `${source.kind}:${source.name}` : "";
    $<HTMLSelectElement>("policy-select").value = policy;
    $<HTMLSelectElement>("compare-select").value = compare ?? "";
    if (source.kind === "text") $<HTMLTextAreaElement>("editor").value = source.text;
    const slider = $<HTMLInputElement>("step-slider");
    slider.max = String(program.ops.length);
    $<HTMLInputElement>("step-input").max = String(program.ops.length);
    const errors = this.a.timeline.errors;
    this.showStatus(
      `${program.name}: ${program.ops.length} calls, run in ${Math.round(performance.now() - started)} ms` +
        (errors > 0 ? ` · ${errors} call(s) misuse the allocator (shown in red; the heap is left unchanged)` : ""),
      false,
    );
    this.goTo(step);
  }

  private side(program: Program, finished: TimelineBuilder): Side {
    const policy = finished.policyName;
    // The run left its heap at the last step: the navigator gets that picture, so "last" is instant.
    return { policy, timeline: finished.result(), navigator: new Navigator(program, policy, [finished.finalPicture()]) };
  }

  /** The policy the menu shows: the current one, or the one a load still running was started for. */
  private chosenPolicy(): string {
    return $<HTMLSelectElement>("policy-select").value || (this.a?.policy ?? "best-fit");
  }
  /** The policy compared against, as the menu shows it (undefined: none). */
  private chosenCompare(): string | undefined {
    return $<HTMLSelectElement>("compare-select").value || undefined;
  }

  /** {@link load}, reporting a failure on the page. */
  private loadShown(program: Program, policy: string, compare: string | undefined, step: number): void {
    this.load(program, policy, compare, step).catch((error: unknown) => {
      this.showStatus(error, true);
      // The menus go back to what the page shows.
      $<HTMLSelectElement>("policy-select").value = this.a?.policy ?? "";
      $<HTMLSelectElement>("compare-select").value = this.b?.policy ?? "";
    });
  }

  private async loadFile(file: File): Promise<void> {
    try {
      const text = await file.text();
      await this.load(programFromFile(file.name, text), this.chosenPolicy(), this.chosenCompare(), 0);
    } catch (error) {
      this.showStatus(error, true);
    }
  }

  // --- stepping ---

  private get length(): number {
    return this.program?.ops.length ?? 0;
  }

  /**
   * Shows the heap(s) at `step`. A short move is drawn at once; a long one (a jump far into a big
   * workload) goes on in slices with its progress shown, and the page draws the step when it gets
   * there, unless another move or load has superseded it.
   */
  goTo(step: number): void {
    if (this.program === undefined || this.a === undefined) return;
    const target = Math.max(0, Math.min(this.length, Math.trunc(Number.isFinite(step) ? step : 0)));
    this.step = target;
    const job = ++this.moveJob;
    const sides = this.b === undefined ? [this.a] : [this.a, this.b];
    const arrive = (): boolean => {
      const deadline = performance.now() + SLICE_MS;
      const pictures = sides.map((side) => side.navigator.advance(target, deadline));
      if (pictures.some((picture) => picture === undefined)) return false;
      sides.forEach((side, i) => (side.picture = pictures[i]));
      this.showWork(undefined, 0);
      this.render();
      this.scheduleLinkUpdate();
      return true;
    };
    if (arrive()) return;
    // Progress counts from where the first slice left the heap (a move backward restarts it at step 0).
    const navigator = this.a.navigator;
    const from = navigator.position;
    void (async () => {
      do {
        this.showWork(`moving to step ${target}`, (navigator.position - from) / Math.max(1, target - from));
        await nextTask();
        if (job !== this.moveJob) return;
      } while (!arrive());
    })();
  }

  private togglePlay(): void {
    if (this.playing !== undefined) {
      this.stopPlaying();
      return;
    }
    if (this.step >= this.length) this.goTo(0);
    let last = performance.now();
    let owed = 0;
    const tick = (now: number): void => {
      const speed = Number($<HTMLSelectElement>("speed-select").value);
      owed += ((now - last) / 1000) * speed;
      last = now;
      const whole = Math.floor(owed);
      if (whole > 0) {
        owed -= whole;
        this.goTo(this.step + whole);
      }
      if (this.step >= this.length) this.stopPlaying();
      else this.playing = requestAnimationFrame(tick);
    };
    this.playing = requestAnimationFrame(tick);
    $("play").textContent = "❚❚ pause";
  }

  private stopPlaying(): void {
    if (this.playing !== undefined) cancelAnimationFrame(this.playing);
    this.playing = undefined;
    $("play").textContent = "▶ play";
  }

  // --- drawing ---

  private render(): void {
    const { program, a, b } = this;
    if (program === undefined || a?.picture === undefined) return;
    const pictures = [a.picture, ...(b?.picture === undefined ? [] : [b.picture])];
    this.bytesPerRow = this.zoomedBytesPerRow ?? Math.max(...pictures.map((p) => fitBytesPerRow(p, 40)));
    const layoutA = $("pane-a").parentElement;
    layoutA?.classList.toggle("comparing", b !== undefined);
    $("pane-b").hidden = b === undefined;
    this.renderPane("a", a);
    if (b !== undefined) this.renderPane("b", b);

    $("op-list").innerHTML = renderOpList(program, a.timeline, this.step, b === undefined ? undefined : { timeline: b.timeline, divergence: this.divergenceAt });
    centerIn($("op-list"), $("op-list").querySelector("li.current"));
    const label = $("step-label");
    label.textContent = `step ${this.step} / ${this.length}`;
    label.dataset.step = String(this.step);
    $<HTMLInputElement>("step-slider").value = String(this.step);
    $<HTMLInputElement>("step-input").value = String(this.step);
    $("zoom-label").textContent = `${this.bytesPerRow} bytes per row${this.zoomedBytesPerRow === undefined ? " (fit)" : ""}`;
    const badge = $("divergence");
    badge.hidden = b === undefined;
    badge.dataset.step = b === undefined ? "" : this.divergenceAt < 0 ? "none" : String(this.divergenceAt + 1);
    badge.textContent =
      b === undefined ? "" : this.divergenceAt < 0 ? `${a.policy} and ${b.policy} agree on every call` : `diverges at step ${this.divergenceAt + 1}`;
    badge.className = b !== undefined && this.divergenceAt >= 0 ? "badge" : "muted";
  }

  private renderPane(id: "a" | "b", side: Side): void {
    const picture = side.picture;
    if (picture === undefined) return;
    const pane = $(`pane-${id}`);
    const title = pane.querySelector(".pane-title");
    if (title !== null) title.textContent = `${side.policy} · ${this.program?.name ?? ""}`;
    const map = $(`map-${id}`);
    const width = Math.max(320, map.parentElement?.clientWidth ?? 700) - 150;
    const touched = side.timeline.outcomes[this.step - 1]?.touched ?? 0;
    map.innerHTML = renderHeapMap(picture, { bytesPerRow: this.bytesPerRow, widthPx: width, highlightAddr: touched });
    centerIn(map.parentElement, map.querySelector(".current-block"));
    $(`stats-${id}`).innerHTML = renderStats(picture, side.timeline, this.length);
  }

  // --- link, export, messages ---

  private linkState() {
    if (this.program === undefined || this.a === undefined) return undefined;
    const base = { source: this.program.source, step: this.step, policy: this.a.policy };
    return this.b === undefined ? base : { ...base, compare: this.b.policy };
  }

  private scheduleLinkUpdate(): void {
    clearTimeout(this.linkTimer);
    this.linkTimer = window.setTimeout(() => void this.updateLink(), 150);
  }

  private async updateLink(): Promise<string> {
    const state = this.linkState();
    if (state === undefined) return location.href;
    const hash = await encodeLink(state);
    history.replaceState(null, "", `#${hash}`);
    return location.href;
  }

  private exportSvg(): void {
    const svg = $("map-a").innerHTML;
    const blob = new Blob([`<?xml version="1.0" encoding="UTF-8"?>\n${svg}`], { type: "image/svg+xml" });
    const anchor = document.createElement("a");
    anchor.href = URL.createObjectURL(blob);
    anchor.download = `${this.program?.name ?? "heap"}-${this.a?.policy ?? ""}-step${this.step}.svg`;
    anchor.click();
    setTimeout(() => URL.revokeObjectURL(anchor.href), 1000);
  }

  /** Shows the progress of a sliced run (`label` undefined: none running). */
  private showWork(label: string | undefined, fraction: number): void {
    $("work").hidden = label === undefined;
    if (label === undefined) return;
    $("work-label").textContent = `${label}…`;
    $<HTMLProgressElement>("work-bar").value = Math.max(0, Math.min(1, fraction));
  }

  private showStatus(message: unknown, isError: boolean): void {
    const status = $("status");
    status.hidden = false;
    status.classList.toggle("error", isError);
    status.textContent = message instanceof Error ? `${message.name}: ${message.message}` : String(message);
  }

  // --- controls ---

  private bindControls(): void {
    const click = (id: string, action: () => void): void => $(id).addEventListener("click", action);
    click("first", () => this.goTo(0));
    click("back", () => this.goTo(this.step - 1));
    click("forward", () => this.goTo(this.step + 1));
    click("last", () => this.goTo(this.length));
    click("play", () => this.togglePlay());
    click("zoom-in", () => this.zoom(0.5));
    click("zoom-out", () => this.zoom(2));
    click("zoom-fit", () => {
      this.zoomedBytesPerRow = undefined;
      this.render();
    });
    click("export-svg", () => this.exportSvg());
    click("copy-link", () => {
      void this.updateLink().then(async (href) => {
        try {
          await navigator.clipboard.writeText(href);
          this.showStatus("Link copied to the clipboard.", false);
        } catch {
          this.showStatus(`Link: ${href}`, false);
        }
      });
    });
    click("run-editor", () => {
      try {
        this.loadShown(programFromText($<HTMLTextAreaElement>("editor").value), this.chosenPolicy(), this.chosenCompare(), 0);
      } catch (error) {
        this.showStatus(error, true);
      }
    });
    $("step-slider").addEventListener("input", (e) => this.goTo(Number((e.target as HTMLInputElement).value)));
    $("step-input").addEventListener("change", (e) => this.goTo(Number((e.target as HTMLInputElement).value)));
    $("program-select").addEventListener("change", (e) => {
      const [kind, ...name] = (e.target as HTMLSelectElement).value.split(":");
      if (kind !== "ref" && kind !== "rep") return;
      loadBundled(kind, name.join(":")).then(
        (program) => this.loadShown(program, this.chosenPolicy(), this.chosenCompare(), 0),
        (error: unknown) => this.showStatus(error, true),
      );
    });
    $("policy-select").addEventListener("change", (e) => {
      if (this.program !== undefined) this.loadShown(this.program, (e.target as HTMLSelectElement).value, this.chosenCompare(), this.step);
    });
    $("compare-select").addEventListener("change", (e) => {
      if (this.program !== undefined) this.loadShown(this.program, this.chosenPolicy(), (e.target as HTMLSelectElement).value, this.step);
    });
    $("file-input").addEventListener("change", (e) => {
      const file = (e.target as HTMLInputElement).files?.[0];
      if (file !== undefined) void this.loadFile(file);
    });
    $("op-list").addEventListener("click", (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>("li[data-index]");
      if (row !== null) this.goTo(Number(row.dataset.index) + 1);
    });
    for (const id of ["stats-a", "stats-b"]) {
      $(id).addEventListener("click", (e) => {
        const chart = (e.target as Element).closest("svg.timeline-chart");
        if (!(chart instanceof SVGSVGElement)) return;
        const box = chart.getBoundingClientRect();
        const x = ((e.clientX - box.left) / box.width) * chart.viewBox.baseVal.width;
        this.goTo(stepAtChartX(x, this.length));
      });
    }
    for (const id of ["map-a", "map-b"]) {
      $(id).addEventListener("mousemove", (e) => this.showBlockCard(e));
      $(id).addEventListener("mouseleave", () => ($("block-card").hidden = true));
    }
    document.addEventListener("keydown", (e) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement) return;
      const keys: Record<string, () => void> = {
        ArrowLeft: () => this.goTo(this.step - 1),
        ArrowRight: () => this.goTo(this.step + 1),
        Home: () => this.goTo(0),
        End: () => this.goTo(this.length),
        " ": () => this.togglePlay(),
      };
      const action = keys[e.key];
      if (action !== undefined) {
        e.preventDefault();
        action();
      }
    });
    document.addEventListener("dragover", (e) => {
      e.preventDefault();
      document.body.classList.add("dragging");
    });
    document.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
    document.addEventListener("drop", (e) => {
      e.preventDefault();
      document.body.classList.remove("dragging");
      const file = e.dataTransfer?.files[0];
      if (file !== undefined) void this.loadFile(file);
    });
  }

  /** The header of the block under the pointer, in a card next to it (the SVG <title> stays for export). */
  private showBlockCard(e: MouseEvent): void {
    const card = $("block-card");
    const block = (e.target as Element).closest<SVGGElement>("g.block");
    if (block === null) {
      card.hidden = true;
      return;
    }
    const d = block.dataset;
    const size = Number(d.size);
    const requested = d.requested === "" || d.requested === undefined ? undefined : Number(d.requested);
    const isSlab = d.status === "slab";
    const rows: [string, string][] = [
      ["header at", d.name ?? ""],
      ["size", `${size} B payload`],
      ["status", (d.status ?? "").toUpperCase()],
      ["prev", d.prev ?? ""],
      ["next", d.next ?? ""],
      ...(isSlab
        ? ([
            ["slab", "small objects of one size share this block"],
            ["objects", `${d.objectBytes ?? "?"} B each · ${d.liveObjects ?? "?"} live of ${d.capacity ?? "?"}`],
          ] as [string, string][])
        : []),
      ...(requested === undefined
        ? []
        : ([["requested", `${requested} B${isSlab ? " over the live objects" : ""} (slack ${size - requested} B)`]] as [string, string][])),
    ];
    card.innerHTML = `<table>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v.replace(/</g, "&lt;")}</td></tr>`).join("")}</table>`;
    card.hidden = false;
    card.style.left = `${Math.min(e.clientX + 14, window.innerWidth - card.offsetWidth - 8)}px`;
    card.style.top = `${Math.min(e.clientY + 14, window.innerHeight - card.offsetHeight - 8)}px`;
  }

  private zoom(factor: number): void {
    this.zoomedBytesPerRow = Math.max(32, Math.min(2 ** 30, this.bytesPerRow * factor));
    this.render();
  }
}

new Explorer().start();
