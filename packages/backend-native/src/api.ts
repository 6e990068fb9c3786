// Public types of the native backend: its options, the `NativeBackend` surface on top of
// `SyscallBackend`, the range type its introspection returns and the error thrown when the addon cannot
// load. Types, constants and that one error class only; the behaviour lives in create-native-backend.ts.
import type { Addr, SyscallBackend, SyscallEvent } from "@osmem/syscalls";

/**
 * Where the heap's break lives.
 * - `"process"`: the real process break, moved with glibc's `brk()`; shared with glibc's own malloc.
 * - `"reserved"`: an emulated break inside a private `PROT_NONE` reservation, made usable with `mprotect`.
 */
export type BreakMode = "process" | "reserved";

/** The default size of the reservation in `"reserved"` mode: 1 GiB of address space (not memory). */
export const DEFAULT_RESERVE_BYTES = 1024 ** 3;

/** How to create a native backend. Every field is optional; invalid values throw `RangeError`. */
export interface NativeBackendOptions {
  /** Default `"process"`. See {@link BreakMode}. */
  breakMode?: BreakMode;
  /**
   * `"reserved"` mode only: bytes of address space to reserve for the emulated heap, rounded up to
   * whole pages; `brk` beyond it fails with `ENOMEM`. A positive safe integer. Default
   * {@link DEFAULT_RESERVE_BYTES}.
   */
  reserveBytes?: number;
  /** Keep every {@link SyscallEvent} in {@link NativeBackend.log}. Default `true`. */
  record?: boolean;
}

/** A half-open address range `[addr, addr + lengthBytes)` of live memory this backend manages. */
export interface NativeRange {
  readonly addr: Addr;
  readonly lengthBytes: number;
}

/**
 * The `SyscallBackend` contract on the memory of the running process. Every syscall method is
 * synchronous, reports one event to `observer` and never throws for an OS failure.
 *
 * Safety: it only unmaps memory it mapped itself, only lowers the break inside a range it raised itself
 * (and only while nobody has moved the break above that range), and detaches every view of a range
 * before the range is released, so a stale view throws in JavaScript instead of crashing the process.
 */
export interface NativeBackend extends SyscallBackend {
  /** The break mode chosen at creation. */
  readonly breakMode: BreakMode;
  /**
   * `"process"`: glibc's `sbrk(0)` when the backend was created (other code may have moved the break
   * since). `"reserved"`: the start of the reservation, where the emulated break begins.
   */
  readonly initialBreak: Addr;
  /** Every syscall in call order, failed calls included; stays empty when `record` is off. */
  readonly log: readonly SyscallEvent[];
  /** The break now, without a syscall and untraced: glibc's `sbrk(0)`, or the emulated break. */
  peekBreak(): Addr;
  /** The heap ranges this backend raised and still owns, sorted by address (the readable heap). */
  heapRanges(): NativeRange[];
  /** The live mappings this backend made, sorted by address (after partial `munmap`s, the pieces). */
  mappings(): NativeRange[];
  /**
   * A zero-copy view of `[addr, addr + lengthBytes)`, which must lie inside one heap range or one
   * mapping (else `SegmentationFault`). Writes go straight to process memory. When the range is
   * unmapped, or the break is lowered below it, the view is detached: its `length` becomes 0 and it
   * reads as empty; it never touches freed memory.
   */
  bytesView(addr: Addr, lengthBytes: number): Uint8Array;
  /**
   * Releases what this backend holds, untraced: unmaps its live mappings (and, in `"reserved"` mode,
   * the reservation) and, in `"process"` mode, lowers the break back to the start of its top heap range
   * when nobody moved the break since. Every view is detached first. Syscalls after `dispose` throw.
   */
  dispose(): void;
}

/** The RLIMIT_DATA limits of the process in bytes; `Infinity` means unlimited. */
export interface DataLimit {
  readonly softBytes: number;
  readonly hardBytes: number;
}

/** Thrown by {@link createNativeBackend} and friends when the native addon cannot be loaded. */
export class NativeBackendUnavailableError extends Error {
  /** One line saying why, as {@link nativeBackendUnavailableReason} reports it. */
  readonly reason: string;
  constructor(reason: string) {
    super(`@osmem/backend-native is unavailable: ${reason}`);
    this.name = "NativeBackendUnavailableError";
    this.reason = reason;
  }
}
