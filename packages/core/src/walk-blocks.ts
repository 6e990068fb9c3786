// The heap walker: lists every block as plain data, heap blocks in address order, then mapped blocks
// in mmap order. Read-only; trusts the list (run checkHeap first when in doubt).
import { BlockStatus, HEADER_BYTES, type BlockInfo, type Heap } from "./api.js";
import { readNext, readSize, readStatus } from "./block-header.js";
import { stateOf } from "./internal/state-of.js";

const STATUS_NAMES = { [BlockStatus.Free]: "free", [BlockStatus.Alloc]: "alloc", [BlockStatus.Mapped]: "mapped" } as const;

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
