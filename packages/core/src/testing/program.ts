// Random allocator programs and a model that checks every step of one: the heap checker is clean,
// payloads are aligned and never overlap, every live payload keeps the bytes written into it, realloc
// keeps min(old, new) bytes and calloc memory reads zero. Backend- and policy-agnostic: it only
// drives a Heap and reads its backend's memory.
import type { Addr } from "@osmem/syscalls";
import fc from "fast-check";
import { ALIGN, type Heap } from "../api.js";
import { checkHeap } from "../check-heap.js";

/** One step of a random program. `target` picks a live allocation by index (modulo the live count). */
export type HeapOp =
  | { readonly op: "malloc"; readonly sizeBytes: number }
  | { readonly op: "calloc"; readonly count: number; readonly sizeBytes: number }
  | { readonly op: "realloc"; readonly target: number; readonly sizeBytes: number }
  | { readonly op: "free"; readonly target: number };

/** Options of {@link heapOpsArbitrary}. */
export interface HeapOpsOptions {
  /** Shortest program; default 0. */
  minOps?: number;
  /** Longest program; default 80. */
  maxOps?: number;
  /** Include requests big enough to be mapped (≥ 128 KiB); default true. */
  mapped?: boolean;
  /** Request sizes to draw from instead of {@link sizeArbitrary}. */
  sizes?: fc.Arbitrary<number>;
}

/** Request sizes that exercise small blocks, page- and mmap-threshold edges, and big mappings. */
export function sizeArbitrary(mapped = true): fc.Arbitrary<number> {
  const sizes: fc.WeightedArbitrary<number>[] = [
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 256 }) },
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 8192 }) },
    { weight: 1, arbitrary: fc.integer({ min: 4040, max: 4100 }) },
    { weight: 1, arbitrary: fc.integer({ min: 131000, max: 131080 }) },
  ];
  if (mapped) sizes.push({ weight: 1, arbitrary: fc.integer({ min: 131072, max: 300_000 }) });
  return fc.oneof(...sizes);
}

/** Random programs of malloc, calloc, realloc and free over live allocations. */
export function heapOpsArbitrary(options: HeapOpsOptions = {}): fc.Arbitrary<HeapOp[]> {
  const size = options.sizes ?? sizeArbitrary(options.mapped ?? true);
  const target = fc.nat({ max: 1000 });
  const op: fc.Arbitrary<HeapOp> = fc.oneof(
    { weight: 4, arbitrary: size.map((sizeBytes) => ({ op: "malloc" as const, sizeBytes })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 2048 }))
        .map(([count, sizeBytes]) => ({ op: "calloc" as const, count, sizeBytes })),
    },
    { weight: 2, arbitrary: fc.tuple(fc.integer({ min: -1, max: 1000 }), size).map(([t, sizeBytes]) => ({ op: "realloc" as const, target: t, sizeBytes })) },
    { weight: 4, arbitrary: target.map((t) => ({ op: "free" as const, target: t })) },
  );
  return fc.array(op, { minLength: options.minOps ?? 0, maxLength: options.maxOps ?? 80 });
}

/** What {@link runCheckedProgram} found. */
export interface ProgramOutcome {
  /** Steps completed without a problem. */
  readonly steps: number;
  /** The first problem (with the step it happened at), or undefined when every step checked out. */
  readonly problem: string | undefined;
  /** Payloads still live at the end, by address. */
  readonly live: ReadonlyArray<{ readonly ptr: Addr; readonly sizeBytes: number }>;
}

interface Live {
  ptr: Addr;
  sizeBytes: number;
  seed: number;
}

/** Seed 0 gives all-zero payloads (they look like free headers to a stale read); others vary. */
const patternByte = (seed: number, i: number): number => (seed === 0 ? 0 : (seed * 131 + i * 31 + 7) & 0xff);

function pattern(seed: number, lengthBytes: number): Uint8Array {
  const bytes = new Uint8Array(lengthBytes);
  for (let i = 0; i < lengthBytes; i++) bytes[i] = patternByte(seed, i);
  return bytes;
}

/** Index of the first byte of `actual` that differs from the pattern, or -1. */
function firstMismatch(actual: Uint8Array, seed: number): number {
  for (let i = 0; i < actual.length; i++) if (actual[i] !== patternByte(seed, i)) return i;
  return -1;
}

/**
 * Runs `ops` on `heap` and checks every step against a model. Requests must succeed (the backend
 * must have room); a NULL for a non-zero request is reported as a problem.
 * @param options.freeAll free whatever is live at the end and check the heap again (default true)
 * @param options.zeroFill fill payloads with zeros instead of a pattern: stale header reads then see
 *   "free" blocks, which flushes out bugs a varied pattern hides (content checks become weaker)
 */
export function runCheckedProgram(heap: Heap, ops: readonly HeapOp[], options: { freeAll?: boolean; zeroFill?: boolean } = {}): ProgramOutcome {
  const memory = heap.backend.memory;
  const live: Live[] = [];
  let seed = 1;
  const hex = (a: Addr) => `0x${a.toString(16)}`;
  const verify = (block: Live, lengthBytes = block.sizeBytes): string | undefined => {
    const at = firstMismatch(memory.readBytes(block.ptr, lengthBytes), block.seed);
    return at === -1 ? undefined : `payload ${hex(block.ptr)} lost its contents at byte ${at}`;
  };
  const adopt = (ptr: Addr, sizeBytes: number): string | undefined => {
    if (ptr % ALIGN !== 0) return `payload ${hex(ptr)} is not ${ALIGN}-byte aligned`;
    const block = { ptr, sizeBytes, seed: options.zeroFill === true ? 0 : seed++ };
    if (sizeBytes > 0) memory.writeBytes(ptr, pattern(block.seed, sizeBytes));
    live.push(block);
    return undefined;
  };
  const pick = (target: number): number => target % live.length;

  const step = (op: HeapOp): string | undefined => {
    switch (op.op) {
      case "malloc": {
        const ptr = heap.malloc(op.sizeBytes);
        if (op.sizeBytes === 0) return ptr === 0 ? undefined : `malloc(0) returned ${hex(ptr)}`;
        return ptr === 0 ? `malloc(${op.sizeBytes}) returned NULL (${heap.errno})` : adopt(ptr, op.sizeBytes);
      }
      case "calloc": {
        const ptr = heap.calloc(op.count, op.sizeBytes);
        const total = op.count * op.sizeBytes;
        if (total === 0) return ptr === 0 ? undefined : `calloc(${op.count}, ${op.sizeBytes}) returned ${hex(ptr)}`;
        if (ptr === 0) return `calloc(${op.count}, ${op.sizeBytes}) returned NULL (${heap.errno})`;
        if (memory.readBytes(ptr, total).some((b) => b !== 0)) return `calloc memory at ${hex(ptr)} is not zeroed`;
        return adopt(ptr, total);
      }
      case "realloc": {
        if (op.target < 0 || live.length === 0) {
          const ptr = heap.realloc(0, op.sizeBytes);
          if (op.sizeBytes === 0) return ptr === 0 ? undefined : `realloc(NULL, 0) returned ${hex(ptr)}`;
          return ptr === 0 ? `realloc(NULL, ${op.sizeBytes}) returned NULL` : adopt(ptr, op.sizeBytes);
        }
        const index = pick(op.target);
        const old = live[index]!;
        const lost = verify(old);
        if (lost) return lost;
        const ptr = heap.realloc(old.ptr, op.sizeBytes);
        live.splice(index, 1);
        if (op.sizeBytes === 0) return ptr === 0 ? undefined : `realloc(p, 0) returned ${hex(ptr)}`;
        if (ptr === 0) return `realloc(${hex(old.ptr)}, ${op.sizeBytes}) returned NULL (${heap.errno})`;
        const kept = Math.min(old.sizeBytes, op.sizeBytes);
        const moved = verify({ ptr, sizeBytes: kept, seed: old.seed });
        if (moved) return `realloc(${hex(old.ptr)}, ${op.sizeBytes}) -> ${moved}`;
        return adopt(ptr, op.sizeBytes);
      }
      case "free": {
        if (live.length === 0) {
          heap.free(0);
          return undefined;
        }
        const index = pick(op.target);
        const block = live[index]!;
        const lost = verify(block);
        if (lost) return lost;
        heap.free(block.ptr);
        live.splice(index, 1);
        return undefined;
      }
    }
  };

  const overlap = (): string | undefined => {
    const sorted = live.filter((b) => b.sizeBytes > 0).sort((a, b) => a.ptr - b.ptr);
    for (let i = 1; i < sorted.length; i++) {
      const before = sorted[i - 1]!;
      const after = sorted[i]!;
      if (before.ptr + before.sizeBytes > after.ptr) return `payloads ${hex(before.ptr)} (+${before.sizeBytes}) and ${hex(after.ptr)} overlap`;
    }
    return undefined;
  };

  const heapProblems = (): string | undefined => {
    const problems = checkHeap(heap);
    return problems.length === 0 ? undefined : problems.map((p) => `[${p.code}] ${p.message}`).join("; ");
  };

  const done = (steps: number, problem: string | undefined): ProgramOutcome => ({
    steps,
    problem,
    live: live.map(({ ptr, sizeBytes }) => ({ ptr, sizeBytes })),
  });

  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    let problem: string | undefined;
    try {
      problem = step(op) ?? overlap() ?? heapProblems();
    } catch (error) {
      problem = `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    }
    if (problem !== undefined) return done(i, `step ${i} (${JSON.stringify(op)}): ${problem}`);
  }
  for (const block of live) {
    const lost = verify(block);
    if (lost) return done(ops.length, `at the end: ${lost}`);
  }
  if (options.freeAll ?? true) {
    for (const block of live.splice(0)) heap.free(block.ptr);
    const problem = heapProblems();
    if (problem !== undefined) return done(ops.length, `after freeing everything: ${problem}`);
  }
  return done(ops.length, undefined);
}
