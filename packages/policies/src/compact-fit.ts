// Compact fit: indexed best fit with a heap shaped for a small footprint rather than for the
// reference trace: a one-page first break instead of 128 KiB, big blocks kept on the heap (where a
// realloc at the end grows in place) instead of mapped, small requests carved from the high end of a
// free block and the heap grown 1 KiB at a time for them, so small long-lived blocks cluster
// together and the space large short-lived ones leave behind stays contiguous.
import type { FitPolicy } from "@osmem/core";
import { indexedBestFit } from "./indexed-best-fit.js";

/** The heap shape of {@link compactFit}. */
export const COMPACT_HEAP_SHAPE = Object.freeze({
  preallocBytes: 4096,
  mmapThresholdBytes: 64 * 1024 * 1024,
  growthChunkBytes: 1024,
  backPlacementMaxBytes: 64,
});

/**
 * Compact fit: the block {@link indexedBestFit} would choose (smallest that fits, ties to the lowest
 * address, deferred coalescing), in a heap shaped by {@link COMPACT_HEAP_SHAPE}: first break of one
 * page; mmap only from 64 MiB; requests of at most 64 bytes carved from the high end of the block,
 * and, when nothing fits them, the heap grows by a 1 KiB chunk that the next small requests share.
 *
 * Cost: indexed best fit's, O(log n) per operation. Weakness: fewer, larger syscalls than needed are
 * traded for footprint only up to 1 KiB; blocks up to 64 MiB live on the heap, so a freed big block
 * in the middle of the heap is never returned to the OS (neither is any heap memory in osmem).
 */
export const compactFit: FitPolicy = Object.freeze({
  name: "compact-fit",
  coalescing: "deferred",
  heapShape: COMPACT_HEAP_SHAPE,
  bind: indexedBestFit.bind,
});
