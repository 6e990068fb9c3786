// The anonymous mappings one native backend made: the live ones (each a Region registered with the
// memory) and every address range it ever mapped. munmap is only ever passed to the kernel for live
// pieces of this backend's own mappings, after their views are detached: memory Node or glibc mapped,
// even at an address this backend used before, is never unmapped.
import type { Addr } from "@osmem/syscalls";
import type { RawBinding, RawResult } from "../load-binding.js";
import type { NativeMemory } from "./native-memory.js";
import { Region } from "./region.js";

/** A half-open range `[start, end)`. */
interface Span {
  start: Addr;
  end: Addr;
}

export class MappingTable {
  /** Live mappings sorted by start. */
  private readonly live: Region[] = [];
  /** Every range this backend has mapped, merged where they touch, sorted by start. */
  private readonly history: Span[] = [];

  constructor(
    private readonly binding: RawBinding,
    private readonly memory: NativeMemory,
  ) {}

  /** Live mappings as `[start, end)` pairs, sorted. */
  list(): readonly Region[] {
    return this.live;
  }

  /** Records a fresh mapping of `[start, end)` (already mapped read/write by the kernel). */
  insert(start: Addr, end: Addr): void {
    this.addLive(new Region(this.binding, start, end));
    this.remember(start, end);
  }

  /** Whether every byte of `[start, end)` lies in some range this backend mapped at some point. */
  wasEverMapped(start: Addr, end: Addr): boolean {
    let at = start;
    for (const span of this.history) {
      if (span.end <= at) continue;
      if (span.start > at) return false;
      at = span.end;
      if (at >= end) return true;
    }
    return at >= end;
  }

  /**
   * Unmaps the live parts of `[start, end)`: detaches their views, calls the kernel once per run of
   * touching live pieces, and keeps the parts outside the range as new regions. Stops at the first
   * kernel failure, leaving that run mapped (with fresh views), and returns its result. When the
   * range is one live run, the kernel gets `requestedLength` as the caller passed it (strace agrees
   * with the event log); otherwise each run's page-rounded length.
   */
  unmap(start: Addr, end: Addr, requestedLength: number): RawResult {
    const touched = this.live.filter((region) => region.start < end && start < region.end);
    for (const region of touched) {
      this.removeLive(region);
      region.detachAll();
    }
    const runs: Span[] = [];
    for (const region of touched) {
      const piece = { start: Math.max(region.start, start), end: Math.min(region.end, end) };
      const previous = runs[runs.length - 1];
      if (previous !== undefined && previous.end === piece.start) previous.end = piece.end;
      else runs.push(piece);
    }
    let failure: RawResult | undefined;
    const stillMapped: Span[] = [];
    const whole = runs.length === 1 && runs[0]?.start === start && runs[0].end === end;
    for (const run of runs) {
      const lengthBytes = whole ? requestedLength : run.end - run.start;
      const result = failure === undefined ? this.binding.munmap(run.start, lengthBytes) : failure;
      if (!result.ok) {
        failure = result;
        stillMapped.push(run);
      }
    }
    for (const region of touched) {
      if (region.start < start) this.addLive(new Region(this.binding, region.start, start));
      if (region.end > end) this.addLive(new Region(this.binding, end, region.end));
      for (const run of stillMapped) {
        const keptStart = Math.max(region.start, run.start);
        const keptEnd = Math.min(region.end, run.end);
        if (keptStart < keptEnd) this.addLive(new Region(this.binding, keptStart, keptEnd));
      }
    }
    return failure ?? { ok: true, value: 0 };
  }

  /** Detaches and unmaps every live mapping (for disposal); kernel failures are ignored. */
  unmapAll(): void {
    for (const region of [...this.live]) {
      this.removeLive(region);
      region.detachAll();
      this.binding.munmap(region.start, region.lengthBytes);
    }
  }

  private addLive(region: Region): void {
    let index = this.live.length;
    while (index > 0 && (this.live[index - 1] as Region).start > region.start) index -= 1;
    this.live.splice(index, 0, region);
    this.memory.add(region);
  }

  private removeLive(region: Region): void {
    const index = this.live.indexOf(region);
    if (index >= 0) this.live.splice(index, 1);
    this.memory.remove(region);
  }

  private remember(start: Addr, end: Addr): void {
    const merged: Span = { start, end };
    const kept: Span[] = [];
    for (const span of this.history) {
      if (span.end < merged.start || span.start > merged.end) kept.push(span);
      else {
        merged.start = Math.min(merged.start, span.start);
        merged.end = Math.max(merged.end, span.end);
      }
    }
    kept.push(merged);
    kept.sort((a, b) => a.start - b.start);
    this.history.splice(0, this.history.length, ...kept);
  }
}
