// The heap at one step as plain data: its regions (the brk heap and each mapping), every block in
// them with its header fields read back from memory, the stats, the fragmentation figures and the
// heap checker's verdict. The views draw only this; the browser tests compare it with the core.
import { HEADER_BYTES, OFF_NEXT, OFF_PREV, checkHeap, walkBlocks, type HeapProblem, type HeapStats } from "@osmem/core";
import { externalFragmentationOf, freeRuns } from "@osmem/harness/browser";
import type { Machine } from "./machine.js";

/** The brk heap or one live mapping. */
export interface RegionPicture {
  /** `heap`, or `mmap-N` for the N-th mmap of the run. */
  readonly id: string;
  readonly kind: "heap" | "mapping";
  /** The first address. */
  readonly start: number;
  /** Just past the last byte: the program break, or the mapping's page-rounded end. */
  readonly end: number;
  /** The start as the traces name it (`HeapStart + 0x0`, `<mapped-addr1>`). */
  readonly name: string;
}

/** One block, as its header says. */
export interface BlockPicture {
  /** The id of the region holding it. */
  readonly region: string;
  /** Header address minus the region's start. */
  readonly offset: number;
  /** The header address. */
  readonly addr: number;
  /** The header address as the traces name it. */
  readonly name: string;
  readonly status: "free" | "alloc" | "mapped";
  /** Payload bytes (the header's `size` field). */
  readonly sizeBytes: number;
  /** What the program asked for; undefined for free blocks. The rest of the payload is padding or an unsplit tail. */
  readonly requestedBytes: number | undefined;
  /** The header's `prev` and `next` fields, named (`0` for NULL). */
  readonly prev: string;
  readonly next: string;
}

/** Everything the views show about one step. */
export interface HeapPicture {
  readonly step: number;
  readonly regions: readonly RegionPicture[];
  /** Heap blocks by address, then mapped blocks by age (the core's walk order). */
  readonly blocks: readonly BlockPicture[];
  readonly stats: HeapStats;
  /** Bytes the program asked for and has not freed. */
  readonly requestedBytes: number;
  /** Bytes taken from the OS: break growth plus mapped blocks. */
  readonly footprintBytes: number;
  /** Headers, alignment padding and unsplit tails of live blocks. */
  readonly internalFragmentationBytes: number;
  /** `1 − largest free run ÷ all free bytes` (0 with no free bytes; adjacent free blocks are one run, as in `osmem analyze`). */
  readonly externalFragmentation: number;
  /** The heap checker's findings; empty when the heap is valid. */
  readonly problems: readonly HeapProblem[];
}

/** Reads the whole state of `machine`'s heap. */
export function pictureOf(machine: Machine): HeapPicture {
  const { heap, backend, namer } = machine;
  const memory = backend.memory;
  const regions: RegionPicture[] = [];
  if (heap.heapStart !== 0) {
    regions.push({ id: "heap", kind: "heap", start: heap.heapStart, end: backend.currentBreak, name: namer.name(heap.heapStart) });
  }
  for (const mapping of backend.mappings()) {
    const name = namer.name(mapping.addr);
    const n = /<mapped-addr(\d+)>/.exec(name)?.[1] ?? String(regions.length);
    regions.push({ id: `mmap-${n}`, kind: "mapping", start: mapping.addr, end: mapping.addr + mapping.lengthBytes, name });
  }
  const regionOf = (addr: number): RegionPicture | undefined => regions.find((r) => addr >= r.start && addr < r.end);

  let internal = 0;
  const walked = walkBlocks(heap);
  const blocks = walked.map((block): BlockPicture => {
    const region = regionOf(block.addr);
    const requestedBytes = block.status === "free" ? undefined : (machine.requested.get(block.payloadAddr) ?? block.sizeBytes);
    if (requestedBytes !== undefined) internal += HEADER_BYTES + block.sizeBytes - requestedBytes;
    return {
      region: region?.id ?? "?",
      offset: block.addr - (region?.start ?? 0),
      addr: block.addr,
      name: namer.name(block.addr),
      status: block.status,
      sizeBytes: block.sizeBytes,
      requestedBytes,
      prev: namer.name(memory.readU64(block.addr + OFF_PREV)),
      next: namer.name(memory.readU64(block.addr + OFF_NEXT)),
    };
  });
  const stats = heap.stats();
  const { freeBytes, largestFreeBytes } = freeRuns(walked);
  return {
    step: machine.step,
    regions,
    blocks,
    stats,
    requestedBytes: machine.liveRequestedBytes,
    footprintBytes: stats.heapBytes + stats.mappedBytes,
    internalFragmentationBytes: internal,
    externalFragmentation: externalFragmentationOf(largestFreeBytes, freeBytes),
    problems: checkHeap(heap),
  };
}
