// Shared plumbing for the contract suite's sections: how a section registers a feature, builds a fresh
// backend, and unwraps results with messages that name the failing call. Test-only code; never shipped
// to allocator users except through `@osmem/syscalls/testing`.
import { expect } from "vitest";
import { SegmentationFault, type Addr, type SysResult, type SyscallBackend } from "../../api.js";
import type { ContractFeature } from "../contract-features.js";

/** What each section of the suite receives from `describeSyscallContract`. */
export interface ContractContext {
  /** Builds a fresh backend; every test calls it so that no state leaks between tests. */
  readonly makeBackend: () => SyscallBackend;
  /** Registers the tests of one feature, or skips them (visibly) when the backend opted out. */
  readonly feature: (name: ContractFeature, body: () => void) => void;
}

/** Returns the value of a successful result; fails the test with the errno otherwise. */
export function unwrap<T>(result: SysResult<T>, call: string): T {
  if (!result.ok) throw new Error(`${call} failed with ${result.errno}; the contract expects it to succeed`);
  return result.value;
}

/** A heap range the test may use: `[start, end)`, with `start` rounded up to 8 bytes. */
export interface HeapRange {
  readonly initialBreak: Addr;
  readonly start: Addr;
  readonly end: Addr;
}

/** Raises the break by at least `lengthBytes` usable, 8-aligned bytes and returns the range. */
export function growHeap(backend: SyscallBackend, lengthBytes: number): HeapRange {
  const initialBreak = unwrap(backend.brk(0), "brk(0)");
  const start = Math.ceil(initialBreak / 8) * 8;
  const end = unwrap(backend.brk(start + lengthBytes), `brk(0x${(start + lengthBytes).toString(16)})`);
  expect(end).toBe(start + lengthBytes);
  return { initialBreak, start, end };
}

/** Asserts that `access` throws a {@link SegmentationFault} whose `addr` is `addr`. */
export function expectSegfault(access: () => unknown, addr: Addr): void {
  let thrown: unknown;
  try {
    access();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(SegmentationFault);
  expect((thrown as SegmentationFault).addr).toBe(addr);
}

/** Whether `[a, a + aLength)` and `[b, b + bLength)` share at least one byte. */
export const overlaps = (a: Addr, aLength: number, b: Addr, bLength: number): boolean =>
  a < b + bLength && b < a + aLength;
