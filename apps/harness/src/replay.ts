// Replays a reference program on a fresh heap and records what happened: the calls with their actual
// results and syscalls, payload content violations, heap-check problems, leaks, and a crash if any.
// Only composes: the backend, the policy and the heap functions are injected (sim + best fit + core
// by default). Never lets an allocator error escape; it becomes the replay's `failure`.
import { createSimBackend } from "@osmem/backend-sim";
import { ALIGN, checkHeap, createHeap, walkBlocks } from "@osmem/core";
import type { BlockInfo, CheckLevel, FitPolicy, Heap, HeapOptions, HeapProblem } from "@osmem/core";
import { bestFit } from "@osmem/policies";
import { recordSyscalls, SegmentationFault } from "@osmem/syscalls";
import type { Addr, SyscallBackend, SyscallEvent } from "@osmem/syscalls";
import { AddressNamer } from "./address-names.js";
import { PayloadTracker } from "./payload-check.js";
import { formatTrace, formatTraceLine } from "./ref-format.js";
import type { OpKind, RefOp, RefProgram, TraceCall, TraceEnding } from "./ref-format.js";
import { resolveArgs } from "./resolve-args.js";

/** The heap functions a replay uses; swap them to test the harness itself against a fake heap. */
export interface HeapDriver {
  createHeap(options: HeapOptions): Heap;
  walkBlocks(heap: Heap): BlockInfo[];
  checkHeap(heap: Heap): HeapProblem[];
}

/** The real `@osmem/core`. */
export const coreDriver: HeapDriver = { createHeap, walkBlocks, checkHeap };

/** Options of {@link replayProgram}. */
export interface ReplayOptions {
  /** The OS to run on; default a fresh `createSimBackend()`. Must be fresh: the trace starts at its first syscall. */
  backend?: SyscallBackend;
  /** Default `bestFit`, the reference policy. */
  policy?: FitPolicy;
  /** Passed to the heap; at 2 the harness also runs `checkHeap` after every call. Default 2. */
  checkLevel?: CheckLevel;
  /** Default {@link coreDriver}. */
  driver?: HeapDriver;
}

/** Where in the program something went wrong. */
export interface OpSite {
  /** 0-based op index; -1 for heap creation. */
  readonly opIndex: number;
  /** 1-based line in the `.ref` file; 0 for heap creation. */
  readonly lineNumber: number;
  /** The call as the reference writes it, e.g. `os_free (['HeapStart + 0x20'])`. */
  readonly call: string;
}

/** A broken promise about payload contents or placement (the replay went on). */
export interface Violation extends OpSite {
  readonly message: string;
}

/** An error that stopped the replay: thrown by the allocator, or found by `checkHeap`. */
export interface ReplayFailure extends OpSite {
  /** The error's name (`InvariantError`, `SegmentationFault`, `HeapCheckError`, ...). */
  readonly errorName: string;
  readonly message: string;
  /** How the trace ends: `SIGSEGV` for segmentation faults, `SIGABRT` for everything else. */
  readonly signal: "SIGSEGV" | "SIGABRT";
}

/** A block still allocated or mapped when the program ended. */
export interface Leak {
  /** The payload address, named as in the trace (`HeapStart + 0x20`). */
  readonly addr: string;
  readonly sizeBytes: number;
  /** `slab`: a slab block, still holding at least one live small object (or kept for reuse). */
  readonly status: "alloc" | "mapped" | "slab";
}

/** Everything a replay found. The replay failed when `failure` is set or `violations` is not empty. */
export interface ReplayResult {
  readonly program: RefProgram;
  readonly calls: readonly TraceCall[];
  /** The produced trace in the reference format. */
  readonly text: string;
  readonly violations: readonly Violation[];
  /** Empty when the replay stopped early. */
  readonly leaks: readonly Leak[];
  /** The heap's segment count at the end (more than 1: someone else moved the break during the run). */
  readonly segments?: number;
  readonly failure?: ReplayFailure;
}

const opSite = (op: RefOp): OpSite => ({
  opIndex: op.index,
  lineNumber: op.lineNumber,
  call: formatTraceLine({ depth: 0, name: `os_${op.kind}`, args: op.args, result: "" }).replace(/ *= $/, ""),
});

function invoke(heap: Heap, kind: OpKind, args: readonly number[]): Addr | undefined {
  const [first = 0, second = 0] = args;
  switch (kind) {
    case "malloc":
      return heap.malloc(first);
    case "calloc":
      return heap.calloc(first, second);
    case "realloc":
      return heap.realloc(first, second);
    case "free":
      heap.free(first);
      return undefined;
  }
}

function toFailure(site: OpSite, error: unknown): ReplayFailure {
  const isError = error instanceof Error;
  return {
    ...site,
    errorName: isError ? error.name : "Error",
    message: isError ? error.message : String(error),
    signal: error instanceof SegmentationFault ? "SIGSEGV" : "SIGABRT",
  };
}

/**
 * Runs `program` on a fresh heap, one call at a time, recording each call's syscalls, and checks the
 * payloads as described in payload-check.ts. Stops at the first thrown error or `checkHeap` problem.
 * @throws RefParseError only when the program itself is malformed (see {@link resolveArgs}).
 */
export function replayProgram(program: RefProgram, options: ReplayOptions = {}): ReplayResult {
  const resolved = resolveArgs(program);
  const backend = options.backend ?? createSimBackend();
  const driver = options.driver ?? coreDriver;
  const checkLevel = options.checkLevel ?? 2;
  const namer = new AddressNamer();
  const tracker = new PayloadTracker(backend.memory, (addr) => namer.name(addr));
  const calls: TraceCall[] = [];
  const violations: Violation[] = [];
  const results: (Addr | undefined)[] = [];
  const finish = (failure?: ReplayFailure, leaks: Leak[] = []): ReplayResult => {
    const ending: TraceEnding = failure === undefined ? { kind: "exited" } : { kind: "killed", signal: failure.signal };
    const text = formatTrace(calls, ending);
    return failure === undefined
      ? { program, calls, text, violations, leaks }
      : { program, calls, text, violations, leaks, failure };
  };

  // Syscalls made while the heap is created have no call of their own: they show under the first call.
  let pending: SyscallEvent[] = [];
  let heap: Heap;
  const setup = recordSyscalls(backend);
  try {
    heap = driver.createHeap({ backend, policy: options.policy ?? bestFit, checkLevel });
  } catch (error) {
    return finish(toFailure({ opIndex: -1, lineNumber: 0, call: "createHeap" }, error));
  } finally {
    setup.stop();
    pending = setup.events;
  }

  for (const op of program.ops) {
    const site = opSite(op);
    const args = (resolved[op.index] ?? []).map((arg) =>
      arg.kind === "size" ? arg.value : arg.kind === "null" ? 0 : (results[arg.opIndex] ?? 0),
    );
    const report = (messages: readonly string[]): void => {
      for (const message of messages) violations.push({ ...site, message });
    };
    report(verifyBeforeCall(tracker, op.kind, args));

    const recording = recordSyscalls(backend);
    let result: Addr | undefined;
    let thrown: { error: unknown } | undefined;
    try {
      result = invoke(heap, op.kind, args);
    } catch (error) {
      thrown = { error };
    } finally {
      recording.stop();
    }
    const events = [...pending, ...recording.events];
    pending = [];
    for (const event of events) namer.observe(event);
    calls.push({ kind: op.kind, args, result, events });
    if (thrown !== undefined) return finish(toFailure(site, thrown.error));
    results[op.index] = result;

    report(checkAfterCall(tracker, op, args, result ?? 0));
    if (checkLevel >= 2) {
      const problems = runChecker(driver, heap);
      if (problems.length > 0) {
        const message = problems.map((p) => `${p.code} at ${namer.name(p.addr)}: ${p.message}`).join("; ");
        return finish({ ...site, errorName: "HeapCheckError", message, signal: "SIGABRT" });
      }
    }
  }

  let blocks: BlockInfo[];
  try {
    blocks = driver.walkBlocks(heap);
  } catch (error) {
    return finish(toFailure({ opIndex: program.ops.length, lineNumber: 0, call: "walkBlocks" }, error));
  }
  const leaks = blocks.flatMap((block): Leak[] =>
    block.status === "free" ? [] : [{ addr: namer.name(block.payloadAddr), sizeBytes: block.sizeBytes, status: block.status }],
  );
  return { ...finish(undefined, leaks), segments: heap.stats().segments };
}

/** `checkHeap` may itself trip over a corrupt heap; that is a problem too, not a crash. */
function runChecker(driver: HeapDriver, heap: Heap): HeapProblem[] {
  try {
    return driver.checkHeap(heap);
  } catch (error) {
    return [{ code: "checker-crashed", addr: 0, message: error instanceof Error ? error.message : String(error) }];
  }
}

/** Before free and realloc: the payload must still hold its pattern (nothing else wrote into it). */
function verifyBeforeCall(tracker: PayloadTracker, kind: OpKind, args: readonly number[]): string[] {
  const ptr = args[0] ?? 0;
  if ((kind !== "free" && kind !== "realloc") || ptr === 0) return [];
  const held = tracker.get(ptr);
  if (held === undefined) return [];
  return tracker.verify(ptr, held, held.requestedBytes, `payload of op #${held.opIndex} (before ${kind})`);
}

/** After a call: zeroes for calloc, the preserved prefix for realloc, then the new payload's pattern. */
function checkAfterCall(tracker: PayloadTracker, op: RefOp, args: readonly number[], result: Addr): string[] {
  const [first = 0, second = 0] = args;
  switch (op.kind) {
    case "malloc":
      return result === 0 ? [] : tracker.adopt(result, first, op.index, ALIGN);
    case "calloc": {
      const totalBytes = first * second;
      if (result === 0 || !Number.isSafeInteger(totalBytes)) return [];
      return [...tracker.verifyZero(result, totalBytes), ...tracker.adopt(result, totalBytes, op.index, ALIGN)];
    }
    case "realloc": {
      const old = first === 0 ? undefined : tracker.get(first);
      if (result === 0) {
        if (second === 0) tracker.release(first);
        return [];
      }
      const keptBytes = old === undefined ? 0 : Math.min(old.requestedBytes, second);
      const problems =
        old === undefined ? [] : tracker.verify(result, old, keptBytes, `the ${keptBytes} bytes realloc must preserve`);
      if (old !== undefined) tracker.release(first);
      return [...problems, ...tracker.adopt(result, second, op.index, ALIGN)];
    }
    case "free":
      tracker.release(first);
      return [];
  }
}

/** The replay's problems as sentences, one per line, each naming the op and its line. */
export function describeProblems(result: Pick<ReplayResult, "violations" | "failure">): string[] {
  const where = (site: OpSite): string =>
    site.opIndex < 0 ? site.call : `op #${site.opIndex} (line ${site.lineNumber}) ${site.call}`;
  const lines = result.violations.map((v) => `${where(v)}: ${v.message}`);
  if (result.failure !== undefined) {
    lines.push(`${where(result.failure)}: ${result.failure.errorName}: ${result.failure.message}`);
  }
  return lines;
}
