// The heap walker: lists every block as plain data, heap blocks in address order, then mapped blocks
// in mmap order, and reads what a slab block holds. Read-only; trusts the list (run checkHeap first
// when in doubt).
import type { Addr } from "@osmem/syscalls";
import { BlockStatus, HEADER_BYTES, type BlockInfo, type Heap, type SlabInfo } from "./api.js";
import { readNext, readSize, readStatus } from "./block-header.js";
import { readSlab } from "./internal/slab-pool.js";
import { stateOf } from "./internal/state-of.js";

const STATUS_NAMES = { [BlockStatus.Free]: "free", [BlockStatus.Alloc]: "alloc", [BlockStatus.Mapped]: "mapped", [BlockStatus.Slab]: "slab" } as const;

/** Every block of `heap`: heap blocks by address, then mapped blocks by age. */
export function walkBlocks(heap: Heap): BlockInfo[] {
  const s = stateOf(heap);
  const m = s.memory;
  const blocks: BlockInfo[] = [];
  for (const head of [s.heapHead, s.mappedHead]) {
    for (let block = head; block !== 0; block = readNext(m, block)) {
      const status = readStatus(m, block) as BlockStatus;
      blocks.push({
        addr: block,
        payloadAddr: block + HEADER_BYTES,
        sizeBytes: readSize(m, block),
        status: STATUS_NAMES[status] ?? "alloc",
      });
    }
  }
  return blocks;
}

/**
 * The objects of the slab block at `block` (a header address `walkBlocks` reported with status
 * `"slab"`), read from the heap's memory; undefined when `block` is not a slab block of `heap`.
 */
export function inspectSlab(heap: Heap, block: Addr): SlabInfo | undefined {
  const s = stateOf(heap);
  if (s.slabs?.has(block) !== true) return undefined;
  return readSlab(s.memory, block);
}
