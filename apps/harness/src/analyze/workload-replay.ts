// Replays one .rep workload on a fresh heap and measures it: throughput, peak utilization, syscalls,
// failures, a time series and the heap map at the peak. The loop keeps per-id state in typed arrays
// and reads heap.stats() only after a syscall (the footprint cannot change otherwise); the heap is
// walked only at sample points and once at the peak. Allocator exceptions become problems, never crashes.
import { createSimBackend } from "@osmem/backend-sim";
import { createHeap, walkBlocks } from "@osmem/core";
import type { BlockInfo, FitPolicy, Heap } from "@osmem/core";
import type { Addr, SyscallBackend } from "@osmem/syscalls";
import { freeRuns, externalFragmentationOf, fragmentationOf } from "./metrics.js";
import type { HeapMap, HeapMapBlock, WorkloadMetrics, WorkloadSeries } from "./metrics.js";
import { PayloadGuard } from "./payload-guard.js";
import { RepOpKind } from "./rep-format.js";
import type { RepTrace } from "./rep-format.js";
import { utilizationBound } from "./utilization-bound.js";

/** Samples taken over a run unless told otherwise. */
export const DEFAULT_SAMPLE_COUNT = 300;
/** Problems kept per run (all are counted). */
export const MAX_KEPT_PROBLEMS = 20;

/** Something that went wrong at one op. */
export interface ReplayProblem {
  readonly kind: "violation" | "error";
  readonly opIndex: number;
  /** The trace line of the op. */
  readonly line: number;
  readonly message: string;
}

/** Everything one run produced. */
export interface WorkloadRun {
  readonly metrics: WorkloadMetrics;
  readonly series: WorkloadSeries;
  /** Undefined when nothing was ever live. */
  readonly heapMap: HeapMap | undefined;
  /** The first {@link MAX_KEPT_PROBLEMS} problems. */
  readonly problems: readonly ReplayProblem[];
}

/** Options of {@link replayWorkload}. */
export interface WorkloadReplayOptions {
  readonly policy: FitPolicy;
  /** Fill and verify payloads, check alignment and overlap. Default true. */
  readonly contentChecks?: boolean;
  /** Roughly how many samples to take. Default {@link DEFAULT_SAMPLE_COUNT}. */
  readonly sampleCount?: number;
  /** A fresh backend; default backend-sim without a syscall log. */
  readonly createBackend?: () => SyscallBackend;
  /** Builds the heap; default `createHeap` at check level 0. Tests wrap it to break promises. */
  readonly makeHeap?: (backend: SyscallBackend, policy: FitPolicy) => Heap;
}

/**
 * The op after which live requested bytes first reach their maximum, assuming every request succeeds
 * (it depends on the trace alone), or -1 when nothing is ever live.
 */
export function plannedPeakOp(trace: RepTrace): number {
  const live = new Float64Array(Math.max(1, trace.idLimit));
  let total = 0;
  let peak = 0;
  let peakOp = -1;
  for (let i = 0; i < trace.opCount; i += 1) {
    const id = trace.ids[i] ?? -1;
    if (id < 0) continue;
    const kind = trace.kinds[i];
    total -= live[id] ?? 0;
    live[id] = kind === RepOpKind.Free ? 0 : (trace.sizes[i] ?? 0);
    total += live[id] ?? 0;
    if (total > peak) {
      peak = total;
      peakOp = i;
    }
  }
  return peakOp;
}

const defaultHeap = (backend: SyscallBackend, policy: FitPolicy): Heap => createHeap({ backend, policy, checkLevel: 0 });

/** Replays `trace` with `options.policy` on a fresh heap. Never throws for allocator misbehaviour. */
export function replayWorkload(trace: RepTrace, options: WorkloadReplayOptions): WorkloadRun {
  const backend = (options.createBackend ?? (() => createSimBackend({ record: false })))();
  const heap = (options.makeHeap ?? defaultHeap)(backend, options.policy);
  const checks = options.contentChecks ?? true;
  const guard = checks ? new PayloadGuard(backend.memory, trace.idLimit, trace.maxSizeBytes) : undefined;
  const ptrs = new Float64Array(Math.max(1, trace.idLimit));
  const requested = new Float64Array(Math.max(1, trace.idLimit));
  const problems: ReplayProblem[] = [];
  let violations = 0;
  let errors = 0;
  let failures = 0;
  let live = 0;
  let peakLive = 0;
  let footprint = 0;
  let peakFootprint = 0;
  let syscallSeen = false;
  const previousObserver = backend.observer;
  backend.observer = (event) => {
    syscallSeen = true;
    previousObserver?.(event);
  };

  const n = trace.opCount;
  const peakOp = plannedPeakOp(trace);
  const sampleEvery = Math.max(1, Math.ceil(n / Math.max(1, options.sampleCount ?? DEFAULT_SAMPLE_COUNT)));
  const series: WorkloadSeries = { opIndex: [], liveBytes: [], footprintBytes: [], utilization: [], externalFragmentation: [] };
  let heapMap: HeapMap | undefined;
  let peakFragmentation = { internalBytes: 0, freeBytes: 0, largestFreeBytes: 0, external: 0 };
  let peakMapFootprint = 0;
  let instrumentationMs = 0;

  const report = (kind: ReplayProblem["kind"], i: number, message: string): void => {
    if (kind === "violation") violations += 1;
    else errors += 1;
    if (problems.length < MAX_KEPT_PROBLEMS) problems.push({ kind, opIndex: i, line: trace.lines[i] ?? 0, message });
  };
  const forget = (id: number): void => {
    live -= requested[id] ?? 0;
    ptrs[id] = 0;
    requested[id] = 0;
    guard?.release(id);
  };
  /** Records what a malloc or realloc returned for `id`; `previous` is the old block a realloc moved. */
  const adopt = (id: number, ptr: number, sizeBytes: number, i: number, previous?: { ptr: number; requestedBytes: number }): void => {
    if (ptr === 0) {
      if (sizeBytes > 0) failures += 1;
      return;
    }
    ptrs[id] = ptr;
    requested[id] = sizeBytes;
    live += sizeBytes;
    const problem =
      previous === undefined || previous.ptr === 0
        ? guard?.adopt(id, ptr, sizeBytes, i)
        : guard?.adoptResized(id, ptr, previous.requestedBytes, sizeBytes);
    if (problem !== undefined) report("violation", i, problem);
  };

  const started = performance.now();
  for (let i = 0; i < n; i += 1) {
    const kind = trace.kinds[i];
    const id = trace.ids[i] ?? -1;
    const sizeBytes = trace.sizes[i] ?? 0;
    try {
      if (kind === RepOpKind.Alloc) {
        if ((ptrs[id] ?? 0) !== 0) forget(id);
        adopt(id, heap.malloc(sizeBytes), sizeBytes, i);
      } else if (kind === RepOpKind.Free) {
        const ptr = id < 0 ? 0 : (ptrs[id] ?? 0);
        if (ptr !== 0 && guard !== undefined) {
          const problem = guard.verify(id, ptr, requested[id] ?? 0, "bytes changed before free");
          if (problem !== undefined) report("violation", i, problem);
        }
        if (ptr !== 0) forget(id);
        heap.free(ptr);
      } else {
        const oldPtr = ptrs[id] ?? 0;
        const oldRequested = requested[id] ?? 0;
        if (oldPtr !== 0 && guard !== undefined) {
          const problem = guard.verify(id, oldPtr, oldRequested, "bytes changed before realloc");
          if (problem !== undefined) report("violation", i, problem);
        }
        forget(id);
        adopt(id, heap.realloc(oldPtr, sizeBytes), sizeBytes, i, { ptr: oldPtr, requestedBytes: oldRequested });
      }
    } catch (error) {
      report("error", i, `${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      if (id >= 0) forget(id);
    }
    if (syscallSeen) {
      syscallSeen = false;
      const stats = heap.stats();
      footprint = stats.heapBytes + stats.mappedBytes;
      if (footprint > peakFootprint) peakFootprint = footprint;
    }
    if (live > peakLive) peakLive = live;
    if (i === peakOp || i % sampleEvery === sampleEvery - 1 || i === n - 1) {
      const before = performance.now();
      try {
        const blocks = walkBlocks(heap);
        if (i === peakOp) {
          const requestedIn = requestedLookup(ptrs, requested);
          heapMap = captureHeapMap(heap, i, blocks, requestedIn);
          peakFragmentation = fragmentationOf(blocks, requestedIn);
          peakMapFootprint = footprint;
        }
        if (i % sampleEvery === sampleEvery - 1 || i === n - 1) {
          const runs = freeRuns(blocks);
          series.opIndex.push(i);
          series.liveBytes.push(live);
          series.footprintBytes.push(footprint);
          series.utilization.push(footprint > 0 ? live / footprint : 0);
          series.externalFragmentation.push(externalFragmentationOf(runs.largestFreeBytes, runs.freeBytes));
        }
      } catch (error) {
        report("error", i, `the heap could not be walked: ${error instanceof Error ? error.message : String(error)}`);
      }
      instrumentationMs += performance.now() - before;
    }
  }
  const elapsedMs = performance.now() - started - instrumentationMs;
  backend.observer = previousObserver;

  const stats = heap.stats();
  const metrics: WorkloadMetrics = {
    trace: trace.name,
    policy: options.policy.name,
    ops: n,
    opsPerSec: elapsedMs > 0 ? n / (elapsedMs / 1000) : 0,
    contentChecks: checks,
    peakLiveBytes: peakLive,
    peakFootprintBytes: peakFootprint,
    peakUtilization: peakFootprint > 0 ? peakLive / peakFootprint : 0,
    utilizationBound: utilizationBound(trace),
    internalFragmentationBytes: peakFragmentation.internalBytes,
    internalFragmentation: peakMapFootprint > 0 ? peakFragmentation.internalBytes / peakMapFootprint : 0,
    externalFragmentation: peakFragmentation.external,
    freeBytesAtPeak: peakFragmentation.freeBytes,
    largestFreeBytesAtPeak: peakFragmentation.largestFreeBytes,
    syscalls: { brk: stats.syscalls.brk, mmap: stats.syscalls.mmap, munmap: stats.syscalls.munmap },
    failures,
    violations,
    errors,
  };
  return { metrics, series, heapMap, problems };
}

/**
 * The bytes requested by the live allocations whose pointers lie in a block's payload: one allocation
 * for a block of its own, every small object for a slab. Sorts the live pointers once.
 */
function requestedLookup(ptrs: Float64Array, requested: Float64Array): (block: BlockInfo) => number {
  const live: { ptr: number; bytes: number }[] = [];
  for (let id = 0; id < ptrs.length; id += 1) {
    const ptr = ptrs[id] ?? 0;
    if (ptr !== 0) live.push({ ptr, bytes: requested[id] ?? 0 });
  }
  live.sort((a, b) => a.ptr - b.ptr);
  const before = new Float64Array(live.length + 1);
  live.forEach((entry, i) => (before[i + 1] = (before[i] ?? 0) + entry.bytes));
  const firstAtOrAfter = (addr: number): number => {
    let low = 0;
    let high = live.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((live[mid]?.ptr ?? 0) < addr) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  return (block) => (before[firstAtOrAfter(block.payloadAddr + block.sizeBytes)] ?? 0) - (before[firstAtOrAfter(block.payloadAddr)] ?? 0);
}

function captureHeapMap(heap: Heap, opIndex: number, blocks: readonly BlockInfo[], requestedIn: (block: BlockInfo) => number): HeapMap {
  const heapStart: Addr = heap.heapStart;
  let mappedBase = Number.POSITIVE_INFINITY;
  for (const block of blocks) if (block.status === "mapped" && block.addr < mappedBase) mappedBase = block.addr;
  const mapBlocks: HeapMapBlock[] = blocks.map((block) => {
    const region = block.status === "mapped" ? "mapped" : "heap";
    return {
      region,
      offsetBytes: block.addr - (region === "mapped" ? mappedBase : heapStart),
      totalBytes: block.sizeBytes + (block.payloadAddr - block.addr),
      status: block.status,
      requestedBytes: block.status === "free" ? 0 : requestedIn(block),
    };
  });
  const stats = heap.stats();
  return { opIndex, heapBytes: stats.heapBytes, mappedBytes: stats.mappedBytes, blocks: mapBlocks };
}
