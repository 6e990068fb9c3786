// Slab fit: compact fit with small requests served from slabs. Requests of at most 128 bytes share
// heap blocks by size class (8-byte steps) instead of paying a 32-byte header each; everything else is
// placed exactly as compact fit places it. The one policy here that is not a block per request.
import type { FitPolicy } from "@osmem/core";
import { COMPACT_HEAP_SHAPE, compactFit } from "./compact-fit.js";

/** The heap shape of {@link slabFit}: {@link COMPACT_HEAP_SHAPE} plus slabs up to 128 bytes. */
export const SLAB_HEAP_SHAPE = Object.freeze({ ...COMPACT_HEAP_SHAPE, slabMaxBytes: 128 });

/**
 * Slab fit: requests up to 128 bytes (aligned) are objects in slabs, one size class per slab: a slab is
 * one allocated heap block holding a 4-byte slab header, a bitmap and the objects, so 8- to 128-byte
 * objects cost 1 bit plus a share of one header instead of 32 bytes each (on the real-program traces
 * 96 and 128 did best of 64 to 512: larger classes leave more slabs partly empty, smaller ones leave
 * more requests paying a header). Blocks (slabs included) are
 * placed as {@link compactFit} places them: the smallest fitting free block, lowest address first.
 *
 * Cost: O(1) to take an object from a slab with room, O(log s) to find a freed pointer's slab among s
 * slabs, and compact fit's O(log n) when a slab is made or freed. Weakness: a slab with a few live
 * objects pins its whole block, so a class whose objects die scattered keeps partly empty slabs; and
 * a slab object shrunk by realloc keeps its class's size.
 */
export const slabFit: FitPolicy = Object.freeze({
  name: "slab-fit",
  coalescing: compactFit.coalescing,
  heapShape: SLAB_HEAP_SHAPE,
  bind: compactFit.bind,
});
