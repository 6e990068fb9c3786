// The only module that knows where the fields of a block header live (their offsets are spelled once
// more, as inlined enum members, in internal/layout.ts). Everything else reads and writes headers
// through these accessors (the heap's hot paths through BlockHeaders, which uses the backend's
// typed-array window when it has one); nothing outside this file adds a field offset to an address.
//
//  +0  u64 size    payload bytes, a multiple of ALIGN
//  +8  i32 status  FREE 0 | ALLOC 1 | MAPPED 2   (+12: 4 bytes padding)
//  +16 u64 prev    header address of the previous block in the list, 0 if none
//  +24 u64 next    header address of the next block in the list, 0 if none
import type { Addr, Memory, MemoryWindow } from "@osmem/syscalls";
import type { BlockStatus } from "./api.js";
import { Layout } from "./internal/layout.js";

/** Byte offset of the `size` field. */
export const OFF_SIZE = 0;
/** Byte offset of the `status` field. */
export const OFF_STATUS = 8;
/** Byte offset of the `prev` field. */
export const OFF_PREV = 16;
/** Byte offset of the `next` field. */
export const OFF_NEXT = 24;

/** Rounds `sizeBytes` up to a multiple of `ALIGN` (8). pre: a non-negative safe integer. */
export const alignUp = (sizeBytes: number): number => Math.ceil(sizeBytes / Layout.Align) * Layout.Align;

/** The payload address of the block whose header is at `block`. */
export const payloadOf = (block: Addr): Addr => block + Layout.HeaderBytes;
/** The header address of the block whose payload is at `payload`. */
export const blockOf = (payload: Addr): Addr => payload - Layout.HeaderBytes;
/** The address just past the block (its header plus `sizeBytes` of payload). */
export const blockEnd = (block: Addr, sizeBytes: number): Addr => block + Layout.HeaderBytes + sizeBytes;

/** Reads the payload size of `block`. */
export const readSize = (m: Memory, block: Addr): number => m.readU64(block + Layout.OffSize);
/** Reads the raw status of `block` (not necessarily a valid {@link BlockStatus}). */
export const readStatus = (m: Memory, block: Addr): number => m.readI32(block + Layout.OffStatus);
/** Reads the previous block's header address (0 if none). */
export const readPrev = (m: Memory, block: Addr): Addr => m.readU64(block + Layout.OffPrev);
/** Reads the next block's header address (0 if none). */
export const readNext = (m: Memory, block: Addr): Addr => m.readU64(block + Layout.OffNext);

/** Writes a whole header, padding included. */
export function writeHeader(m: Memory, block: Addr, sizeBytes: number, status: BlockStatus, prev: Addr, next: Addr): void {
  m.writeU64(block + Layout.OffSize, sizeBytes);
  m.writeI32(block + Layout.OffStatus, status);
  m.writeI32(block + Layout.OffStatus + 4, 0);
  m.writeU64(block + Layout.OffPrev, prev);
  m.writeU64(block + Layout.OffNext, next);
}

/**
 * The two header fields every free and realloc needs, as {@link BlockHeaders.load} reads them, in one
 * reusable record (no allocation per read). The links are read only where they are needed.
 */
export class HeaderRecord {
  sizeBytes = 0;
  /** Raw status (not necessarily a valid {@link BlockStatus}). */
  status = 0;
}
const NO_WORDS = new Uint32Array(0);
const NO_SIGNED_WORDS = new Int32Array(0);

/**
 * The header fields of every block, for the heap's hot paths. Headers inside the backend's window
 * over the heap (see {@link MemoryWindow}) are read and written as typed-array words; every other
 * header (mapped blocks, a backend without windows) goes through {@link Memory}, with the same result.
 * The window must be fetched again with {@link BlockHeaders.refresh} after every brk, mmap or munmap.
 */
export class BlockHeaders {
  readonly memory: Memory;
  /** The window's first address, its length in bytes (0: no window) and its words. */
  private base = 0;
  /**
   * The low 32 bits of `base`: a window spans at most 2^32 bytes, so an address inside it is `base`
   * plus the difference of the low words, modulo 2^32. Read by window-paths.ts; written only here.
   */
  baseLow = 0;
  private lengthBytes = 0;
  /** The window's words, unsigned and signed (empty when there is none). Read by window-paths.ts; written only here. */
  u32: Uint32Array = NO_WORDS;
  i32: Int32Array = NO_SIGNED_WORDS;

  constructor(memory: Memory) {
    this.memory = memory;
  }

  /** Fetches the window over the region holding `addr` (NULL: none), dropping the previous one. */
  refresh(addr: Addr): void {
    const window = addr === 0 || this.memory.windowAt === undefined ? undefined : this.memory.windowAt(addr);
    if (window === undefined) {
      this.base = 0;
      this.baseLow = 0;
      this.lengthBytes = 0;
      this.u32 = NO_WORDS;
      this.i32 = NO_SIGNED_WORDS;
      return;
    }
    // Most refreshes follow a brk that kept the buffer and the base: storing the same values again
    // would still convert the base and pay a write barrier for each array.
    const base = window.base;
    if (base !== this.base) {
      this.base = base;
      this.baseLow = base >>> 0;
    }
    // At most 2^32 bytes, as MemoryWindow promises: the *WordAt link readers depend on it.
    this.lengthBytes = Math.min(window.lengthBytes, Layout.HighWordUnit);
    if (window.u32 !== this.u32) {
      this.u32 = window.u32;
      this.i32 = window.i32;
    }
  }

  /** The index of the first word of `block`'s header in the window, or -1 when it is not inside (or not aligned). */
  private wordOf(block: Addr): number {
    const offset = block - this.base;
    return offset >= 0 && offset <= this.lengthBytes - Layout.HeaderBytes && (offset & (Layout.Align - 1)) === 0 ? offset >>> 2 : -1;
  }

  /** Reads the payload size of `block`. */
  size(block: Addr): number {
    const w = this.wordOf(block);
    return w < 0 ? this.memory.readU64(block + Layout.OffSize) : this.u32[w]! + this.u32[w + 1]! * Layout.HighWordUnit;
  }
  /** Reads the raw status of `block` (not necessarily a valid {@link BlockStatus}). */
  status(block: Addr): number {
    const w = this.wordOf(block);
    return w < 0 ? this.memory.readI32(block + Layout.OffStatus) : this.i32[w + Layout.OffStatus / 4]!;
  }
  /** Reads the previous block's header address (0 if none). */
  prev(block: Addr): Addr {
    const w = this.wordOf(block) + Layout.OffPrev / 4;
    return w < Layout.OffPrev / 4 ? this.memory.readU64(block + Layout.OffPrev) : this.u32[w]! + this.u32[w + 1]! * Layout.HighWordUnit;
  }
  /** Reads the next block's header address (0 if none). */
  next(block: Addr): Addr {
    const w = this.wordOf(block) + Layout.OffNext / 4;
    return w < Layout.OffNext / 4 ? this.memory.readU64(block + Layout.OffNext) : this.u32[w]! + this.u32[w + 1]! * Layout.HighWordUnit;
  }
  /** Reads the size and status of `block`'s header into `into` (one bounds check instead of two). */
  load(block: Addr, into: HeaderRecord): void {
    const w = this.wordOf(block);
    if (w < 0) {
      this.loadFromMemory(block, into);
      return;
    }
    const u32 = this.u32;
    into.sizeBytes = u32[w]! + u32[w + 1]! * Layout.HighWordUnit;
    into.status = this.i32[w + Layout.OffStatus / 4]!;
  }

  /** {@link load} for a header outside the window (kept out of line: a small `load` is inlined where it is hot). */
  private loadFromMemory(block: Addr, into: HeaderRecord): void {
    const m = this.memory;
    into.sizeBytes = readSize(m, block);
    into.status = readStatus(m, block);
  }

  // --- by word index, for hot paths that place a block in the window once and then touch many fields ---

  /** True when the window covers all of `[start, end)`. */
  covers(start: Addr, end: Addr): boolean {
    return this.lengthBytes > 0 && start >= this.base && end <= this.base + this.lengthBytes;
  }
  /**
   * The index in the window of the first header word of `block`, for window-paths.ts and the `*At` readers.
   * pre: `block` is 8-aligned and its header lies inside the window (see {@link covers}).
   */
  wordAt(block: Addr): number {
    // A small integer (a window spans at most 2^32 bytes): `| 0` makes it one for V8 too, so that the
    // word arithmetic and typed-array indexing that follow are integer operations, not float ones.
    return ((block - this.base) / 4) | 0;
  }
  /** The address of the header at word `w` (the inverse of {@link BlockHeaders.wordAt}). */
  addrAt(w: number): Addr {
    return this.base + w * 4;
  }
  /** The previous block's address in the header at word `w`. */
  prevAt(w: number): Addr {
    return this.u32[w + Layout.OffPrev / 4]! + this.u32[w + Layout.OffPrev / 4 + 1]! * Layout.HighWordUnit;
  }
  /** The next block's address in the header at word `w`. */
  nextAt(w: number): Addr {
    return this.u32[w + Layout.OffNext / 4]! + this.u32[w + Layout.OffNext / 4 + 1]! * Layout.HighWordUnit;
  }
  /** Reads the free-block tag of `block` (its first payload word, signed). */
  freeTag(block: Addr): number {
    return this.word(block + Layout.OffFreeTag) | 0;
  }
  /** Writes the free-block tag of `block`. pre: a 32-bit signed integer. */
  setFreeTag(block: Addr, tag: number): void {
    this.setWord(block + Layout.OffFreeTag, tag >>> 0);
  }
  /**
   * Reads the unsigned 32-bit word at `addr`, e.g. a free-block tag or a word of a slab: through the
   * window when it covers `addr` (4-aligned), else through {@link Memory}.
   */
  word(addr: Addr): number {
    const w = this.anyWordOf(addr);
    return w < 0 ? this.memory.readU32(addr) : this.u32[w]!;
  }
  /** Writes the unsigned 32-bit word at `addr`. pre: `0 <= value < 2^32`. */
  setWord(addr: Addr, value: number): void {
    const w = this.anyWordOf(addr);
    if (w < 0) this.memory.writeU32(addr, value);
    else this.u32[w] = value;
  }
  /** The index of the word at `addr` in the window, or -1 when it is not inside (or not 4-aligned). */
  private anyWordOf(addr: Addr): number {
    const offset = addr - this.base;
    return offset >= 0 && offset <= this.lengthBytes - 4 && (offset & 3) === 0 ? offset >>> 2 : -1;
  }
  /** Writes the payload size of `block`. pre: a safe non-negative integer. */
  setSize(block: Addr, sizeBytes: number): void {
    const w = this.wordOf(block);
    if (w < 0) this.memory.writeU64(block + Layout.OffSize, sizeBytes);
    else this.writeU64At(w, sizeBytes);
  }
  /** Writes the status of `block`. */
  setStatus(block: Addr, status: BlockStatus): void {
    const w = this.wordOf(block);
    if (w < 0) this.memory.writeI32(block + Layout.OffStatus, status);
    else this.i32[w + Layout.OffStatus / 4] = status;
  }
  /** Writes the previous block's header address. */
  setPrev(block: Addr, prev: Addr): void {
    const w = this.wordOf(block);
    if (w < 0) this.memory.writeU64(block + Layout.OffPrev, prev);
    else this.writeU64At(w + Layout.OffPrev / 4, prev);
  }
  /** Writes the next block's header address. */
  setNext(block: Addr, next: Addr): void {
    const w = this.wordOf(block);
    if (w < 0) this.memory.writeU64(block + Layout.OffNext, next);
    else this.writeU64At(w + Layout.OffNext / 4, next);
  }
  /** Writes a whole header, padding included. */
  write(block: Addr, sizeBytes: number, status: BlockStatus, prev: Addr, next: Addr): void {
    const w = this.wordOf(block);
    if (w < 0) {
      writeHeader(this.memory, block, sizeBytes, status, prev, next);
      return;
    }
    this.writeU64At(w + Layout.OffSize / 4, sizeBytes);
    this.i32[w + Layout.OffStatus / 4] = status;
    this.i32[w + Layout.OffStatus / 4 + 1] = 0;
    this.writeU64At(w + Layout.OffPrev / 4, prev);
    this.writeU64At(w + Layout.OffNext / 4, next);
  }

  private writeU64At(w: number, value: number): void {
    const low = value >>> 0;
    this.u32[w] = low;
    this.u32[w + 1] = (value - low) / Layout.HighWordUnit;
  }
}

/** True when `value` is a multiple of {@link ALIGN}. */
export const isAligned = (value: number): boolean => value % Layout.Align === 0;
