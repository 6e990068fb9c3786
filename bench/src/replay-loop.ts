// The one replay loop every allocator runs: `.rep` ops in order, the pointer of each id in a typed
// array, the same rules as `osmem analyze` (a re-used id leaks its old block, a NULL result for a
// non-zero size is a failure, free(NULL) is skipped). It only tracks live bytes and, when asked, the
// footprint after every op; it never touches payloads, so timed runs measure the allocator and the loop.
import type { BenchAllocator } from "./allocators.js";
import { RepOpKind } from "./rep-source.js";
import type { RepTrace } from "./rep-source.js";

/** What one replay observed. Byte counts are requested bytes unless named footprint. */
export interface ReplayOutcome {
  /** Wall time of the loop, in milliseconds. */
  readonly elapsedMs: number;
  /** Requested bytes still live after the last op. */
  readonly liveBytes: number;
  /** The most requested bytes live at once. */
  readonly peakLiveBytes: number;
  /** The largest footprint seen after any op; 0 unless `trackFootprint` was on. */
  readonly peakFootprintBytes: number;
  /** Requests for a non-zero size that returned NULL. */
  readonly failures: number;
}

/** The most requested bytes live at once if every request succeeds (depends on the trace alone). */
export function peakRequestedBytes(trace: RepTrace): number {
  const live = new Float64Array(Math.max(1, trace.idLimit));
  let total = 0;
  let peak = 0;
  for (let i = 0; i < trace.opCount; i += 1) {
    const id = trace.ids[i] ?? -1;
    if (id < 0) continue;
    total -= live[id] ?? 0;
    live[id] = trace.kinds[i] === RepOpKind.Free ? 0 : (trace.sizes[i] ?? 0);
    total += live[id] ?? 0;
    if (total > peak) peak = total;
  }
  return peak;
}

/**
 * Replays `trace` on `allocator` (a fresh one: ids start empty). With `trackFootprint`, reads
 * `footprintBytes()` after every op (for utilization runs; leave it off when timing).
 */
export function replayTrace(trace: RepTrace, allocator: BenchAllocator, trackFootprint: boolean): ReplayOutcome {
  const ptrs = new Float64Array(Math.max(1, trace.idLimit));
  const requested = new Float64Array(Math.max(1, trace.idLimit));
  const { kinds, ids, sizes, opCount } = trace;
  let live = 0;
  let peakLive = 0;
  let peakFootprint = 0;
  let failures = 0;
  const started = performance.now();
  for (let i = 0; i < opCount; i += 1) {
    const kind = kinds[i];
    const id = ids[i] ?? -1;
    const sizeBytes = sizes[i] ?? 0;
    if (kind === RepOpKind.Free) {
      const ptr = id < 0 ? 0 : (ptrs[id] ?? 0);
      if (ptr !== 0) {
        live -= requested[id] ?? 0;
        ptrs[id] = 0;
        requested[id] = 0;
        allocator.free(ptr);
      }
    } else {
      const oldPtr = ptrs[id] ?? 0;
      live -= requested[id] ?? 0;
      ptrs[id] = 0;
      requested[id] = 0;
      const ptr = kind === RepOpKind.Alloc ? allocator.malloc(sizeBytes) : allocator.realloc(oldPtr, sizeBytes);
      if (ptr === 0) {
        if (sizeBytes > 0) failures += 1;
      } else {
        ptrs[id] = ptr;
        requested[id] = sizeBytes;
        live += sizeBytes;
        if (live > peakLive) peakLive = live;
      }
    }
    if (trackFootprint) {
      const footprint = allocator.footprintBytes();
      if (footprint > peakFootprint) peakFootprint = footprint;
    }
  }
  const elapsedMs = performance.now() - started;
  return { elapsedMs, liveBytes: live, peakLiveBytes: peakLive, peakFootprintBytes: peakFootprint, failures };
}
