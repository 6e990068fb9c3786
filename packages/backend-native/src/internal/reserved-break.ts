// An emulated break inside a private PROT_NONE reservation: brk makes whole pages read/write with
// mprotect when it grows and drops them (madvise DONTNEED, then PROT_NONE) when it shrinks, so the heap
// is contiguous and immune to glibc's malloc. Never touches the process break; the reservation itself is
// mapped untraced at creation and unmapped only by release().
import { sysFail, sysOk, type Addr, type SysResult } from "@osmem/syscalls";
import type { RawBinding } from "../load-binding.js";
import { isBrkAddress, roundUpToPage, zeroPartialPage, type BreakKeeper } from "./break-keeper.js";
import { errnoName } from "./errno.js";
import type { NativeMemory } from "./native-memory.js";
import { Region } from "./region.js";

export class ReservedBreak implements BreakKeeper {
  // Number fields get a number initializer (docs/architecture.md, "Rules of the hot paths").
  readonly initialBreak: Addr = 0;
  private readonly limit: Addr = 0;
  private readonly heap: Region;
  private released = false;

  /** Reserves `reserveBytes` (whole pages); throws an Error carrying the errno when mmap fails. */
  constructor(
    private readonly binding: RawBinding,
    private readonly memory: NativeMemory,
    reserveBytes: number,
  ) {
    const raw = binding.mmap(reserveBytes, false);
    if (!raw.ok) throw new Error(`createNativeBackend: reserving ${reserveBytes} bytes failed with ${errnoName(raw.errno)}`);
    this.initialBreak = raw.value;
    this.limit = raw.value + reserveBytes;
    this.heap = new Region(binding, raw.value, raw.value);
    memory.add(this.heap);
  }

  /**
   * brk(0), and any address below the reservation, answer the emulated break. Above the reservation
   * is ENOMEM. Otherwise the pages between the old and the new break are made accessible or dropped
   * (an mprotect failure, e.g. ENOMEM under RLIMIT_DATA, leaves the break unchanged).
   */
  brk(addr: Addr): SysResult<Addr> {
    if (!isBrkAddress(addr)) return sysFail("EINVAL");
    const current = this.heap.end;
    if (addr < this.initialBreak) return sysOk(current);
    if (addr > this.limit) return sysFail("ENOMEM");
    const pageSize = this.binding.pageSize;
    const oldTop = roundUpToPage(current, pageSize);
    const newTop = roundUpToPage(addr, pageSize);
    if (addr >= current) {
      if (newTop > oldTop) {
        const raw = this.binding.mprotect(oldTop, newTop - oldTop, true);
        if (!raw.ok) return sysFail(errnoName(raw.errno));
      }
      this.heap.resize(addr);
      zeroPartialPage(this.heap, current, addr, pageSize);
      return sysOk(addr);
    }
    this.heap.resize(addr);
    if (newTop < oldTop) {
      const dropped = this.binding.discard(newTop, oldTop - newTop);
      const raw = dropped.ok ? this.binding.mprotect(newTop, oldTop - newTop, false) : dropped;
      if (!raw.ok) {
        this.heap.resize(current);
        return sysFail(errnoName(raw.errno));
      }
    }
    return sysOk(addr);
  }

  peek(): Addr {
    return this.heap.end;
  }

  ranges(): readonly Region[] {
    return this.heap.lengthBytes > 0 ? [this.heap] : [];
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.heap.detachAll();
    this.memory.remove(this.heap);
    this.binding.munmap(this.initialBreak, this.limit - this.initialBreak);
  }
}
