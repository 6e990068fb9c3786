// The core's random programs on both backends: the same program must make the same decisions on
// simulated and on real memory, so the syscall traces, with addresses taken relative to the heap start
// and mappings numbered in order, are identical. The one legitimate difference is a break moved by
// glibc in this process between two growths: the native heap then starts a new segment, and that run
// is compared only up to the first difference, which must be a brk (the native heap's growth in the
// new segment, or a growth in place that only the simulated heap could make). A run in which the
// kernel refused to move the shared break at all is not compared, and in a process whose break cannot
// grow at all (Node mapped memory right above it) the suite is skipped, saying so.
import { createSimBackend } from "@osmem/backend-sim";
import { createHeap, type FitPolicy } from "@osmem/core";
import { heapOpsArbitrary, runCheckedProgram, type HeapOp } from "@osmem/core/testing";
import { bestFit, indexedBestFit, slabFit, tlsf } from "@osmem/policies";
import { recordSyscalls, type SyscallBackend, type SyscallEvent } from "@osmem/syscalls";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { native, nativeUnavailable, processBreakBlocked, titled } from "./native-availability.js";


/** The events as text with heap addresses relative to the first brk(0) and mappings numbered. */
function relativeTrace(events: readonly SyscallEvent[]): string[] {
  let heapStart = 0;
  const mappings: { start: number; length: number; n: number }[] = [];
  const name = (addr: number): string => {
    const mapping = mappings.find((m) => addr >= m.start && addr < m.start + m.length);
    return mapping === undefined ? `heap+${addr - heapStart}` : `map${mapping.n}+${addr - mapping.start}`;
  };
  return events.map((event) => {
    if (!event.result.ok) return `${event.kind} failed ${event.result.errno}`;
    switch (event.kind) {
      case "brk":
        if (event.addr === 0 && heapStart === 0) heapStart = event.result.value;
        return event.addr === 0 ? "brk(0)" : `brk(${name(event.addr)}) = ${name(event.result.value)}`;
      case "mmap":
        mappings.unshift({ start: event.result.value, length: event.lengthBytes, n: mappings.length + 1 });
        return `mmap(${event.lengthBytes}) = map${mappings.length}`;
      case "munmap":
        return `munmap(${name(event.addr)}, ${event.lengthBytes})`;
    }
  });
}

function run(backend: SyscallBackend, policy: FitPolicy, ops: readonly HeapOp[]): { trace: string[]; segments: number; brkRefused: boolean; problem?: string } {
  const recording = recordSyscalls(backend);
  const heap = createHeap({ backend, policy, checkLevel: 2 });
  const outcome = runCheckedProgram(heap, ops);
  recording.stop();
  const brkRefused = recording.events.some((event) => event.kind === "brk" && !event.result.ok);
  return { trace: relativeTrace(recording.events), segments: heap.stats().segments, brkRefused, ...(outcome.problem === undefined ? {} : { problem: outcome.problem }) };
}

// The reference policy, two that keep free-block tags in heap memory (through Memory on native), and
// slab fit, whose slab headers and bitmaps live in heap memory too.
const POLICY_RUNS = [
  { name: bestFit.name, policy: bestFit, numRuns: 150 },
  { name: tlsf.name, policy: tlsf, numRuns: 50 },
  { name: indexedBestFit.name, policy: indexedBestFit, numRuns: 50 },
  { name: slabFit.name, policy: slabFit, numRuns: 50 },
];

const skipReason = nativeUnavailable ?? processBreakBlocked;

describe.runIf(skipReason === undefined)(titled("random programs on sim and native agree", skipReason), () => {
  it.each(POLICY_RUNS)("make the same syscalls at the same relative addresses with $name", ({ policy, numRuns }) => {
    const loaded = native;
    if (loaded === undefined) return;
    let compared = 0;
    let refused = 0;
    let segmented = 0;
    fc.assert(
      fc.property(heapOpsArbitrary({ minOps: 20 }), (ops) => {
        const simulated = run(createSimBackend(), policy, ops);
        expect(simulated.problem).toBeUndefined();
        const backend = loaded.createNativeBackend();
        try {
          const real = run(backend, policy, ops);
          // The kernel may refuse to move a shared break (something of Node's is mapped right above
          // it): requests then fail with ENOMEM, correctly, and there is nothing to compare.
          if (real.brkRefused) {
            refused += 1;
            return;
          }
          expect(real.problem).toBeUndefined();
          if (real.segments <= 1) {
            expect(real.trace).toEqual(simulated.trace);
            compared += 1;
          } else {
            segmented += 1;
            // Over the longer trace: a brk only the simulated heap made may be its last line.
            const longer = Math.max(real.trace.length, simulated.trace.length);
            let firstJump = 0;
            while (firstJump < longer && real.trace[firstJump] === simulated.trace[firstJump]) firstJump += 1;
            expect(real.trace.slice(0, firstJump)).toEqual(simulated.trace.slice(0, firstJump));
            // Either the native heap grew in its new segment (a brk to another address), or the
            // simulated one extended its last block in place where the native one could not (its
            // break had moved), and the native one placed the request in memory it had: a brk that
            // only the simulated trace has.
            const [nativeLine, simulatedLine] = [real.trace[firstJump], simulated.trace[firstJump]];
            expect(
              [nativeLine, simulatedLine].some((line) => line?.startsWith("brk(") === true),
              `first difference: native ${String(nativeLine)}, simulated ${String(simulatedLine)}`,
            ).toBe(true);
          }
        } finally {
          backend.dispose();
        }
      }),
      { seed: 20_261_126, numRuns },
    );
    // Too few comparisons means this process's break was rarely ours alone; say which way.
    expect(compared, `${refused} runs saw brk refused, ${segmented} met a break moved by someone else`).toBeGreaterThan(numRuns * 0.66);
  });
});
