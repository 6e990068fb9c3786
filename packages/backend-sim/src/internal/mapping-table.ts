// The set of live mappings: kept sorted by address and disjoint, with a last-hit cache for lookups.
// Places new mappings top-down in the highest gap that fits (hole reuse, as Linux does) and removes
// page ranges, splitting or trimming mappings. Knows nothing about the heap except the floor it is given.
import type { Addr } from "@osmem/syscalls";
import type { SimMapping } from "../api.js";
import { Region } from "./region.js";

/** The live mappings of one simulated address space. */
export class MappingTable {
  /** Sorted by `start`; pairwise disjoint; every bound page-aligned. */
  private readonly regions: Region[] = [];
  /** The region the last successful lookup found; most accesses hit the same mapping repeatedly. */
  private lastHit: Region | undefined;
  /** Sum of the lengths of all live mappings, in bytes. */
  mappedBytes = 0;

  /** The mapping that holds all of `[addr, addr + lengthBytes)`, or `undefined`. pre: `addr` is an integer. */
  find(addr: Addr, lengthBytes: number): Region | undefined {
    const cached = this.lastHit;
    if (cached !== undefined && addr >= cached.start && addr + lengthBytes <= cached.end) return cached;
    const region = this.regionAt(addr);
    if (region === undefined || addr + lengthBytes > region.end) return undefined;
    this.lastHit = region;
    return region;
  }

  /** The mapping containing the byte at `addr`, or `undefined`. */
  regionAt(addr: Addr): Region | undefined {
    const index = this.lastIndexStartingAtOrBelow(addr);
    const region = index < 0 ? undefined : this.regions[index];
    return region !== undefined && addr < region.end ? region : undefined;
  }

  /** The lowest mapped address, or `undefined` when nothing is mapped. */
  lowestStart(): Addr | undefined {
    return this.regions[0]?.start;
  }

  /**
   * The highest address `a` with `[a, a + lengthBytes)` free and inside `[floor, ceiling)`, or
   * `undefined`. pre: all three arguments are page-aligned and every mapping lies below `ceiling`.
   */
  findGapTopDown(lengthBytes: number, floor: Addr, ceiling: Addr): Addr | undefined {
    let gapEnd = ceiling;
    for (let index = this.regions.length - 1; index >= 0; index -= 1) {
      const region = this.regions[index];
      if (region === undefined) continue;
      const gapStart = Math.max(region.end, floor);
      if (gapEnd - gapStart >= lengthBytes) return gapEnd - lengthBytes;
      gapEnd = Math.min(gapEnd, region.start);
      if (gapEnd <= floor) return undefined;
    }
    return gapEnd - floor >= lengthBytes ? gapEnd - lengthBytes : undefined;
  }

  /** Adds a mapping. pre: it overlaps no live mapping. */
  insert(region: Region): void {
    const index = this.lastIndexStartingAtOrBelow(region.start) + 1;
    this.regions.splice(index, 0, region);
    this.mappedBytes += region.end - region.start;
  }

  /** Removes every mapped byte in `[start, end)`, keeping the rest of each affected mapping. */
  unmap(start: Addr, end: Addr, onReleased?: (region: Region) => void): void {
    let index = Math.max(0, this.lastIndexStartingAtOrBelow(start));
    while (index < this.regions.length) {
      const region = this.regions[index];
      if (region === undefined || region.start >= end) break;
      if (region.end <= start) {
        index += 1;
        continue;
      }
      const kept: Region[] = [];
      if (region.start < start) kept.push(slice(region, region.start, start));
      if (end < region.end) kept.push(slice(region, end, region.end));
      this.regions.splice(index, 1, ...kept);
      if (kept.length === 0) onReleased?.(region);
      this.mappedBytes -= region.end - region.start;
      for (const piece of kept) this.mappedBytes += piece.end - piece.start;
      index += kept.length;
    }
    this.lastHit = undefined;
  }

  /** The live mappings as plain records, sorted by address. */
  list(): SimMapping[] {
    return this.regions.map((region) => ({ addr: region.start, lengthBytes: region.end - region.start }));
  }

  /** Index of the last region whose start is `<= addr`, or -1. */
  private lastIndexStartingAtOrBelow(addr: Addr): number {
    let low = 0;
    let high = this.regions.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const region = this.regions[middle];
      if (region !== undefined && region.start <= addr) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }
}

/** A new region holding a copy of `[start, end)` of `region` (its own buffer, so the rest can be freed). */
function slice(region: Region, start: Addr, end: Addr): Region {
  return new Region(start, end, region.bytes.slice(start - region.start, end - region.start));
}
