// Which addresses of the brk heap hold a block header: one bit per 8 bytes from the first block, kept
// in an Int32Array outside the managed memory, where no write through a pointer can reach it. Pointer
// validation asks it whether a pointer's header is a block of this heap; nothing a program writes
// into a payload (a stale header, a forged one with consistent links) can make it say yes. The list
// surgery sets a bit where it writes a new header and clears it where a header becomes payload.
// See docs/decisions/0011-block-starts.md.
import type { Addr } from "@osmem/syscalls";
import { Layout } from "./layout.js";

/** The map's geometry, as enum members so that the bundler writes them into the code (see layout.ts). */
const enum Bitmap {
  /** Heap bytes one 32-bit word of the map covers (32 bits of 8 bytes each). */
  BytesPerWord = 32 * Layout.Align,
  /** Words the map gets when the first block is added. */
  FirstWords = 64,
}
const NO_WORDS = new Int32Array(0);

/**
 * The set of block header addresses of one brk heap, as a bitmap from the first block's address (its
 * base) up to where {@link BlockStarts.cover} was last asked to reach (the break). Memory: one bit per
 * 8 bytes of that span (1/64 of it); it grows by doubling and never shrinks, as the heap never does.
 */
export class BlockStarts {
  private bits: Int32Array = NO_WORDS;
  private base: Addr = 0;

  /** Empties the set and makes `base` (8-aligned) its lowest address: the heap's first block. */
  reset(base: Addr): void {
    this.base = base;
    this.bits = NO_WORDS;
  }

  /** True when `block` was added and not deleted since. pre: `block` is 8-aligned and at least the base. */
  has(block: Addr): boolean {
    const offset = block - this.base;
    const word = (offset / Bitmap.BytesPerWord) | 0;
    // `>>> 3` wraps above 4 GiB, but only whole multiples of 32 bits: the bit within the word stays right.
    return word < this.bits.length && ((this.bits[word]! >>> (offset >>> 3)) & 1) !== 0;
  }

  /**
   * Makes room for every address below `end` (the break, each time it moved up). The list surgery
   * then sets and clears bits without a capacity check of its own, which kept it small enough for V8
   * to inline into the hot paths.
   */
  cover(end: Addr): void {
    const words = Math.ceil((end - this.base) / Bitmap.BytesPerWord);
    if (words > this.bits.length) this.grow(words - 1);
  }

  /** Adds the header address `block`. pre: `block` is 8-aligned, at least the base and covered. */
  add(block: Addr): void {
    const offset = block - this.base;
    this.bits[(offset / Bitmap.BytesPerWord) | 0]! |= 1 << (offset >>> 3);
  }

  /** Removes the header address `block` (its bytes became another block's payload). pre: as {@link add}. */
  delete(block: Addr): void {
    const offset = block - this.base;
    this.bits[(offset / Bitmap.BytesPerWord) | 0]! &= ~(1 << (offset >>> 3));
  }

  /** Every address in the set, lowest first. For the heap checker. */
  *addresses(): IterableIterator<Addr> {
    for (let word = 0; word < this.bits.length; word++) {
      for (let bits = this.bits[word]!; bits !== 0; bits &= bits - 1) {
        const bit = 31 - Math.clz32(bits & -bits);
        yield this.base + word * Bitmap.BytesPerWord + bit * Layout.Align;
      }
    }
  }

  private grow(word: number): void {
    const grown = new Int32Array(Math.max(Bitmap.FirstWords, 2 * this.bits.length, word + 1));
    grown.set(this.bits);
    this.bits = grown;
  }
}
