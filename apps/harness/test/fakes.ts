// Test doubles for the harness's own tests: a tiny backend (a brk heap and top-down mappings over
// plain byte arrays) and a bump-pointer heap that can be told to break one promise at a time, so the
// harness's checks are shown to fail when they should. Never used outside tests.
import { ALIGN, HEADER_BYTES, InvariantError } from "@osmem/core";
import type { BlockInfo, Heap, HeapOptions, HeapProblem, HeapStats } from "@osmem/core";
import { SegmentationFault, sysFail, sysOk } from "@osmem/syscalls";
import type { Addr, Memory, SyscallBackend, SyscallEvent, SyscallObserver } from "@osmem/syscalls";
import type { HeapDriver } from "../src/replay.js";

export const FAKE_HEAP_START = 0x5000_0000;
export const FAKE_MMAP_TOP = 0x7f00_0000_0000;
const PAGE = 4096;

interface Region {
  start: Addr;
  bytes: Uint8Array;
}

/** A backend over byte arrays. `reuseMappings` makes mmap hand out the last unmapped address again. */
export class FakeBackend implements SyscallBackend {
  readonly pageSize = PAGE;
  observer: SyscallObserver | undefined;
  private heap: Region = { start: FAKE_HEAP_START, bytes: new Uint8Array(0) };
  private mappings: Region[] = [];
  private mmapTop = FAKE_MMAP_TOP;
  private lastUnmapped: Addr | undefined;
  readonly memory: Memory;

  constructor(private readonly options: { reuseMappings?: boolean; mmapFails?: boolean } = {}) {
    const at = (addr: Addr, length: number): { bytes: Uint8Array; offset: number } => {
      for (const region of [this.heap, ...this.mappings]) {
        if (addr >= region.start && addr + length <= region.start + region.bytes.length) {
          return { bytes: region.bytes, offset: addr - region.start };
        }
      }
      throw new SegmentationFault(addr, length);
    };
    const view = (addr: Addr, length: number): DataView => {
      const { bytes, offset } = at(addr, length);
      return new DataView(bytes.buffer, bytes.byteOffset + offset, length);
    };
    this.memory = {
      readU8: (a) => view(a, 1).getUint8(0),
      writeU8: (a, v) => view(a, 1).setUint8(0, v),
      readU32: (a) => view(a, 4).getUint32(0, true),
      writeU32: (a, v) => view(a, 4).setUint32(0, v >>> 0, true),
      readI32: (a) => view(a, 4).getInt32(0, true),
      writeI32: (a, v) => view(a, 4).setInt32(0, v, true),
      readU64: (a) => Number(view(a, 8).getBigUint64(0, true)),
      writeU64: (a, v) => view(a, 8).setBigUint64(0, BigInt(v), true),
      readBytes: (a, n) => {
        const { bytes, offset } = at(a, n);
        return bytes.slice(offset, offset + n);
      },
      writeBytes: (a, src) => {
        const { bytes, offset } = at(a, src.length);
        bytes.set(src, offset);
      },
      fill: (a, n, v) => {
        const { bytes, offset } = at(a, n);
        bytes.fill(v & 0xff, offset, offset + n);
      },
      copy: (dst, src, n) => {
        const from = at(src, n);
        const to = at(dst, n);
        to.bytes.set(from.bytes.slice(from.offset, from.offset + n), to.offset);
      },
    };
  }

  private emit<E extends SyscallEvent>(event: E): E {
    this.observer?.(event);
    return event;
  }

  brk(addr: Addr) {
    const end = this.heap.start + this.heap.bytes.length;
    if (addr > end) {
      const grown = new Uint8Array(addr - this.heap.start);
      grown.set(this.heap.bytes);
      this.heap.bytes = grown;
    }
    return this.emit({ kind: "brk", addr, result: sysOk(this.heap.start + this.heap.bytes.length) }).result;
  }

  mmap(lengthBytes: number) {
    const rounded = Math.ceil(lengthBytes / PAGE) * PAGE;
    let start: Addr;
    if (this.options.reuseMappings === true && this.lastUnmapped !== undefined) start = this.lastUnmapped;
    else start = this.mmapTop -= rounded;
    const result = this.options.mmapFails === true ? sysFail<Addr>("ENOMEM") : sysOk(start);
    if (result.ok) this.mappings.push({ start, bytes: new Uint8Array(rounded) });
    const event = { kind: "mmap", addr: 0, lengthBytes, prot: 3, flags: 0x22, fd: -1, offset: 0, result } as const;
    return this.emit(event).result;
  }

  munmap(addr: Addr, lengthBytes: number) {
    this.mappings = this.mappings.filter((m) => m.start !== addr);
    this.lastUnmapped = addr;
    return this.emit({ kind: "munmap", addr, lengthBytes, result: sysOk(0 as const) }).result;
  }
}

/** One way for the fake heap to misbehave. */
export type Sabotage = "none" | "realloc-loses-bytes" | "calloc-dirty" | "overlap" | "throws-invariant" | "segfaults";

const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;
const MMAP_THRESHOLD = 128 * 1024;

/** A bump-pointer heap: never reuses heap memory; mmaps big blocks; breaks one promise on request. */
export function createFakeHeap(options: HeapOptions, sabotage: Sabotage = "none"): Heap {
  const { backend } = options;
  const blocks = new Map<Addr, BlockInfo>();
  let heapStart: Addr = 0;
  let next: Addr = 0;
  let lastPayload: Addr = 0;
  const malloc = (sizeBytes: number): Addr => {
    if (sizeBytes === 0) return 0;
    const total = align(sizeBytes) + HEADER_BYTES;
    if (sabotage === "overlap" && lastPayload !== 0) return lastPayload;
    if (total >= MMAP_THRESHOLD) {
      const mapped = backend.mmap(total);
      if (!mapped.ok) return 0;
      const payloadAddr = mapped.value + HEADER_BYTES;
      blocks.set(payloadAddr, { addr: mapped.value, payloadAddr, sizeBytes: align(sizeBytes), status: "mapped" });
      return payloadAddr;
    }
    if (heapStart === 0) {
      heapStart = backend.brk(0).ok ? FAKE_HEAP_START : 0;
      next = heapStart;
      backend.brk(heapStart + MMAP_THRESHOLD);
    }
    const payloadAddr = next + HEADER_BYTES;
    blocks.set(payloadAddr, { addr: next, payloadAddr, sizeBytes: align(sizeBytes), status: "alloc" });
    next += total;
    lastPayload = payloadAddr;
    return payloadAddr;
  };
  const free = (ptr: Addr): void => {
    if (sabotage === "throws-invariant") throw new InvariantError("free list is corrupt");
    if (sabotage === "segfaults") backend.memory.readU8(1);
    const info = blocks.get(ptr);
    blocks.delete(ptr);
    if (info?.status === "mapped") backend.munmap(info.addr, info.sizeBytes + HEADER_BYTES);
  };
  const stats = (): HeapStats => ({
    bytesInUse: 0,
    bytesFree: 0,
    heapBytes: 0,
    mappedBytes: 0,
    allocBlocks: 0,
    freeBlocks: 0,
    mappedBlocks: 0,
    slabBlocks: 0,
    slabObjects: 0,
    syscalls: { brk: 0, mmap: 0, munmap: 0 },
    failures: 0,
    segments: 0,
  });
  const heap: Heap = {
    backend,
    policyName: options.policy.name,
    checkLevel: options.checkLevel ?? 1,
    errno: undefined,
    get heapStart() {
      return heapStart;
    },
    malloc,
    calloc(count, sizeBytes) {
      const ptr = malloc(count * sizeBytes);
      if (ptr !== 0) backend.memory.fill(ptr, count * sizeBytes, sabotage === "calloc-dirty" ? 0xaa : 0);
      return ptr;
    },
    realloc(ptr, sizeBytes) {
      if (ptr === 0) return malloc(sizeBytes);
      if (sizeBytes === 0) {
        free(ptr);
        return 0;
      }
      const old = blocks.get(ptr);
      const moved = malloc(sizeBytes);
      if (old !== undefined && sabotage !== "realloc-loses-bytes") {
        backend.memory.copy(moved, ptr, Math.min(old.sizeBytes, align(sizeBytes)));
      }
      free(ptr);
      return moved;
    },
    free,
    usableSize: (ptr) => blocks.get(ptr)?.sizeBytes ?? 0,
    stats,
  };
  blocksOf.set(heap, blocks);
  return heap;
}

const blocksOf = new WeakMap<Heap, Map<Addr, BlockInfo>>();

/** A driver over {@link createFakeHeap}; `problems` is what its checkHeap reports after every call. */
export function fakeDriver(sabotage: Sabotage = "none", problems: HeapProblem[] = []): HeapDriver {
  return {
    createHeap: (options) => createFakeHeap(options, sabotage),
    walkBlocks: (heap) => [...(blocksOf.get(heap)?.values() ?? [])],
    checkHeap: () => problems,
  };
}
