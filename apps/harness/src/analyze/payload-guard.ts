// Content checks of a workload replay: each payload is filled with a pattern chosen per allocation
// (a window into one shared pattern buffer, so filling allocates no pattern array), verified before it
// is freed or resized and after realloc (the kept prefix), and checked for alignment and overlap with
// every other live payload through an IntervalSet. Reports problems as sentences; never throws.
import { ALIGN } from "@osmem/core";
import { SegmentationFault } from "@osmem/syscalls";
import type { Addr, Memory } from "@osmem/syscalls";
import { IntervalSet } from "./interval-set.js";

/** Distinct pattern offsets; a prime, so nearby allocations get unrelated windows. */
const PATTERN_SEEDS = 251;

const hex = (value: number): string => `0x${value.toString(16)}`;

/** Byte `i` of the shared pattern: not periodic (the `i >>> 8` term), so a shifted copy is caught. */
const baseByte = (i: number): number => (i * 13 + 0x11 + (i >>> 8)) & 0xff;

/** Fills, verifies and tracks the payloads of one replay. Slots are workload ids. */
export class PayloadGuard {
  private pattern: Uint8Array;
  private readonly seeds: Uint8Array;
  private readonly intervals: IntervalSet;

  /**
   * @param memory the heap's memory
   * @param idLimit the number of ids (slots) the workload uses
   * @param maxSizeBytes the largest request; the pattern buffer grows if a larger one comes
   */
  constructor(
    private readonly memory: Memory,
    idLimit: number,
    maxSizeBytes: number,
  ) {
    this.pattern = makePattern(maxSizeBytes + PATTERN_SEEDS);
    this.seeds = new Uint8Array(Math.max(1, idLimit));
    this.intervals = new IntervalSet(idLimit);
  }

  /**
   * Takes a fresh payload of `requestedBytes` at `ptr` for `id` (pre: `id` holds none): checks
   * alignment and overlap, then fills it with a pattern chosen by `opIndex`. Returns a problem or undefined.
   */
  adopt(id: number, ptr: Addr, requestedBytes: number, opIndex: number): string | undefined {
    const seed = (opIndex * 101) % PATTERN_SEEDS;
    this.seeds[id] = seed;
    const placement = this.place(id, ptr, requestedBytes);
    const fault = this.write(ptr, seed, 0, requestedBytes);
    return placement ?? fault;
  }

  /**
   * Takes the result of a successful realloc of `id` from `oldRequested` to `newRequested` bytes:
   * checks the kept prefix `min(old, new)` at `ptr`, re-registers the interval and patterns the new
   * tail. Call {@link release} for the old payload first.
   */
  adoptResized(id: number, ptr: Addr, oldRequested: number, newRequested: number): string | undefined {
    const keptBytes = Math.min(oldRequested, newRequested);
    const kept = this.verify(id, ptr, keptBytes, `realloc to ${newRequested} bytes lost bytes of the ${keptBytes} it must keep`);
    const placement = this.place(id, ptr, newRequested);
    const fault = newRequested > keptBytes ? this.write(ptr, this.seeds[id] ?? 0, keptBytes, newRequested - keptBytes) : undefined;
    return kept ?? placement ?? fault;
  }

  /** Checks that the first `lengthBytes` at `ptr` hold `id`'s pattern; `what` describes the expectation. */
  verify(id: number, ptr: Addr, lengthBytes: number, what: string): string | undefined {
    if (lengthBytes === 0) return undefined;
    const seed = this.seeds[id] ?? 0;
    let actual: Uint8Array;
    try {
      actual = this.memory.readBytes(ptr, lengthBytes);
    } catch (error) {
      return describeFault(error, ptr, lengthBytes);
    }
    const expected = this.pattern.subarray(seed, seed + lengthBytes);
    if (Buffer.compare(actual, expected) === 0) return undefined;
    let at = 0;
    while (at < lengthBytes && actual[at] === expected[at]) at += 1;
    return `${what}: payload of id ${id} at ${hex(ptr)} byte +${at} is ${hex(actual[at] ?? 0)}, expected ${hex(expected[at] ?? 0)}`;
  }

  /** Forgets `id`'s payload interval (it was freed, or is about to be resized). */
  release(id: number): void {
    this.intervals.remove(id);
  }

  private place(id: number, ptr: Addr, requestedBytes: number): string | undefined {
    if (ptr % ALIGN !== 0) return `payload of id ${id} at ${hex(ptr)} is not ${ALIGN}-byte aligned`;
    if (requestedBytes === 0) return undefined;
    const other = this.intervals.insert(id, ptr, ptr + requestedBytes);
    if (other < 0) return undefined;
    const start = this.intervals.startOf(other);
    return (
      `payload of id ${id} at ${hex(ptr)} (${requestedBytes} bytes) overlaps the live payload of id ${other} ` +
      `at ${hex(start)} (${this.intervals.endOf(other) - start} bytes)`
    );
  }

  private write(ptr: Addr, seed: number, fromBytes: number, lengthBytes: number): string | undefined {
    if (lengthBytes === 0) return undefined;
    const end = seed + fromBytes + lengthBytes;
    if (end > this.pattern.length) this.pattern = makePattern(end);
    try {
      this.memory.writeBytes(ptr + fromBytes, this.pattern.subarray(seed + fromBytes, end));
      return undefined;
    } catch (error) {
      return describeFault(error, ptr + fromBytes, lengthBytes);
    }
  }
}

function makePattern(lengthBytes: number): Uint8Array {
  const bytes = new Uint8Array(lengthBytes);
  for (let i = 0; i < lengthBytes; i += 1) bytes[i] = baseByte(i);
  return bytes;
}

function describeFault(error: unknown, ptr: Addr, lengthBytes: number): string {
  if (error instanceof SegmentationFault) return `payload at ${hex(ptr)} (${lengthBytes} bytes) is outside live memory: ${error.message}`;
  return `payload at ${hex(ptr)} (${lengthBytes} bytes) could not be accessed: ${error instanceof Error ? error.message : String(error)}`;
}
