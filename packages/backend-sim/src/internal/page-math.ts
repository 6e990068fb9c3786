// Page arithmetic on addresses up to 2^53. Division instead of bit masks, because JavaScript's
// bitwise operators truncate to 32 bits and simulated addresses are around 2^47.

/** Rounds `value` up to a multiple of `pageSize` (a power of two). Exact for values below 2^53. */
export const roundUpToPage = (value: number, pageSize: number): number => Math.ceil(value / pageSize) * pageSize;

/** Whether `value` is a multiple of `pageSize`. */
export const isPageAligned = (value: number, pageSize: number): boolean => value % pageSize === 0;

/** Whether `value` is a positive integer power of two. */
export const isPowerOfTwo = (value: number): boolean =>
  Number.isSafeInteger(value) && value > 0 && 2 ** Math.round(Math.log2(value)) === value;
