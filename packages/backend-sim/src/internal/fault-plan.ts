// The schedule of injected faults: which numbered call of which syscall fails, and with what errno.
// Validates specs when they are added so that a fault that could never fire is an error, not a no-op.
import type { Errno, SyscallName } from "@osmem/syscalls";
import type { FaultSpec } from "../api.js";

const SYSCALL_NAMES: readonly SyscallName[] = ["brk", "mmap", "munmap"];

/** Pending faults per syscall kind, keyed by 1-based call number. */
export class FaultPlan {
  private readonly pending: Record<SyscallName, Map<number, Errno>> = {
    brk: new Map(),
    mmap: new Map(),
    munmap: new Map(),
  };
  /** Faults scheduled and not yet taken, over all kinds: with none, a call costs one comparison. */
  private scheduled = 0;

  /**
   * Schedules `spec`. `callsSoFar` is how many calls of that kind were already made. Throws
   * `RangeError` for an unknown syscall, an `nth` that is not a positive integer, or a call already past.
   */
  add(spec: FaultSpec, callsSoFar: number): void {
    if (!SYSCALL_NAMES.includes(spec.syscall)) throw new RangeError(`injectFault: unknown syscall "${String(spec.syscall)}"`);
    if (!Number.isSafeInteger(spec.nth) || spec.nth < 1) {
      throw new RangeError(`injectFault: nth must be a positive integer, got ${spec.nth}`);
    }
    if (spec.nth <= callsSoFar) {
      throw new RangeError(`injectFault: ${spec.syscall} call #${spec.nth} already happened (${callsSoFar} so far)`);
    }
    const faults = this.pending[spec.syscall];
    if (!faults.has(spec.nth)) this.scheduled += 1;
    faults.set(spec.nth, spec.errno ?? "ENOMEM");
  }

  /** The errno injected for call number `callNumber` of `syscall`, consuming it; `undefined` if none. */
  take(syscall: SyscallName, callNumber: number): Errno | undefined {
    if (this.scheduled === 0) return undefined;
    const faults = this.pending[syscall];
    const errno = faults.get(callNumber);
    if (errno !== undefined) {
      faults.delete(callNumber);
      this.scheduled -= 1;
    }
    return errno;
  }
}
