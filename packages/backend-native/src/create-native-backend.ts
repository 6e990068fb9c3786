// The native backend: the SyscallBackend contract on the running process's own memory. Validates
// arguments, delegates the break to a BreakKeeper and mappings to the MappingTable, and reports exactly
// one event per syscall to the log and the observer. A failed call changes no state; nothing here
// throws for an OS failure, and nothing here ever unmaps or lowers memory this backend did not make.
import {
  anonymousMmapEvent,
  sysFail,
  sysOk,
  type Addr,
  type Memory,
  type SysResult,
  type SyscallEvent,
  type SyscallObserver,
} from "@osmem/syscalls";
import { DEFAULT_RESERVE_BYTES, type BreakMode, type NativeBackend, type NativeBackendOptions, type NativeRange } from "./api.js";
import { roundUpToPage, type BreakKeeper } from "./internal/break-keeper.js";
import { fromRaw } from "./internal/errno.js";
import { MappingTable } from "./internal/mapping-table.js";
import { NativeMemory } from "./internal/native-memory.js";
import { ProcessBreak } from "./internal/process-break.js";
import { ReservedBreak } from "./internal/reserved-break.js";
import { requireBinding, type RawBinding } from "./load-binding.js";


interface ResolvedOptions {
  readonly breakMode: BreakMode;
  readonly reserveBytes: number;
  readonly record: boolean;
}

function resolveOptions(options: NativeBackendOptions, pageSize: number): ResolvedOptions {
  const breakMode = options.breakMode ?? "process";
  if (breakMode !== "process" && breakMode !== "reserved") {
    throw new RangeError(`createNativeBackend: breakMode must be "process" or "reserved", not ${String(breakMode)}`);
  }
  const reserveBytes = options.reserveBytes ?? DEFAULT_RESERVE_BYTES;
  if (!Number.isSafeInteger(reserveBytes) || reserveBytes <= 0) {
    throw new RangeError(`createNativeBackend: reserveBytes must be a positive safe integer, not ${reserveBytes}`);
  }
  return { breakMode, reserveBytes: roundUpToPage(reserveBytes, pageSize), record: options.record ?? true };
}

/**
 * Creates a backend over the memory of this process (Linux with glibc only).
 *
 * In `"process"` mode the heap is the real program break, shared with glibc's malloc: the break may
 * move between calls, so callers compare {@link NativeBackend.peekBreak} with where they left it. In
 * `"reserved"` mode the break is emulated inside a private reservation of `reserveBytes`.
 *
 * Throws {@link NativeBackendUnavailableError} when the addon cannot load, `RangeError` for invalid
 * options, and an `Error` when the reservation cannot be mapped. Call `dispose()` when done.
 *
 * @example
 * const backend = createNativeBackend();
 * const start = backend.brk(0);                       // { ok: true, value: <the process break> }
 * if (start.ok && backend.brk(start.value + 4096).ok) backend.memory.writeU64(start.value, 42);
 * backend.dispose();
 */
export function createNativeBackend(options: NativeBackendOptions = {}): NativeBackend {
  const binding = requireBinding();
  return new NativeBackendImpl(binding, resolveOptions(options, binding.pageSize));
}

class NativeBackendImpl implements NativeBackend {
  readonly pageSize: number;
  readonly breakMode: BreakMode;
  readonly memory: Memory;
  observer: SyscallObserver | undefined = undefined;
  private readonly events: SyscallEvent[] = [];
  private readonly nativeMemory = new NativeMemory();
  private readonly table: MappingTable;
  private readonly keeper: BreakKeeper;
  private disposed = false;

  constructor(
    private readonly binding: RawBinding,
    private readonly options: ResolvedOptions,
  ) {
    this.pageSize = binding.pageSize;
    this.breakMode = options.breakMode;
    this.memory = this.nativeMemory;
    this.table = new MappingTable(binding, this.nativeMemory);
    this.keeper =
      options.breakMode === "reserved"
        ? new ReservedBreak(binding, this.nativeMemory, options.reserveBytes)
        : new ProcessBreak(binding, this.nativeMemory);
  }

  get initialBreak(): Addr {
    return this.keeper.initialBreak;
  }

  get log(): readonly SyscallEvent[] {
    return this.events;
  }

  brk(addr: Addr): SysResult<Addr> {
    this.assertLive("brk");
    this.nativeMemory.regionsChanged();
    const result = this.keeper.brk(addr);
    this.report({ kind: "brk", addr, result });
    return result;
  }

  mmap(lengthBytes: number): SysResult<Addr> {
    this.assertLive("mmap");
    this.nativeMemory.regionsChanged();
    const result = this.doMmap(lengthBytes);
    this.report(anonymousMmapEvent(lengthBytes, result));
    return result;
  }

  munmap(addr: Addr, lengthBytes: number): SysResult<0> {
    this.assertLive("munmap");
    this.nativeMemory.regionsChanged();
    const result = this.doMunmap(addr, lengthBytes);
    this.report({ kind: "munmap", addr, lengthBytes, result });
    return result;
  }

  peekBreak(): Addr {
    return this.keeper.peek();
  }

  heapRanges(): NativeRange[] {
    return this.keeper.ranges().map((region) => ({ addr: region.start, lengthBytes: region.lengthBytes }));
  }

  mappings(): NativeRange[] {
    return this.table.list().map((region) => ({ addr: region.start, lengthBytes: region.lengthBytes }));
  }

  bytesView(addr: Addr, lengthBytes: number): Uint8Array {
    const region = this.nativeMemory.regionFor(addr, lengthBytes, "view");
    return region.bytes.subarray(addr - region.start, addr - region.start + lengthBytes);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.nativeMemory.regionsChanged();
    this.table.unmapAll();
    this.keeper.release();
  }

  private assertLive(call: string): void {
    if (this.disposed) throw new Error(`native backend: ${call} after dispose()`);
  }

  private report(event: SyscallEvent): void {
    if (this.options.record) this.events.push(event);
    this.observer?.(event);
  }

  /** Length 0 goes to the kernel (its EINVAL); what the addon cannot express fails here with EINVAL. */
  private doMmap(lengthBytes: number): SysResult<Addr> {
    if (!Number.isSafeInteger(lengthBytes) || lengthBytes < 0) return sysFail("EINVAL");
    const result = fromRaw(this.binding.mmap(lengthBytes, true), (addr) => addr);
    if (result.ok) this.table.insert(result.value, result.value + roundUpToPage(lengthBytes, this.pageSize));
    return result;
  }

  /**
   * Checked in TypeScript before the kernel sees anything: the Linux EINVAL cases (misaligned address,
   * length 0) and ranges outside every mapping this backend ever made, so foreign memory is never
   * unmapped. Within its own history, pages no longer mapped are skipped, as Linux does.
   */
  private doMunmap(addr: Addr, lengthBytes: number): SysResult<0> {
    if (!Number.isSafeInteger(addr) || addr <= 0 || addr % this.pageSize !== 0) return sysFail("EINVAL");
    if (!Number.isSafeInteger(lengthBytes) || lengthBytes <= 0) return sysFail("EINVAL");
    const end = addr + roundUpToPage(lengthBytes, this.pageSize);
    if (!this.table.wasEverMapped(addr, end)) return sysFail("EINVAL");
    const raw = this.table.unmap(addr, end, lengthBytes);
    return raw.ok ? sysOk(0) : fromRaw(raw, () => 0 as const);
  }
}
