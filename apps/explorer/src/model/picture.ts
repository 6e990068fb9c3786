// The heap at one step as plain data: its regions (the brk heap and each mapping), every block in
// them with its header fields read back from memory, the stats, the fragmentation figures and the
// heap checker's verdict. The views draw only this; the browser tests compare it with the core.
import { HEADER_BYTES, OFF_NEXT, OFF_PREV, checkHeap, inspectSlab, walkBlocks, type BlockInfo, type Heap, type HeapProblem, type HeapStats } from "@osmem/core";
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

/** A block's status as the core's walker names it: `slab` is an allocated heap block holding small objects. */
export type BlockStatusName = BlockInfo["status"];

/** One live object inside a slab block. */
export interface SlabObjectPicture {
  /** Its index among the slab's objects (its bit in the bitmap). */
  readonly index: number;
  /** Its address: the pointer malloc returned. */
  readonly addr: number;
  /** What the program asked for (at most the object size: a realloc past it moves the object). */
  readonly requestedBytes: number;
}

/** What a slab block's payload holds, read back from memory. */
export interface SlabPicture {
  /** Bytes per object (the size class). */
  readonly objectBytes: number;
  /** Objects the slab has room for. */
  readonly capacity: number;
  /** Bytes from the payload's start to the first object: the 4-byte slab header and the bitmap, padded to 8. */
  readonly objectsOffset: number;
  /** The objects in use (their bits set in the bitmap), by index. */
  readonly live: readonly SlabObjectPicture[];
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
  readonly status: BlockStatusName;
  /** Payload bytes (the header's `size` field). */
  readonly sizeBytes: number;
  /**
   * What the program asked for; undefined for free blocks. The rest of the payload is padding or an
   * unsplit tail. For a slab: the sum over its live objects (slab header, bitmap, free objects and the
   * objects' padding are the rest).
   */
  readonly requestedBytes: number | undefined;
  /** For a slab block: its layout and live objects; undefined for every other block. */
  readonly slab?: SlabPicture;
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
    const slab = block.status === "slab" ? slabOf(heap, block, machine.requested) : undefined;
    const requestedBytes =
      block.status === "free"
        ? undefined
        : slab !== undefined
          ? slab.live.reduce((sum, object) => sum + object.requestedBytes, 0)
          : (machine.requested.get(block.payloadAddr) ?? block.sizeBytes);
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
      ...(slab === undefined ? {} : { slab }),
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

/**
 * The slab in `block` as the core reads it (`inspectSlab`), each live object with the bytes `requested`
 * says the program asked for at its address (its object size if the program never asked, which a
 * valid run never shows). Undefined when `block` is not one of `heap`'s slabs.
 */
export function slabOf(heap: Heap, block: BlockInfo, requested: ReadonlyMap<number, number>): SlabPicture | undefined {
  const info = inspectSlab(heap, block.addr);
  if (info === undefined) return undefined;
  const live = info.liveObjects.map((addr) => ({
    index: (addr - info.objectsAddr) / info.objectBytes,
    addr,
    requestedBytes: requested.get(addr) ?? info.objectBytes,
  }));
  return { objectBytes: info.objectBytes, capacity: info.capacity, objectsOffset: info.objectsAddr - block.payloadAddr, live };
}

/** Just past the last byte of `block`'s payload. */
export const blockEnd = (block: BlockPicture): number => block.addr + HEADER_BYTES + block.sizeBytes;

/**
 * The block holding `addr` (its header or payload), or undefined: a pointer malloc returned resolves to
 * its own block, and a small object's pointer to the slab block it lives in. By address range, so it
 * also finds the block a pointer was freed from (now free, or merged into a free neighbour).
 */
export function blockAt(picture: HeapPicture, addr: number): BlockPicture | undefined {
  if (addr === 0) return undefined;
  return picture.blocks.find((block) => addr >= block.addr && addr < blockEnd(block));
}

/** The live slab object at `addr` (its first byte) in `block`, or undefined. */
export function slabObjectAt(block: BlockPicture, addr: number): SlabObjectPicture | undefined {
  return block.slab?.live.find((object) => object.addr === addr);
}
