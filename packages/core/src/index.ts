export * from "./api.js";
export {
  OFF_NEXT,
  OFF_PREV,
  OFF_SIZE,
  OFF_STATUS,
  alignUp,
  blockOf,
  payloadOf,
} from "./block-header.js";
export { createHeap } from "./heap.js";
export { checkHeap, assertHeapValid } from "./check-heap.js";
export { inspectSlab, walkBlocks } from "./walk-blocks.js";
