// The real process break, moved with glibc's brk() and shared with glibc's own malloc. Tracks the heap
// ranges this backend raised; exposes only those; lowers the break only inside the top range and only
// while the break still ends it (never below memory someone else raised). Never calls the raw
// syscall(SYS_brk): glibc caches the break, and bypassing it would corrupt glibc's malloc.
import { sysFail, sysOk, type Addr, type SysResult } from "@osmem/syscalls";
import type { RawBinding } from "../load-binding.js";
import { isBrkAddress, zeroPartialPage, type BreakKeeper } from "./break-keeper.js";
import { errnoName } from "./errno.js";
import type { NativeMemory } from "./native-memory.js";
import { Region } from "./region.js";

export class ProcessBreak implements BreakKeeper {
  // Number fields get a number initializer (docs/architecture.md, "Rules of the hot paths").
  readonly initialBreak: Addr = 0;
  /** Ranges this backend raised, sorted by address; glibc's memory may lie between them. */
  private readonly owned: Region[] = [];

  constructor(
    private readonly binding: RawBinding,
    private readonly memory: NativeMemory,
  ) {
    this.initialBreak = binding.peekBreak();
  }

  /**
   * brk(0) is a real brk syscall answering glibc's sbrk(0). Growing calls glibc brk(addr) and owns
   * `[old break, addr)`. Lowering calls brk(addr) only when `addr` is inside the top owned range and
   * the break still ends that range; any other lower address changes nothing and answers the current
   * break without a syscall, as Linux does for an address below the heap's start.
   */
  brk(addr: Addr): SysResult<Addr> {
    if (!isBrkAddress(addr)) return sysFail("EINVAL");
    if (addr === 0) {
      const raw = this.binding.brk(0);
      if (raw.ok) this.clipTo(raw.value);
      return raw.ok ? sysOk(raw.value) : sysFail(errnoName(raw.errno));
    }
    const current = this.binding.peekBreak();
    this.clipTo(current);
    return addr >= current ? this.grow(current, addr) : this.lower(current, addr);
  }

  peek(): Addr {
    return this.binding.peekBreak();
  }

  ranges(): readonly Region[] {
    return this.owned;
  }

  release(): void {
    const top = this.owned[this.owned.length - 1];
    const current = this.binding.peekBreak();
    for (const region of this.owned) {
      region.detachAll();
      this.memory.remove(region);
    }
    if (top !== undefined && top.end === current) this.binding.brk(top.start);
    this.owned.length = 0;
  }

  private grow(current: Addr, addr: Addr): SysResult<Addr> {
    const raw = this.binding.brk(addr);
    if (!raw.ok) return sysFail(errnoName(raw.errno));
    const reached = raw.value;
    if (reached <= current) return sysOk(reached);
    const top = this.owned[this.owned.length - 1];
    if (top !== undefined && top.end === current) {
      top.resize(reached);
      zeroPartialPage(top, current, reached, this.binding.pageSize);
    } else {
      const region = new Region(this.binding, current, reached);
      this.owned.push(region);
      this.memory.add(region);
      zeroPartialPage(region, current, reached, this.binding.pageSize);
    }
    return sysOk(reached);
  }

  private lower(current: Addr, addr: Addr): SysResult<Addr> {
    const top = this.owned[this.owned.length - 1];
    if (top === undefined || top.end !== current || addr < top.start) return sysOk(current);
    top.resize(addr);
    const raw = this.binding.brk(addr);
    if (!raw.ok) {
      top.resize(this.binding.peekBreak());
      return sysFail(errnoName(raw.errno));
    }
    if (top.lengthBytes === 0) this.forget(top);
    return sysOk(raw.value);
  }

  /**
   * Defensive: if the break is now below the end of owned memory (only code that lowers a break it
   * does not own could do that), those bytes are gone; drop them from the readable heap.
   */
  private clipTo(current: Addr): void {
    for (const region of [...this.owned]) {
      if (region.end <= current) continue;
      if (region.start >= current) this.forget(region);
      else region.resize(current);
    }
  }

  private forget(region: Region): void {
    region.detachAll();
    this.memory.remove(region);
    this.owned.splice(this.owned.indexOf(region), 1);
  }
}
