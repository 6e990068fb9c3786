// The contract between the osmem allocator and an operating system: addresses, errno-style results,
// the three memory syscalls, byte-addressed memory access and the trace events a backend reports.
// Interfaces and constants only: nothing here knows about blocks, headers or a concrete backend.

/** A user-space address. Addresses stay below 2^53, so a double holds them exactly. NULL is 0. */
export type Addr = number;

/** The NULL pointer. */
export const NULL: Addr = 0;

/** Linux errno names a backend may report. */
export type Errno = "ENOMEM" | "EINVAL" | "EFAULT" | "EPERM" | "EACCES" | "EAGAIN" | "EBADF";

/** Numeric values of {@link Errno} on Linux (x86-64 and arm64 agree). */
export const ERRNO_VALUES: Readonly<Record<Errno, number>> = Object.freeze({
  EPERM: 1,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EINVAL: 22,
});

/** The outcome of a syscall: a value, or the errno it failed with. Backends never throw for OS failures. */
export type SysResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errno: Errno };

/** Builds a successful {@link SysResult}. */
export const sysOk = <T>(value: T): SysResult<T> => ({ ok: true, value });

/** Builds a failed {@link SysResult}. */
export const sysFail = <T = never>(errno: Errno): SysResult<T> => ({ ok: false, errno });

/** `mmap` protection bits, as in `<sys/mman.h>`. */
export const PROT_READ = 0x1;
/** @see PROT_READ */
export const PROT_WRITE = 0x2;
/** `mmap` flags, as in `<sys/mman.h>` on Linux. */
export const MAP_PRIVATE = 0x02;
/** @see MAP_PRIVATE */
export const MAP_ANONYMOUS = 0x20;

/** The page size every backend in this project uses unless told otherwise. */
export const DEFAULT_PAGE_SIZE = 4096;

/**
 * Byte-addressed access to a process's memory. All multi-byte values are little-endian.
 *
 * Every method throws a {@link SegmentationFault} when any byte of the range is not inside a live
 * region (the heap below the break, or a live mapping). Values are not range-checked beyond what the
 * width allows: `writeU32` stores `value >>> 0`.
 */
export interface Memory {
  readU8(addr: Addr): number;
  writeU8(addr: Addr, value: number): void;
  readU32(addr: Addr): number;
  writeU32(addr: Addr, value: number): void;
  readI32(addr: Addr): number;
  writeI32(addr: Addr, value: number): void;
  /** Reads an unsigned 64-bit value. pre: the value is below 2^53 (it is an address or a size). */
  readU64(addr: Addr): number;
  /** Writes an unsigned 64-bit value. pre: `0 <= value < 2^53` and an integer. */
  writeU64(addr: Addr, value: number): void;
  /** Copies `lengthBytes` bytes out of memory into a new array. */
  readBytes(addr: Addr, lengthBytes: number): Uint8Array;
  /** Copies `bytes` into memory at `addr`. */
  writeBytes(addr: Addr, bytes: Uint8Array): void;
  /** Sets `lengthBytes` bytes at `addr` to `value & 0xff` (memset). */
  fill(addr: Addr, lengthBytes: number, value: number): void;
  /** Copies `lengthBytes` bytes from `src` to `dst`; the ranges may overlap (memmove). */
  copy(dst: Addr, src: Addr, lengthBytes: number): void;
  /**
   * Optional: a typed-array {@link MemoryWindow} over the live region that holds `addr`, for hot paths
   * that read and write many small fields. `undefined` when `addr` is in no live region or the backend
   * offers no window for that region (callers then use the methods above, which always work). A window
   * is valid only until the next `brk`, `mmap` or `munmap` made by anyone: fetch a new one after each
   * (a backend may answer with the same object, its fields updated, so do not keep an old one to compare).
   */
  windowAt?(addr: Addr): MemoryWindow | undefined;
  /**
   * Optional: a number that changes whenever {@link Memory.windowAt} may answer differently from
   * before (a region holding a window grew, shrank, moved to another buffer or was released), whoever
   * caused it. While it keeps its value, every window fetched since it last changed is still exact, so
   * a caller may skip fetching again. A backend that cannot tell (its windows may go stale behind its
   * back) leaves it `undefined`, and callers fetch after every syscall as `windowAt` asks.
   */
  readonly windowEpoch?: number;
}

/**
 * A direct view of the bytes of one live region as 32-bit words, little-endian (a backend offers
 * windows only on a little-endian host). Reading word `(addr - base) / 4` of `u32` gives what
 * `readU32(addr)` gives for any 4-aligned `addr` in the window, and writing it is `writeU32`.
 * It covers `[base, base + lengthBytes)` and nothing else: bytes past `lengthBytes` may exist in the
 * arrays but are not live memory, and must be neither read nor written.
 */
export interface MemoryWindow {
  /** The first address covered; a multiple of 8. */
  readonly base: Addr;
  /** How many bytes are covered; a multiple of 8, at most 2^32. */
  readonly lengthBytes: number;
  /** The covered words, unsigned. */
  readonly u32: Uint32Array;
  /** The same words, signed. */
  readonly i32: Int32Array;
}

/**
 * The memory syscalls the allocator needs, with Linux semantics, plus access to the memory they manage.
 *
 * Implementations record nothing about blocks; they report each call to `observer` when one is set.
 */
export interface SyscallBackend {
  /** The OS page size in bytes (a power of two). */
  readonly pageSize: number;
  /** Reads and writes the memory this backend manages. */
  readonly memory: Memory;
  /**
   * Linux-style `brk`, as glibc's `brk()` reports it.
   * `brk(0)` (or any address below the initial break) changes nothing and returns the current break.
   * Otherwise the break moves to `addr` and the new break is returned; memory between the old and the
   * new break reads as zero the first time it is exposed.
   * On failure the break is unchanged and the errno is `ENOMEM`.
   */
  brk(addr: Addr): SysResult<Addr>;
  /**
   * `mmap(NULL, lengthBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)`.
   * pre: `lengthBytes > 0` (else `EINVAL`). post: the result is page-aligned and the
   * `ceil(lengthBytes / pageSize)` pages it starts are zero-filled. `ENOMEM` when out of address space.
   */
  mmap(lengthBytes: number): SysResult<Addr>;
  /**
   * Removes the pages covering `[addr, addr + lengthBytes)`.
   * pre: `addr` page-aligned and `lengthBytes > 0` (else `EINVAL`). Unmapping pages that are not
   * mapped is not an error (as on Linux). Any view of the range becomes invalid.
   */
  munmap(addr: Addr, lengthBytes: number): SysResult<0>;
  /**
   * Optional and untraced: the break as it stands now, learned without a syscall (glibc's `sbrk(0)`).
   * A backend whose break can be moved by someone else in the process (libc's own malloc) implements
   * it, and the allocator checks it before each extension: when the break is no longer where the
   * allocator left it, the allocator starts a new heap segment there instead of assuming contiguity.
   */
  peekBreak?(): Addr;
  /** Where syscall events go; `undefined` turns reporting off. Set and cleared by tracers. */
  observer: SyscallObserver | undefined;
}

/** One syscall as a trace records it: the arguments as the caller passed them, and the outcome. */
export type SyscallEvent =
  | { readonly kind: "brk"; readonly addr: Addr; readonly result: SysResult<Addr> }
  | {
      readonly kind: "mmap";
      readonly addr: Addr;
      readonly lengthBytes: number;
      readonly prot: number;
      readonly flags: number;
      readonly fd: number;
      readonly offset: number;
      readonly result: SysResult<Addr>;
    }
  | { readonly kind: "munmap"; readonly addr: Addr; readonly lengthBytes: number; readonly result: SysResult<0> };

/** The name of a syscall a backend reports. */
export type SyscallName = SyscallEvent["kind"];

/** Receives each syscall right after it returns. */
export type SyscallObserver = (event: SyscallEvent) => void;

/** Thrown by {@link Memory} methods when a byte outside every live region is touched. */
export class SegmentationFault extends Error {
  /** The first address of the access that faulted. */
  readonly addr: Addr;
  /** How many bytes the access covered. */
  readonly lengthBytes: number;
  constructor(addr: Addr, lengthBytes: number, what = "access") {
    super(`segmentation fault: ${what} of ${lengthBytes} byte(s) at 0x${addr.toString(16)} is outside every live region`);
    this.name = "SegmentationFault";
    this.addr = addr;
    this.lengthBytes = lengthBytes;
  }
}

/** Formats an address the way the C world prints pointers (`0x…`). */
export const formatAddr = (addr: Addr): string => `0x${addr.toString(16)}`;
