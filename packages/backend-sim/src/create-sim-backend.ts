// The simulated backend: Linux-like brk/mmap/munmap over a heap region and a mapping table, with
// memory limits, fault injection, call counting, the syscall log and observer reporting.
// Every syscall reports exactly one event, and a failed call (injected or not) changes no state.
import {
  anonymousMmapEvent,
  sysFail,
  sysOk,
  type Addr,
  type Memory,
  type SysResult,
  type SyscallEvent,
  type SyscallName,
  type SyscallObserver,
} from "@osmem/syscalls";
import { ADDRESS_SPACE_END, type FaultSpec, type SimBackend, type SimBackendOptions, type SimMapping } from "./api.js";
import { FaultPlan } from "./internal/fault-plan.js";
import { MappingTable } from "./internal/mapping-table.js";
import { isPageAligned, roundUpToPage } from "./internal/page-math.js";
import { SHARED_BUFFER_POOL } from "./internal/buffer-pool.js";
import { Region, ensureHeapCapacity, releaseHeap, setHeapEnd } from "./internal/region.js";
import { resolveOptions, type ResolvedOptions } from "./internal/resolve-options.js";
import { SimMemory } from "./internal/sim-memory.js";


/**
 * Creates a fresh simulated address space: the break at `heapStart`, no mappings, no faults, empty log.
 * Throws `RangeError` for invalid options (see {@link SimBackendOptions}).
 *
 * @example
 * const backend = createSimBackend({ memoryLimitBytes: 1 << 20 });
 * const start = backend.currentBreak;
 * backend.brk(start + 64);                // { ok: true, value: start + 64 }
 * backend.memory.writeU64(start, 42);
 * backend.mmap(0);                        // { ok: false, errno: "EINVAL" }
 */
export function createSimBackend(options: SimBackendOptions = {}): SimBackend {
  return new SimBackendImpl(resolveOptions(options));
}

class SimBackendImpl implements SimBackend {
  // Number fields get a number initializer (docs/architecture.md, "Rules of the hot paths").
  readonly pageSize: number = 0;
  readonly memory: Memory;
  readonly initialBreak: Addr = 0;
  observer: SyscallObserver | undefined = undefined;
  private readonly events: SyscallEvent[] = [];
  private readonly counts: Record<SyscallName, number> = { brk: 0, mmap: 0, munmap: 0 };
  private readonly faults = new FaultPlan();
  private readonly heap: Region;
  private readonly table = new MappingTable();
  private readonly buffers = SHARED_BUFFER_POOL;

  constructor(private readonly options: ResolvedOptions) {
    this.pageSize = options.pageSize;
    this.initialBreak = options.heapStart;
    this.heap = new Region(options.heapStart, options.heapStart, new Uint8Array(0));
    this.memory = new SimMemory(this.heap, this.table);
  }

  get currentBreak(): Addr {
    return this.heap.end;
  }

  get log(): readonly SyscallEvent[] {
    return this.events;
  }

  get callCounts(): Readonly<Record<SyscallName, number>> {
    return Object.freeze({ ...this.counts });
  }

  mappings(): SimMapping[] {
    return this.table.list();
  }

  injectFault(spec: FaultSpec): void {
    this.faults.add(spec, this.counts[spec.syscall]);
  }

  peekBreak(): Addr {
    return this.heap.end;
  }

  moveBreakExternally(addr: Addr): SysResult<Addr> {
    return this.doBrk(addr);
  }

  release(): void {
    this.table.unmap(0, ADDRESS_SPACE_END, (region) => this.buffers.give(region.bytes));
    releaseHeap(this.heap);
  }

  brk(addr: Addr): SysResult<Addr> {
    const injected = this.faults.take("brk", ++this.counts.brk);
    const result = injected === undefined ? this.doBrk(addr) : sysFail<Addr>(injected);
    if (this.listened) this.report({ kind: "brk", addr, result });
    return result;
  }

  mmap(lengthBytes: number): SysResult<Addr> {
    const injected = this.faults.take("mmap", ++this.counts.mmap);
    const result = injected === undefined ? this.doMmap(lengthBytes) : sysFail<Addr>(injected);
    if (this.listened) this.report(anonymousMmapEvent(lengthBytes, result));
    return result;
  }

  munmap(addr: Addr, lengthBytes: number): SysResult<0> {
    const injected = this.faults.take("munmap", ++this.counts.munmap);
    const result = injected === undefined ? this.doMunmap(addr, lengthBytes) : sysFail<0>(injected);
    if (this.listened) this.report({ kind: "munmap", addr, lengthBytes, result });
    return result;
  }

  /** True when an event would go anywhere: without a log or an observer, none is built (the hot path of a benchmark). */
  private get listened(): boolean {
    return this.options.record || this.observer !== undefined;
  }

  private report(event: SyscallEvent): void {
    if (this.options.record) this.events.push(event);
    this.observer?.(event);
  }

  /** Heap bytes charged against the limit: the growth above the initial break, in whole pages. */
  private heapChargeBytes(breakAddr: Addr): number {
    return roundUpToPage(breakAddr, this.pageSize) - this.initialBreak;
  }

  private doBrk(addr: Addr): SysResult<Addr> {
    if (!Number.isSafeInteger(addr)) return sysFail("EINVAL");
    if (addr < this.initialBreak) return sysOk(this.heap.end);
    const top = roundUpToPage(addr, this.pageSize);
    const ceiling = this.table.lowestStart() ?? this.options.mmapBase;
    if (top > ceiling) return sysFail("ENOMEM");
    if (this.heapChargeBytes(addr) + this.table.mappedBytes > this.options.memoryLimitBytes) return sysFail("ENOMEM");
    if (!ensureHeapCapacity(this.heap, addr - this.initialBreak, this.options.memoryLimitBytes)) return sysFail("ENOMEM");
    setHeapEnd(this.heap, addr);
    return sysOk(addr);
  }

  private doMmap(lengthBytes: number): SysResult<Addr> {
    if (!Number.isSafeInteger(lengthBytes) || lengthBytes <= 0) return sysFail("EINVAL");
    const mappedBytes = roundUpToPage(lengthBytes, this.pageSize);
    const charged = this.heapChargeBytes(this.heap.end) + this.table.mappedBytes + mappedBytes;
    if (charged > this.options.memoryLimitBytes) return sysFail("ENOMEM");
    const floor = roundUpToPage(this.heap.end, this.pageSize);
    const addr = this.table.findGapTopDown(mappedBytes, floor, this.options.mmapBase);
    if (addr === undefined) return sysFail("ENOMEM");
    const bytes = this.buffers.take(mappedBytes);
    if (bytes === null) return sysFail("ENOMEM");
    this.table.insert(new Region(addr, addr + mappedBytes, bytes));
    return sysOk(addr);
  }

  private doMunmap(addr: Addr, lengthBytes: number): SysResult<0> {
    if (!Number.isSafeInteger(addr) || addr < 0 || !isPageAligned(addr, this.pageSize)) return sysFail("EINVAL");
    if (!Number.isSafeInteger(lengthBytes) || lengthBytes <= 0) return sysFail("EINVAL");
    const end = addr + roundUpToPage(lengthBytes, this.pageSize);
    if (end > ADDRESS_SPACE_END) return sysFail("EINVAL");
    this.table.unmap(addr, end, (region) => this.buffers.give(region.bytes));
    return sysOk(0);
  }
}
