// Workload replay and its metrics on tiny traces whose answers are worked out by hand from the layout
// (32-byte headers, 8-byte alignment, 128 KiB preallocation, mmap from 128 KiB), the content checks
// against deliberately broken heaps, failures, allocator errors and the time series.
import { createSimBackend } from "@osmem/backend-sim";
import { createHeap, DEFAULT_PREALLOC_BYTES, HEADER_BYTES } from "@osmem/core";
import type { FitPolicy, Heap } from "@osmem/core";
import { bestFit, slabFit } from "@osmem/policies";
import type { SyscallBackend } from "@osmem/syscalls";
import { describe, expect, it } from "vitest";
import { IntervalSet } from "../src/analyze/interval-set.js";
import { parseRep } from "../src/analyze/rep-format.js";
import { plannedPeakOp, replayWorkload } from "../src/analyze/workload-replay.js";

const trace = (...lines: string[]) => parseRep(`${lines.length}\n${lines.length}\n${lines.join("\n")}\n`, "hand.rep");
const run = (text: ReturnType<typeof trace>, extra: Partial<Parameters<typeof replayWorkload>[1]> = {}) =>
  replayWorkload(text, { policy: bestFit, ...extra });

/** A real heap whose `method` is replaced; everything else (and walkBlocks) sees the real heap. */
function patchedHeap(patch: (real: Heap) => Partial<Heap>): (backend: SyscallBackend, policy: FitPolicy) => Heap {
  return (backend, policy) => {
    const real = createHeap({ backend, policy, checkLevel: 0 });
    return Object.assign(Object.create(real) as Heap, patch(real));
  };
}

describe("replayWorkload metrics", () => {
  it("one malloc(100): utilization 100 / 128 KiB, the header and padding are internal", () => {
    const { metrics, heapMap } = run(trace("a 0 100"));
    expect(metrics.peakLiveBytes).toBe(100);
    expect(metrics.peakFootprintBytes).toBe(DEFAULT_PREALLOC_BYTES);
    expect(metrics.peakUtilization).toBe(100 / 131072);
    expect(metrics.internalFragmentationBytes).toBe(HEADER_BYTES + 104 - 100);
    expect(metrics.internalFragmentation).toBe(36 / 131072);
    expect(metrics.freeBytesAtPeak).toBe(131072 - (HEADER_BYTES + 104) - HEADER_BYTES);
    expect(metrics.externalFragmentation).toBe(0);
    expect(metrics.syscalls).toEqual({ brk: 2, mmap: 0, munmap: 0 });
    expect(metrics).toMatchObject({ ops: 1, failures: 0, violations: 0, errors: 0, contentChecks: true });
    expect(heapMap?.blocks).toEqual([
      { region: "heap", offsetBytes: 0, totalBytes: 136, status: "alloc", requestedBytes: 100 },
      { region: "heap", offsetBytes: 136, totalBytes: 131072 - 136, status: "free", requestedBytes: 0 },
    ]);
  });

  it("a hole the next request cannot use is external fragmentation at the peak", () => {
    const { metrics, heapMap } = run(trace("a 0 1000", "a 1 8", "f 0", "a 2 1200"));
    const tailFree = 131072 - (HEADER_BYTES + 1000) - (HEADER_BYTES + 8) - (HEADER_BYTES + 1200) - HEADER_BYTES;
    expect(heapMap?.opIndex).toBe(3);
    expect(metrics.peakLiveBytes).toBe(1208);
    expect(metrics.freeBytesAtPeak).toBe(1000 + tailFree);
    expect(metrics.largestFreeBytesAtPeak).toBe(tailFree);
    expect(metrics.externalFragmentation).toBeCloseTo(1000 / (1000 + tailFree), 12);
    expect(metrics.internalFragmentationBytes).toBe(2 * HEADER_BYTES);
  });

  it("counts adjacent free blocks as one run (they are merged before the next search)", () => {
    const { series } = run(trace("a 0 64", "a 1 64", "a 2 64", "f 0", "f 1"), { sampleCount: 5 });
    const mergedRun = 64 + HEADER_BYTES + 64;
    const tailFree = 131072 - 3 * (HEADER_BYTES + 64) - HEADER_BYTES;
    expect(series.externalFragmentation.at(-1)).toBeCloseTo(mergedRun / (mergedRun + tailFree), 12);
  });

  it("a slab holds small objects: their requests are its requested bytes, the rest of it is internal", () => {
    // slab-fit: a 4096-byte first break; 8- and 16-byte classes get one slab each (two 256-byte object
    // areas after a 4-byte slab header and a one-word bitmap, so 8 + 256 bytes of payload), and the
    // 200-byte request is a block of its own.
    const { metrics, heapMap } = run(trace("a 0 5", "a 1 8", "a 2 13", "a 3 200", "a 4 16"), { policy: slabFit });
    const slabs = heapMap?.blocks.filter((b) => b.status === "slab") ?? [];
    expect(slabs.map((b) => [b.totalBytes, b.requestedBytes])).toEqual([
      [HEADER_BYTES + 8 + 256, 5 + 8],
      [HEADER_BYTES + 8 + 256, 13 + 16],
    ]);
    expect(heapMap?.blocks.find((b) => b.status === "alloc")?.requestedBytes).toBe(200);
    expect(metrics.peakLiveBytes).toBe(242);
    expect(metrics.internalFragmentationBytes).toBe(2 * (HEADER_BYTES + 8 + 256) - 42 + HEADER_BYTES);
    expect(metrics).toMatchObject({ violations: 0, errors: 0, failures: 0, peakFootprintBytes: 4096 });
  });

  it("a big request is mapped: mmap and munmap counted, footprint is the block", () => {
    const { metrics } = run(trace("a 0 200000", "f 0"));
    expect(metrics.syscalls).toEqual({ brk: 0, mmap: 1, munmap: 1 });
    expect(metrics.peakFootprintBytes).toBe(200000 + HEADER_BYTES);
    expect(metrics.peakUtilization).toBe(200000 / 200032);
    expect(metrics.internalFragmentationBytes).toBe(HEADER_BYTES);
  });

  it("counts a NULL result as a failure and carries on with the id dead", () => {
    const limited = () => createSimBackend({ memoryLimitBytes: 64 * 1024, record: false });
    const { metrics } = run(trace("a 0 100", "r 0 200", "f 0", "f -1", "a 1 0"), { createBackend: limited });
    expect(metrics.failures).toBe(2);
    expect(metrics).toMatchObject({ violations: 0, errors: 0, peakLiveBytes: 0, peakUtilization: 0 });
  });

  it("samples evenly and ends with the last op", () => {
    const lines = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? `a ${i / 2} 24` : `f ${(i - 1) / 2}`));
    const { series } = run(trace(...lines), { sampleCount: 100 });
    expect(series.opIndex).toHaveLength(100);
    expect(series.opIndex[0]).toBe(9);
    expect(series.opIndex.at(-1)).toBe(999);
    expect(series.liveBytes.at(-1)).toBe(0);
    expect(series.utilization[0]).toBe(0);
  });

  it("plans the peak from the trace alone", () => {
    expect(plannedPeakOp(trace("a 0 10", "a 1 10", "f 0", "r 1 15"))).toBe(1);
    expect(plannedPeakOp(trace("a 0 10", "a 1 10", "f 0", "r 1 15", "a 2 6"))).toBe(4);
    expect(plannedPeakOp(trace("a 0 10", "f 0", "a 1 11"))).toBe(2);
    expect(plannedPeakOp(trace("f -1"))).toBe(-1);
  });
});

describe("content checks", () => {
  const reallocLosesBytes = patchedHeap((real) => ({
    realloc(ptr, sizeBytes) {
      const moved = real.realloc(ptr, sizeBytes);
      if (moved !== 0) real.backend.memory.writeU8(moved + 3, real.backend.memory.readU8(moved + 3) ^ 0xff);
      return moved;
    },
  }));

  it("catch a realloc that loses bytes, naming the op and its line", () => {
    const { metrics, problems } = run(trace("a 0 64", "r 0 128", "f 0"), { makeHeap: reallocLosesBytes });
    expect(metrics.violations).toBeGreaterThanOrEqual(1);
    expect(problems[0]).toMatchObject({ kind: "violation", opIndex: 1, line: 4 });
    expect(problems[0]?.message).toMatch(/realloc to 128 bytes lost bytes.*byte \+3/);
  });

  it("see nothing with --no-check", () => {
    expect(run(trace("a 0 64", "r 0 128", "f 0"), { makeHeap: reallocLosesBytes, contentChecks: false }).metrics.violations).toBe(0);
  });

  it("catch overlapping and misaligned payloads", () => {
    const overlapping = patchedHeap((real) => {
      let first = 0;
      return {
        malloc(sizeBytes) {
          const ptr = real.malloc(sizeBytes);
          if (first === 0) first = ptr;
          return sizeBytes === 40 ? first + 16 : sizeBytes === 12 ? ptr + 4 : ptr;
        },
      };
    });
    const { problems } = run(trace("a 0 64", "a 1 40", "a 2 12"), { makeHeap: overlapping });
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/payload of id 1 .* overlaps the live payload of id 0/),
      expect.stringMatching(/payload of id 2 .* is not 8-byte aligned/),
    ]);
  });

  it("report an allocator exception and continue", () => {
    const throwing = patchedHeap((real) => ({
      free(ptr) {
        if (ptr !== 0) throw new Error("boom");
        real.free(ptr);
      },
    }));
    const { metrics, problems } = run(trace("a 0 8", "f 0", "a 1 8"), { makeHeap: throwing });
    expect(metrics.errors).toBe(1);
    expect(problems[0]).toMatchObject({ kind: "error", opIndex: 1, message: "Error: boom" });
    expect(metrics.peakLiveBytes).toBe(8);
  });
});

describe("IntervalSet", () => {
  it("refuses overlaps and finds neighbours after many inserts and removals", () => {
    const set = new IntervalSet(4);
    const count = 2000;
    for (let i = 0; i < count; i += 1) expect(set.insert(i, ((i * 7919) % count) * 100, ((i * 7919) % count) * 100 + 50)).toBe(-1);
    for (let i = 0; i < count; i += 2) set.remove(i);
    for (let i = 1; i < count; i += 2) {
      const start = ((i * 7919) % count) * 100;
      expect(set.insert(count + i, start + 49, start + 60)).toBe(i);
      expect(set.insert(count + i, start - 10, start + 1)).toBe(i);
    }
    const start0 = 0;
    expect(set.insert(count, start0, start0 + 100)).toBe(-1);
    expect(set.has(count)).toBe(true);
  });
});
