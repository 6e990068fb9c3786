// What the backend needs from a break implementation (process break or emulated break), plus the
// page arithmetic and the zeroing rule both implementations share.
import type { Addr, SysResult } from "@osmem/syscalls";
import type { Region } from "./region.js";

/** One way of keeping a program break; see process-break.ts and reserved-break.ts. */
export interface BreakKeeper {
  /** Where this backend's heap started (see NativeBackend.initialBreak). */
  readonly initialBreak: Addr;
  /** Linux-style brk with the floors described by each implementation; never throws for OS failures. */
  brk(addr: Addr): SysResult<Addr>;
  /** The break now, without a syscall. */
  peek(): Addr;
  /** The heap ranges this backend owns, sorted by address. */
  ranges(): readonly Region[];
  /** Gives back everything it holds (views detached first); untraced. */
  release(): void;
}

export const roundUpToPage = (value: number, pageSize: number): number => Math.ceil(value / pageSize) * pageSize;

/** Whether `addr` is something brk can be asked for: a non-negative safe integer. */
export const isBrkAddress = (addr: Addr): boolean => Number.isSafeInteger(addr) && addr >= 0;

/**
 * Zeroes the newly exposed bytes `[from, to)` of `region` that share a page with memory exposed
 * before: fresh pages come zeroed from the kernel, but the old break's page may hold stale bytes from
 * an earlier, lowered break. Keeps the contract "new heap bytes read as zero".
 */
export function zeroPartialPage(region: Region, from: Addr, to: Addr, pageSize: number): void {
  const stop = Math.min(to, roundUpToPage(from, pageSize));
  if (stop > from) region.bytes.fill(0, from - region.start, stop - region.start);
}
