// An open-addressing hash map from block addresses to small positive integers (pool slots), in typed
// arrays: linear probing, Fibonacci hashing, deletion by backward shift (no tombstones), load <= 1/2.
// Lets a policy find its node for a block in O(1) without writing into the heap. Value 0 means absent.
import { InvariantError } from "@osmem/core";

const GOLDEN = 0x9e3779b1;

/** Address (a non-negative integer < 2^53) -> positive 32-bit value. O(1) expected per operation. */
export class AddrMap {
  private keys: Float64Array;
  private values: Int32Array;
  private shift: number;
  private mask: number;
  private entries = 0;

  /** @param initialCapacity a power of two of at least 4 */
  constructor(initialCapacity = 256) {
    this.keys = new Float64Array(initialCapacity);
    this.values = new Int32Array(initialCapacity);
    this.mask = initialCapacity - 1;
    this.shift = 32 - Math.log2(initialCapacity);
  }

  /** How many addresses are mapped. */
  get size(): number {
    return this.entries;
  }

  /** The value stored for `addr`, or 0. */
  get(addr: number): number {
    const keys = this.keys;
    const values = this.values;
    for (let i = this.home(addr); ; i = (i + 1) & this.mask) {
      const value = values[i]!;
      if (value === 0 || keys[i] === addr) return value;
    }
  }

  /** Maps `addr` to `value` (> 0). @throws InvariantError when `addr` is already mapped. */
  add(addr: number, value: number): void {
    if ((this.entries + 1) * 2 > this.values.length) this.grow();
    let i = this.home(addr);
    while (this.values[i] !== 0) {
      if (this.keys[i] === addr) throw new InvariantError(`address 0x${addr.toString(16)} is already indexed`);
      i = (i + 1) & this.mask;
    }
    this.keys[i] = addr;
    this.values[i] = value;
    this.entries += 1;
  }

  /** Unmaps `addr` and returns its value. @throws InvariantError when `addr` is not mapped. */
  delete(addr: number): number {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let hole = this.home(addr);
    while (keys[hole] !== addr || values[hole] === 0) {
      if (values[hole] === 0) throw new InvariantError(`address 0x${addr.toString(16)} is not indexed`);
      hole = (hole + 1) & mask;
    }
    const value = values[hole]!;
    for (let j = (hole + 1) & mask; values[j] !== 0; j = (j + 1) & mask) {
      const home = this.home(keys[j]!);
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        keys[hole] = keys[j]!;
        values[hole] = values[j]!;
        hole = j;
      }
    }
    values[hole] = 0;
    this.entries -= 1;
    return value;
  }

  private home(addr: number): number {
    const low = addr >>> 0;
    const high = (addr / 4294967296) >>> 0;
    const mixed = ((low >>> 3) | (low << 29)) ^ Math.imul(high, 0x85ebca6b);
    return Math.imul(mixed, GOLDEN) >>> this.shift;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const capacity = oldValues.length * 2;
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.shift -= 1;
    this.entries = 0;
    for (let i = 0; i < oldValues.length; i++) if (oldValues[i] !== 0) this.add(oldKeys[i]!, oldValues[i]!);
  }
}
