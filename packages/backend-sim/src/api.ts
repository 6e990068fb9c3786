// Public types and layout constants of the simulated address space: the options it is created with,
// the fault-injection spec and the `SimBackend` surface on top of `SyscallBackend`.
// Types and constants only; the behaviour lives in create-sim-backend.ts and internal/.
import type { Addr, Errno, SysResult, SyscallBackend, SyscallEvent, SyscallName } from "@osmem/syscalls";

/** The default initial program break: where a typical x86-64 PIE's heap starts (page-aligned). */
export const DEFAULT_HEAP_START: Addr = 0x5555_5555_9000;

/** The default top of the mapping area; mappings are placed top-down below it (page-aligned). */
export const DEFAULT_MMAP_BASE: Addr = 0x7fff_f7ff_f000;

/** The default cap on heap growth plus mapped bytes: 4 GiB. */
export const DEFAULT_MEMORY_LIMIT_BYTES = 4 * 1024 ** 3;

/** The end of the simulated user address space (x86-64 with 4-level paging): 2^47. */
export const ADDRESS_SPACE_END: Addr = 2 ** 47;

/** How to build a simulated address space. Every field is optional; invalid values throw `RangeError`. */
export interface SimBackendOptions {
  /** The initial program break. A multiple of `pageSize`, at least one page, below `mmapBase`. Default {@link DEFAULT_HEAP_START} (rounded up to a page for pages over 4 KiB). */
  heapStart?: Addr;
  /** Mappings are placed top-down below this address. A multiple of `pageSize`, at most {@link ADDRESS_SPACE_END}. Default {@link DEFAULT_MMAP_BASE} (rounded down to a page for pages over 4 KiB). */
  mmapBase?: Addr;
  /** The page size in bytes: a power of two from 8 to 2^30. Default 4096. */
  pageSize?: number;
  /**
   * Cap in bytes on the heap's growth (rounded up to pages) plus all mapped bytes. A `brk` or `mmap`
   * that would exceed it fails with `ENOMEM` and changes nothing. A non-negative safe integer.
   * Default {@link DEFAULT_MEMORY_LIMIT_BYTES}.
   */
  memoryLimitBytes?: number;
  /** Keep every {@link SyscallEvent} in {@link SimBackend.log}. Default `true`. */
  record?: boolean;
}

/**
 * Makes one future syscall fail. The `nth` call (1-based, counted per syscall kind since the backend
 * was created, failed calls included) of kind `syscall` returns `errno` and changes nothing; it is
 * still reported to the observer and the log. An injected fault takes precedence over argument checks.
 */
export interface FaultSpec {
  /** Which syscall to fail. */
  syscall: SyscallName;
  /** Which call of that kind fails: a positive integer greater than the calls already made. */
  nth: number;
  /** The errno to report. Default `ENOMEM`. */
  errno?: Errno;
}

/** One live mapping as {@link SimBackend.mappings} reports it. */
export interface SimMapping {
  /** The first address; page-aligned. */
  readonly addr: Addr;
  /** The length in bytes; a whole number of pages. */
  readonly lengthBytes: number;
}

/**
 * A deterministic, simulated 64-bit process address space: a program break growing up from
 * `initialBreak`, anonymous mappings placed top-down below `mmapBase`, checked little-endian memory
 * access, fault injection and a syscall log. Every method is synchronous and nothing is random.
 */
export interface SimBackend extends SyscallBackend {
  /** The break the heap started at (the `heapStart` option). */
  readonly initialBreak: Addr;
  /** The current break. A query that is not a syscall: it is neither logged nor observed. */
  readonly currentBreak: Addr;
  /** Every syscall in call order, failed and injected-fault calls included; stays empty when `record` is off. */
  readonly log: readonly SyscallEvent[];
  /** A snapshot of how many calls of each kind were made, failed calls included. */
  readonly callCounts: Readonly<Record<SyscallName, number>>;
  /**
   * The live mappings sorted by address. Each `mmap` creates one mapping and `munmap` may split or
   * shrink them; adjacent mappings are not merged (memory access across the seam still works).
   */
  mappings(): SimMapping[];
  /** Schedules a failure (see {@link FaultSpec}). Throws `RangeError` for an `nth` that can never fire. */
  injectFault(spec: FaultSpec): void;
  /** The current break, untraced (what glibc's `sbrk(0)` answers without a syscall). */
  peekBreak(): Addr;
  /**
   * Moves the break as another part of the process would (libc's own malloc, say): same rules and
   * limits as `brk`, but the call is neither counted, logged nor observed. Lets tests show how an
   * allocator copes with a break that moved behind its back.
   */
  moveBreakExternally(addr: Addr): SysResult<Addr>;
  /**
   * Ends this address space's use of host memory: everything is unmapped and the break goes back to
   * `initialBreak` (untraced, uncounted), so every earlier address faults. The heap's buffer is zeroed
   * and kept for address spaces created later in the same thread, which then skip the host's cost of
   * touching fresh pages. For drivers that run many short programs (benchmarks); optional to call.
   */
  release(): void;
}
