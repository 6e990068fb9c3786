// A two-level bitmap of non-empty size classes: one bit per class and one summary bit per 32-class
// word, so "the first non-empty class at or after c" costs a few word operations whatever the class
// count. Also the exact integer log2 the class mappings need. Pure bit arithmetic; no allocation.

/** floor(log2(n)) for an integer 1 <= n < 2^53, exact (no floating-point rounding near powers of 2). */
export function floorLog2(n: number): number {
  return n < 4294967296 ? 31 - Math.clz32(n) : 63 - Math.clz32(Math.floor(n / 4294967296));
}

// The index of the lowest set bit of a non-zero 32-bit word w is 31 - Math.clz32(w & -w); it is written
// out where it is needed: as a helper function it was a call of its own in the hot paths, which had
// used up V8's inlining budget before reaching it.

/** One bit per class (0 .. classCount-1), set while the class holds a free block. */
export class ClassBitmap {
  /** How many classes the bitmap covers. */
  readonly classCount: number;
  private readonly words: Uint32Array;
  private readonly summary: Uint32Array;

  constructor(classCount: number) {
    this.classCount = classCount;
    this.words = new Uint32Array(Math.ceil(classCount / 32));
    this.summary = new Uint32Array(Math.ceil(this.words.length / 32));
  }

  /** Marks class `index` non-empty. */
  set(index: number): void {
    const word = index >>> 5;
    this.words[word]! |= 1 << (index & 31);
    this.summary[word >>> 5]! |= 1 << (word & 31);
  }

  /** Marks class `index` empty. */
  clear(index: number): void {
    const word = index >>> 5;
    const bits = this.words[word]! & ~(1 << (index & 31));
    this.words[word] = bits;
    if (bits === 0) this.summary[word >>> 5]! &= ~(1 << (word & 31));
  }

  /** True when class `index` is marked non-empty. */
  has(index: number): boolean {
    return (this.words[index >>> 5]! & (1 << (index & 31))) !== 0;
  }

  /** The lowest non-empty class at or after `index`, or -1. */
  nextSetFrom(index: number): number {
    if (index >= this.classCount) return -1;
    const word = index >>> 5;
    const bits = this.words[word]! & (0xffffffff << (index & 31));
    if (bits !== 0) return (word << 5) + 31 - Math.clz32(bits & -bits);
    const nextWord = word + 1;
    if (nextWord >= this.words.length) return -1;
    let group = nextWord >>> 5;
    let groupBits = this.summary[group]! & (0xffffffff << (nextWord & 31));
    while (groupBits === 0) {
      group += 1;
      if (group >= this.summary.length) return -1;
      groupBits = this.summary[group]!;
    }
    const found = (group << 5) + 31 - Math.clz32(groupBits & -groupBits);
    const wordBits = this.words[found]!;
    return (found << 5) + 31 - Math.clz32(wordBits & -wordBits);
  }
}
