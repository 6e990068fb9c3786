// A live allocator positioned at one step of a program: a fresh simulated address space, a heap with
// the chosen policy, and the calls applied so far. Each call reports what it returned and the syscalls
// it made, named the way the reference traces name them, so the explorer shows exactly what
// `osmem check` would print. Deterministic: the same program and policy always give the same states.
import { createSimBackend, type SimBackend } from "@osmem/backend-sim";
import { createHeap, type Heap } from "@osmem/core";
import { AddressNamer, formatSyscallLine, formatTraceLine } from "@osmem/harness/browser";
import { DEFAULT_POLICY, tryGetPolicy } from "@osmem/policies";
import type { SyscallEvent } from "@osmem/syscalls";
import type { Program, ProgramOp } from "./program.js";

/** What one call did. */
export interface OpOutcome {
  /** The payload address returned (0 for NULL); undefined for free and for a call that threw. */
  readonly result: number | undefined;
  /** The result as the reference traces print it: `HeapStart + 0x20`, `<mapped-addr1> + 0x20`, `0`, `<void>`. */
  readonly resultText: string;
  /** The syscalls the call made, one trace line each as the reference prints it, minus the padding (`brk (['0']) = HeapStart + 0x0`). */
  readonly syscalls: readonly string[];
  /** `Name: message` when the call threw (a double free, say); the heap is then unchanged. */
  readonly error?: string;
  /** The payload address the call returned or released (0 for none): the views highlight its block. */
  readonly touched: number;
}

/** How many calls a sliced run (a timeline being built, a long move) applies between two looks at the clock. */
export const CALLS_PER_CLOCK_CHECK = 64;

/** Thrown for a policy name no package provides. */
export class UnknownPolicyError extends Error {
  constructor(name: string) {
    super(`unknown policy '${name}'`);
    this.name = "UnknownPolicyError";
  }
}

/** A heap running `program` under one policy, at step `step` (the number of calls applied). */
export class Machine {
  readonly program: Program;
  readonly policyName: string;
  readonly backend: SimBackend;
  readonly heap: Heap;
  /** Names addresses as the reference traces do; fed every syscall in order. */
  readonly namer = new AddressNamer();
  /** Calls applied so far. */
  step = 0;
  /** Requested bytes of each live payload address (what the program asked for, before alignment). */
  readonly requested = new Map<number, number>();
  /** Sum of {@link Machine.requested}. */
  liveRequestedBytes = 0;
  private readonly results: number[] = [];
  private pending: SyscallEvent[] = [];
  private readonly events: SyscallEvent[] = [];

  constructor(program: Program, policyName: string = DEFAULT_POLICY.name) {
    const policy = tryGetPolicy(policyName);
    if (policy === undefined) throw new UnknownPolicyError(policyName);
    this.program = program;
    this.policyName = policyName;
    this.backend = createSimBackend({ record: false });
    this.backend.observer = (event) => this.events.push(event);
    this.heap = createHeap({ backend: this.backend, policy, checkLevel: 1 });
    this.pending = this.events.splice(0);
  }

  /** True when every call has been applied. */
  get done(): boolean {
    return this.step >= this.program.ops.length;
  }

  /**
   * Applies the next call. With `quiet`, the syscalls are only fed to the namer, not printed (a replay
   * that only needs the state), and the outcome's `syscalls` is empty. pre: not {@link Machine.done}.
   */
  applyNext(quiet = false): OpOutcome {
    const op = this.program.ops[this.step];
    if (op === undefined) throw new RangeError(`step ${this.step} is past the end of ${this.program.name}`);
    const ptr = op.ptrFrom < 0 ? 0 : (this.results[op.ptrFrom] ?? 0);
    let result: number | undefined;
    let error: string | undefined;
    try {
      result = this.invoke(op, ptr);
    } catch (thrown) {
      error = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
    }
    const events = [...this.pending, ...this.events.splice(0)];
    const syscalls = quiet
      ? (events.forEach((event) => this.namer.observe(event)), [])
      : events.map((event) => formatTraceLine(formatSyscallLine(this.namer, event)).trim().replace(/ {2,}= /, " = "));
    this.pending = [];
    this.results[this.step] = result ?? 0;
    this.step += 1;
    const touched = result === undefined || result === 0 ? ptr : result;
    if (error !== undefined) return { result: undefined, resultText: "error", syscalls, error, touched: 0 };
    if (result === undefined) return { result, resultText: "<void>", syscalls, touched };
    return { result, resultText: this.namer.name(result), syscalls, touched };
  }

  private invoke(op: ProgramOp, ptr: number): number | undefined {
    const [first = 0, second = 0] = op.sizes;
    switch (op.kind) {
      case "malloc":
        return this.track(this.heap.malloc(first), first);
      case "calloc":
        return this.track(this.heap.calloc(first, second), first * second);
      case "realloc": {
        const result = this.heap.realloc(ptr, first);
        if (result !== 0 || first === 0) this.untrack(ptr);
        return this.track(result, first);
      }
      case "free":
        this.heap.free(ptr);
        this.untrack(ptr);
        return undefined;
    }
  }

  private track(payload: number, requestedBytes: number): number {
    if (payload !== 0) {
      this.requested.set(payload, requestedBytes);
      this.liveRequestedBytes += requestedBytes;
    }
    return payload;
  }

  private untrack(payload: number): void {
    const bytes = this.requested.get(payload);
    if (bytes === undefined) return;
    this.requested.delete(payload);
    this.liveRequestedBytes -= bytes;
  }
}
