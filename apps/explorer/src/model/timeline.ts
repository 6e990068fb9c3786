// A whole run of a program under one policy, computed once when the program is loaded: what every
// call returned and which syscalls it made, and the heap's figures over time (sampled on long
// programs) for the charts. Stepping never recomputes this; only the heap map needs a live heap.
import { walkBlocks, type Heap } from "@osmem/core";
import { externalFragmentationOf, freeRuns } from "@osmem/harness/browser";
import { CALLS_PER_CLOCK_CHECK, Machine, type OpOutcome } from "./machine.js";
import { pictureOf, type HeapPicture } from "./picture.js";
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

/**
 * A timeline built a slice at a time, so that a page can run a long program (hundreds of thousands of
 * calls under a linear-scan policy take seconds) without freezing, show its progress, and drop it
 * when the user asks for something else. {@link buildTimeline} runs one to the end at once.
 */
export class TimelineBuilder {
  readonly policyName: string;
  private readonly machine: Machine;
  private readonly sampleEvery: number;
  private readonly outcomes: OpOutcome[] = [];
  private readonly samples: Sample[];
  private peakRequested = 0;
  private peakFootprint = 0;
  private errors = 0;

  /** @throws UnknownPolicyError */
  constructor(program: Program, policyName: string) {
    this.policyName = policyName;
    this.machine = new Machine(program, policyName);
    this.sampleEvery = Math.max(1, Math.ceil(program.ops.length / TARGET_SAMPLES));
    this.samples = [sampleOf(this.machine)];
  }

  /** Calls applied so far. */
  get step(): number {
    return this.machine.step;
  }
  /** Calls in the program. */
  get total(): number {
    return this.machine.program.ops.length;
  }
  /** True when every call has been applied (then {@link TimelineBuilder.result} is complete). */
  get done(): boolean {
    return this.machine.done;
  }

  /** Applies calls until the program ends or `performance.now()` passes `deadlineMs`; returns {@link TimelineBuilder.done}. */
  runUntil(deadlineMs: number): boolean {
    const machine = this.machine;
    while (!machine.done) {
      const outcome = machine.applyNext();
      this.outcomes.push(outcome);
      if (outcome.error !== undefined) this.errors += 1;
      this.peakRequested = Math.max(this.peakRequested, machine.liveRequestedBytes);
      if (outcome.syscalls.length > 0 || machine.step === 1) {
        const stats = machine.heap.stats();
        this.peakFootprint = Math.max(this.peakFootprint, stats.heapBytes + stats.mappedBytes);
      }
      if (machine.step % this.sampleEvery === 0 || machine.done) this.samples.push(sampleOf(machine));
      if (machine.step % CALLS_PER_CLOCK_CHECK === 0 && performance.now() > deadlineMs) break;
    }
    return machine.done;
  }

  /**
   * The heap after the last call, as a {@link Navigator} would picture it (the run is deterministic),
   * so that a page can show the end of a long program without replaying it. pre: {@link TimelineBuilder.done}.
   */
  finalPicture(): HeapPicture {
    this.requireDone();
    return pictureOf(this.machine);
  }

  /** The timeline. pre: {@link TimelineBuilder.done}. */
  result(): Timeline {
    this.requireDone();
    const { policyName, outcomes, samples, sampleEvery, peakRequested, peakFootprint, errors } = this;
    return { policyName, outcomes, samples, sampleEvery, peakUtilization: peakFootprint === 0 ? 0 : peakRequested / peakFootprint, errors };
  }

  /** @throws RangeError while calls remain. */
  private requireDone(): void {
    if (!this.done) throw new RangeError(`the run under ${this.policyName} stopped at call ${this.step} of ${this.total}`);
  }
}

/** Runs `program` to the end under `policyName`. @throws UnknownPolicyError */
export function buildTimeline(program: Program, policyName: string): Timeline {
  const builder = new TimelineBuilder(program, policyName);
  builder.runUntil(Number.POSITIVE_INFINITY);
  return builder.result();
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
