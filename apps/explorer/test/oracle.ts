// The browser tests' source of truth: runs a program straight on @osmem/core + @osmem/backend-sim in
// Node, without any of the explorer's own model code, and reports the blocks and syscalls the core
// has after each call.
import { createSimBackend } from "@osmem/backend-sim";
import { createHeap, walkBlocks } from "@osmem/core";
import { parseRef, parseRep, resolveArgs, RepOpKind } from "@osmem/harness/browser";
import { tryGetPolicy } from "@osmem/policies";
import type { SyscallEvent } from "@osmem/syscalls";

/** One call with its pointer argument given as "the result of call #i" (-1: NULL). */
export interface OracleCall {
  readonly kind: "malloc" | "calloc" | "realloc" | "free";
  readonly sizes: readonly number[];
  readonly ptrFrom: number;
}

/** A block as the page's data attributes describe it. */
export interface DrawnBlock {
  readonly region: "heap" | "mapping";
  readonly offset: number;
  readonly status: string;
  readonly size: number;
}

/** The calls of a `.ref` program, pointers resolved by the harness. */
export function refCalls(text: string, name: string): OracleCall[] {
  const program = parseRef(text, name);
  const resolved = resolveArgs(program);
  return program.ops.map((op, i) => {
    const args = resolved[i] ?? [];
    const pointer = args.find((a) => a.kind === "result-of");
    return {
      kind: op.kind,
      sizes: args.flatMap((a) => (a.kind === "size" ? [a.value] : [])),
      ptrFrom: pointer?.kind === "result-of" ? pointer.opIndex : -1,
    };
  });
}

/** The calls of a `.rep` workload: `f id` and `r id` use what the latest `a`/`r` of `id` returned. */
export function repCalls(text: string, name: string): OracleCall[] {
  const trace = parseRep(text, name);
  const latest = new Map<number, number>();
  const calls: OracleCall[] = [];
  for (let i = 0; i < trace.opCount; i += 1) {
    const id = trace.ids[i] ?? -1;
    const kind = trace.kinds[i];
    const ptrFrom = latest.get(id) ?? -1;
    if (kind === RepOpKind.Alloc) calls.push({ kind: "malloc", sizes: [trace.sizes[i] ?? 0], ptrFrom: -1 });
    else if (kind === RepOpKind.Realloc) calls.push({ kind: "realloc", sizes: [trace.sizes[i] ?? 0], ptrFrom });
    else calls.push({ kind: "free", sizes: [], ptrFrom });
    if (kind === RepOpKind.Free) latest.delete(id);
    else latest.set(id, i);
  }
  return calls;
}

/** What the core reports after each call: per step the blocks, and per call its result and syscalls. */
export interface OracleRun {
  /** `blocksAt(k)`: the blocks after `k` calls. */
  blocksAt(step: number): DrawnBlock[];
  /** Per call: the result relative to the heap start (mappings by number) and the syscalls, as one string. */
  readonly callSignatures: readonly string[];
}

/** Runs `calls` under `policyName`, remembering the blocks after every call listed in `keep` (all when omitted). */
export function runOracle(calls: readonly OracleCall[], policyName: string, keep?: ReadonlySet<number>, checkLevel: 0 | 1 | 2 = 2): OracleRun {
  const policy = tryGetPolicy(policyName);
  if (policy === undefined) throw new Error(`no policy ${policyName}`);
  const backend = createSimBackend({ record: false });
  const events: SyscallEvent[] = [];
  backend.observer = (event) => events.push(event);
  const heap = createHeap({ backend, policy, checkLevel });
  const snapshot = (): DrawnBlock[] => {
    const mappings = backend.mappings();
    return walkBlocks(heap).map((block) => {
      if (block.status !== "mapped") return { region: "heap", offset: block.addr - heap.heapStart, status: block.status, size: block.sizeBytes };
      const mapping = mappings.find((m) => block.addr >= m.addr && block.addr < m.addr + m.lengthBytes);
      return { region: "mapping", offset: block.addr - (mapping?.addr ?? 0), status: block.status, size: block.sizeBytes };
    });
  };
  const relative = (addr: number): string => (addr === 0 ? "0" : String(addr - heap.heapStart));
  const steps = new Map<number, DrawnBlock[]>();
  const results: number[] = [];
  const callSignatures: string[] = [];
  if (keep?.has(0) ?? true) steps.set(0, snapshot());
  calls.forEach((call, i) => {
    const ptr = call.ptrFrom < 0 ? 0 : (results[call.ptrFrom] ?? 0);
    const [a = 0, b = 0] = call.sizes;
    let result = 0;
    events.length = 0;
    if (call.kind === "malloc") result = heap.malloc(a);
    else if (call.kind === "calloc") result = heap.calloc(a, b);
    else if (call.kind === "realloc") result = heap.realloc(ptr, a);
    else heap.free(ptr);
    results[i] = result;
    callSignatures.push(`${relative(result)} | ${events.map((e) => JSON.stringify({ ...e, addr: relative(e.addr), result: e.result.ok ? relative(e.result.value) : e.result.errno })).join(" ")}`);
    if (keep?.has(i + 1) ?? true) steps.set(i + 1, snapshot());
  });
  return {
    blocksAt(step) {
      const blocks = steps.get(step);
      if (blocks === undefined) throw new Error(`step ${step} was not kept`);
      return blocks;
    },
    callSignatures,
  };
}

/** The first call at which two runs differ, or -1. */
export function firstDifference(a: OracleRun, b: OracleRun): number {
  const n = Math.max(a.callSignatures.length, b.callSignatures.length);
  for (let i = 0; i < n; i += 1) if (a.callSignatures[i] !== b.callSignatures[i]) return i;
  return -1;
}
