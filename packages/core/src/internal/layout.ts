// The header layout and the status codes as enum members, for the code that runs on every call. The
// bundler (esbuild, through tsup) writes an enum member's value into the code that uses it, while a
// module-level `const` becomes a `var` of the bundle, which V8 loads from the module context and
// type-checks at every use: for indexed best fit that was 13% of the instructions of a malloc/free
// pair (1798 -> 1566, counted with valgrind). The public constants (HEADER_BYTES, ALIGN and BlockStatus
// in api.ts, the OFF_* offsets in block-header.ts) keep their names and values; layout.test.ts checks
// that both agree.

/** Sizes and byte offsets of the 32-byte block header (block-header.ts draws it). */
export const enum Layout {
  /** `HEADER_BYTES` (api.ts). */
  HeaderBytes = 32,
  /** The header in 32-bit words. */
  HeaderWords = 8,
  /** `ALIGN` (api.ts). */
  Align = 8,
  OffSize = 0,
  OffStatus = 8,
  OffPrev = 16,
  OffNext = 24,
  /** The free-block tag: the first payload word. */
  OffFreeTag = 32,
  /** The smallest remainder worth splitting off a block: a header plus one aligned unit. */
  MinSplitRemainder = 40,
  /** The value of one unit of a 64-bit field's high word (2^32). */
  HighWordUnit = 4294967296,
}

/** The `BlockStatus` values (api.ts). */
export const enum Status {
  Free = 0,
  Alloc = 1,
  Mapped = 2,
  Slab = 3,
}
