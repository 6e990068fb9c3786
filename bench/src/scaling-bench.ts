// Per-op cost as the heap grows: fill `liveCount` blocks of seeded random sizes 8..512, churn to a
// steady state, then time pairs of (free a random live block, malloc a new random size) for a fixed
// wall-clock budget. One op = one malloc or one free. Linear-time allocators stop at LINEAR_LIMIT.
import type { AllocatorFactory } from "./allocators.js";
import { THING_NAME } from "./allocators.js";

/** Live-block counts measured. */
export const LIVE_COUNTS: readonly number[] = [1e3, 1e4, 1e5, 1e6];
/** Above this many live blocks, allocators that walk every block per op are skipped (minutes per point). */
export const LINEAR_LIMIT = 1e4;
/** Allocators whose per-op cost is O(blocks): best fit walks the block list on every malloc; MemPool walks its lists on free. */
export const LINEAR_ALLOCATORS: readonly string[] = ["best-fit", THING_NAME];

/** One (allocator, live count) point; `nsPerOp` is undefined when skipped. */
export interface ScalingPoint {
  readonly allocator: string;
  readonly liveCount: number;
  readonly nsPerOp: number | undefined;
}

/** Warm-up pairs before timing: one per live block, at most this many. */
const WARM_PAIRS_MAX = 200_000;
const TABLE_BITS = 16;
const TABLE_MASK = (1 << TABLE_BITS) - 1;

/** Seeded xorshift32 tables of sizes (8..512) and picks (0..1), so every allocator sees the same requests. */
function randomTables(seed: number): { sizes: Float64Array; picks: Float64Array } {
  let x = seed | 0;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const sizes = new Float64Array(1 << TABLE_BITS);
  const picks = new Float64Array(1 << TABLE_BITS);
  for (let i = 0; i < sizes.length; i += 1) {
    sizes[i] = 8 + (next() % 505);
    picks[i] = next() / 2 ** 32;
  }
  return { sizes, picks };
}

/** ns per op of `factory` at `liveCount` live blocks, timing churn for about `measureMs`. */
export function measureScaling(factory: AllocatorFactory, liveCount: number, measureMs: number): ScalingPoint {
  if (liveCount > LINEAR_LIMIT && LINEAR_ALLOCATORS.includes(factory.name)) {
    return { allocator: factory.name, liveCount, nsPerOp: undefined };
  }
  const allocator = factory.create({ peakRequestedBytes: liveCount * 520 });
  const { sizes, picks } = randomTables(0x9e3779b9);
  const live = new Float64Array(liveCount);
  for (let i = 0; i < liveCount; i += 1) live[i] = allocator.malloc(sizes[i & TABLE_MASK] ?? 8);
  let step = 0;
  const churn = (pairs: number): void => {
    for (let i = 0; i < pairs; i += 1, step += 1) {
      const slot = Math.floor((picks[step & TABLE_MASK] ?? 0) * liveCount);
      const ptr = live[slot] ?? 0;
      if (ptr !== 0) allocator.free(ptr);
      live[slot] = allocator.malloc(sizes[(step * 7 + 3) & TABLE_MASK] ?? 8);
    }
  };
  churn(Math.min(liveCount, WARM_PAIRS_MAX));
  let pairs = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < measureMs) {
    churn(256);
    pairs += 256;
    elapsed = performance.now() - started;
  }
  allocator.release();
  return { allocator: factory.name, liveCount, nsPerOp: (elapsed * 1e6) / (2 * pairs) };
}
