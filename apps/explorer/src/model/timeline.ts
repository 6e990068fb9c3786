// A whole run of a program under one policy, computed once when the program is loaded: what every
// call returned and which syscalls it made, and the heap's figures over time (sampled on long
// programs) for the charts. Stepping never recomputes this; only the heap map needs a live heap.
import { walkBlocks, type Heap } from "@osmem/core";
import { externalFragmentationOf, freeRuns } from "@osmem/harness/browser";
import { Machine, type OpOutcome } from "./machine.js";
import type { Program } from "./program.js";

/** The heap's figures after `step` calls. */
export interface Sample {
  readonly step: number;
  readonly requestedBytes: number;
  /** Payload bytes of allocated and mapped blocks (requested bytes plus alignment and unsplit tails). */
  readonly inUseBytes: number;
  readonly footprintBytes: number;
  /** requested ÷ footprint (0 with no footprint). */
  readonly utilization: number;
  /** `1 − largest free run ÷ all free bytes` (adjacent free blocks are one run, as in `osmem analyze`). */
  readonly externalFragmentation: number;
}

/** Charts stay readable and loading stays fast with about this many samples, whatever the length. */
export const TARGET_SAMPLES = 800;

/** The outcomes and samples of a complete run. */
export interface Timeline {
  readonly policyName: string;
  /** `outcomes[i]` is what call `i` did. */
  readonly outcomes: readonly OpOutcome[];
  /** Figures at step 0, every `sampleEvery` steps, and at the last step. */
  readonly samples: readonly Sample[];
  readonly sampleEvery: number;
  /** Peak requested bytes ÷ peak footprint over the run (the CMU driver's utilization). */
  readonly peakUtilization: number;
  /** How many calls threw (misuse in a hand-written program). */
  readonly errors: number;
}

/** As `osmem analyze` defines it: adjacent free blocks count as one run (a fit search merges them first). */
function externalFragmentation(heap: Heap): number {
  const { freeBytes, largestFreeBytes } = freeRuns(walkBlocks(heap));
  return externalFragmentationOf(largestFreeBytes, freeBytes);
}

function sampleOf(machine: Machine): Sample {
  const stats = machine.heap.stats();
  const footprintBytes = stats.heapBytes + stats.mappedBytes;
  const requestedBytes = machine.liveRequestedBytes;
  return {
    step: machine.step,
    requestedBytes,
    inUseBytes: stats.bytesInUse,
    footprintBytes,
    utilization: footprintBytes === 0 ? 0 : requestedBytes / footprintBytes,
    externalFragmentation: externalFragmentation(machine.heap),
  };
}

/** Runs `program` to the end under `policyName`. @throws UnknownPolicyError */
export function buildTimeline(program: Program, policyName: string): Timeline {
  const machine = new Machine(program, policyName);
  const total = program.ops.length;
  const sampleEvery = Math.max(1, Math.ceil(total / TARGET_SAMPLES));
  const outcomes: OpOutcome[] = [];
  const samples: Sample[] = [sampleOf(machine)];
  let peakRequested = 0;
  let peakFootprint = 0;
  let errors = 0;
  while (!machine.done) {
    const outcome = machine.applyNext();
    outcomes.push(outcome);
    if (outcome.error !== undefined) errors += 1;
    peakRequested = Math.max(peakRequested, machine.liveRequestedBytes);
    if (outcome.syscalls.length > 0 || machine.step === 1) {
      const stats = machine.heap.stats();
      peakFootprint = Math.max(peakFootprint, stats.heapBytes + stats.mappedBytes);
    }
    if (machine.step % sampleEvery === 0 || machine.done) samples.push(sampleOf(machine));
  }
  return {
    policyName,
    outcomes,
    samples,
    sampleEvery,
    peakUtilization: peakFootprint === 0 ? 0 : peakRequested / peakFootprint,
    errors,
  };
}

/**
 * The first call at which two runs of the same program differ: a different result (addresses named
 * relative to the heap start, mappings by number) or different syscalls. -1 when the runs agree.
 */
export function divergence(a: Timeline, b: Timeline): number {
  const n = Math.min(a.outcomes.length, b.outcomes.length);
  for (let i = 0; i < n; i += 1) {
    const x = a.outcomes[i];
    const y = b.outcomes[i];
    if (x === undefined || y === undefined) break;
    if (x.resultText !== y.resultText || x.error !== y.error || x.syscalls.join("\n") !== y.syscalls.join("\n")) return i;
  }
  return a.outcomes.length === b.outcomes.length ? -1 : n;
}
