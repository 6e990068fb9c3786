// What `osmem analyze` measures, and the pure arithmetic behind it: the per-run metrics record, the
// time series, the heap map captured at the peak, fragmentation computed from a block list, and the
// per-policy summary (mean utilization, geometric mean throughput). No I/O and no heap access here.
import { HEADER_BYTES } from "@osmem/core";
import type { BlockInfo } from "@osmem/core";

/** Syscall counts by kind. */
export interface SyscallCounts {
  brk: number;
  mmap: number;
  munmap: number;
}

/** The numbers of one (trace, policy) run; what `--json` prints. Fractions are in 0..1. */
export interface WorkloadMetrics {
  readonly trace: string;
  readonly policy: string;
  /** Ops replayed. */
  readonly ops: number;
  /** Ops per second of the replay loop (content checks included when on; sampling excluded). */
  readonly opsPerSec: number;
  readonly contentChecks: boolean;
  /** The most requested bytes live at once. */
  readonly peakLiveBytes: number;
  /** The largest footprint: bytes taken from the break plus mapped block bytes. */
  readonly peakFootprintBytes: number;
  /** `peakLiveBytes / peakFootprintBytes` (0 when nothing was ever taken). */
  readonly peakUtilization: number;
  /**
   * The most any allocator with the 32-byte header and 8-byte alignment could reach on this trace
   * (see utilization-bound.ts): what is left between this and `peakUtilization` is the policy's doing.
   */
  readonly utilizationBound: number;
  /** At the peak: headers, alignment padding and unsplit tails of allocated blocks, in bytes. */
  readonly internalFragmentationBytes: number;
  /** `internalFragmentationBytes / footprint` at the peak. */
  readonly internalFragmentation: number;
  /** At the peak: `1 - largestFreeBytes / freeBytes` (0 when nothing is free). */
  readonly externalFragmentation: number;
  /** At the peak: payload bytes a fit search could use, adjacent free blocks counted as merged. */
  readonly freeBytesAtPeak: number;
  /** At the peak: the largest such free run. */
  readonly largestFreeBytesAtPeak: number;
  readonly syscalls: SyscallCounts;
  /** Requests (of a non-zero size) that returned NULL. */
  readonly failures: number;
  /** Content-check violations (corrupted bytes, overlap, misalignment). */
  readonly violations: number;
  /** Exceptions the allocator threw. */
  readonly errors: number;
}

/** Evenly spaced samples over a run; all arrays have the same length. */
export interface WorkloadSeries {
  /** The op after which each sample was taken (0-based). */
  readonly opIndex: number[];
  readonly liveBytes: number[];
  readonly footprintBytes: number[];
  /** `liveBytes / footprintBytes` at the sample (0 when the footprint is 0). */
  readonly utilization: number[];
  readonly externalFragmentation: number[];
}

/** One block of a heap map. Offsets are from the heap start (heap blocks) or the lowest mapping. */
export interface HeapMapBlock {
  readonly region: "heap" | "mapped";
  readonly offsetBytes: number;
  /** Header plus payload. */
  readonly totalBytes: number;
  readonly status: BlockInfo["status"];
  /** The bytes the program asked for (allocated and mapped blocks, summed over a slab's objects; 0 for free ones). */
  readonly requestedBytes: number;
}

/** The block list at the moment the live bytes peaked. */
export interface HeapMap {
  readonly opIndex: number;
  readonly heapBytes: number;
  readonly mappedBytes: number;
  readonly blocks: HeapMapBlock[];
}

/** Fragmentation figures of one block list. */
export interface Fragmentation {
  readonly internalBytes: number;
  readonly freeBytes: number;
  readonly largestFreeBytes: number;
  /** `1 - largestFreeBytes / freeBytes`, 0 when nothing is free. */
  readonly external: number;
}

/**
 * Free space as a fit search sees it: adjacent free heap blocks form one run (the allocator merges them
 * before searching), worth its total bytes minus one header. Returns the largest run and the sum.
 */
export function freeRuns(blocks: readonly BlockInfo[]): { freeBytes: number; largestFreeBytes: number } {
  let freeBytes = 0;
  let largestFreeBytes = 0;
  let runBytes = -1;
  let runEnd = -1;
  const close = (): void => {
    if (runBytes < 0) return;
    freeBytes += runBytes;
    if (runBytes > largestFreeBytes) largestFreeBytes = runBytes;
    runBytes = -1;
  };
  for (const block of blocks) {
    if (block.status !== "free") {
      close();
      continue;
    }
    if (runBytes >= 0 && block.addr === runEnd) runBytes += HEADER_BYTES + block.sizeBytes;
    else {
      close();
      runBytes = block.sizeBytes;
    }
    runEnd = block.addr + HEADER_BYTES + block.sizeBytes;
  }
  close();
  return { freeBytes, largestFreeBytes };
}

/** `1 - largest / total`, or 0 when `total` is 0. */
export const externalFragmentationOf = (largestFreeBytes: number, freeBytes: number): number =>
  freeBytes > 0 ? 1 - largestFreeBytes / freeBytes : 0;

/**
 * Fragmentation of `blocks`. `requestedIn(block)` gives the bytes the program asked for inside an
 * allocated block: its one allocation's, or for a slab the sum over the small objects live in it (0
 * when unknown: the whole block then counts as overhead). A slab's unused object slots and its own
 * header and bitmap count as internal fragmentation: only objects of its class can use them.
 */
export function fragmentationOf(blocks: readonly BlockInfo[], requestedIn: (block: BlockInfo) => number): Fragmentation {
  let internalBytes = 0;
  for (const block of blocks) {
    if (block.status !== "free") internalBytes += HEADER_BYTES + block.sizeBytes - requestedIn(block);
  }
  const { freeBytes, largestFreeBytes } = freeRuns(blocks);
  return { internalBytes, freeBytes, largestFreeBytes, external: externalFragmentationOf(largestFreeBytes, freeBytes) };
}

/** One policy's results over all traces. */
export interface PolicySummary {
  readonly policy: string;
  readonly traces: number;
  /** Arithmetic mean of `peakUtilization`. */
  readonly meanUtilization: number;
  /** Arithmetic mean of `utilizationBound` over the same traces. */
  readonly meanUtilizationBound: number;
  /** Geometric mean of `opsPerSec` (runs with 0 ops/s are left out). */
  readonly geomeanOpsPerSec: number;
  readonly failures: number;
  /** Violations plus errors. */
  readonly problems: number;
}

/** Groups `metrics` by policy, in first-seen order. */
export function summarizeByPolicy(metrics: readonly WorkloadMetrics[]): PolicySummary[] {
  const groups = new Map<string, WorkloadMetrics[]>();
  for (const m of metrics) {
    const group = groups.get(m.policy);
    if (group === undefined) groups.set(m.policy, [m]);
    else group.push(m);
  }
  return [...groups].map(([policy, runs]) => {
    const rates = runs.map((m) => m.opsPerSec).filter((rate) => rate > 0);
    return {
      policy,
      traces: runs.length,
      meanUtilization: runs.reduce((sum, m) => sum + m.peakUtilization, 0) / runs.length,
      meanUtilizationBound: runs.reduce((sum, m) => sum + m.utilizationBound, 0) / runs.length,
      geomeanOpsPerSec: rates.length === 0 ? 0 : Math.exp(rates.reduce((sum, rate) => sum + Math.log(rate), 0) / rates.length),
      failures: runs.reduce((sum, m) => sum + m.failures, 0),
      problems: runs.reduce((sum, m) => sum + m.violations + m.errors, 0),
    };
  });
}
