// Recycles the byte buffers of unmapped regions for later mappings. Allocating a fresh zeroed buffer
// per mmap (and collecting it after munmap) dominated realloc-heavy workloads: the host faults in
// every page of a fresh buffer on first touch. A recycled buffer at least as long as the mapping is
// used from its start, zeroed with one fill over the mapped length. One pool serves every address
// space of the thread (a released one gives its mappings back) and holds at most a fixed number of bytes.
// A fresh buffer is allocated with room to spare (the next power of two), so that a mapping a little
// longer than one just unmapped, as a growing realloc makes, can reuse its buffer; the spare bytes are
// never part of a region, and the host only commits the pages that are touched.
import { tryAllocateBytes } from "./region.js";

/** The most bytes kept for reuse. */
const MAX_POOLED_BYTES = 64 * 1024 * 1024;

export class BufferPool {
  /** Whole buffers, by length, shortest first. Their contents are garbage until taken. */
  private readonly kept: Uint8Array[] = [];
  private pooledBytes = 0;

  /**
   * `lengthBytes` zeroed bytes at the start of the shortest pooled buffer that holds them, or of a
   * fresh buffer; `null` when the host refuses.
   */
  take(lengthBytes: number): Uint8Array | null {
    const index = this.firstAtLeast(lengthBytes);
    if (index === this.kept.length) return allocateWithSpare(lengthBytes);
    const [recycled] = this.kept.splice(index, 1);
    this.pooledBytes -= recycled!.length;
    const bytes = recycled!.length === lengthBytes ? recycled! : recycled!.subarray(0, lengthBytes);
    bytes.fill(0);
    return bytes;
  }

  /** Offers the bytes of a region nobody references any more; their whole buffer is kept if it starts there and the pool has room. */
  give(bytes: Uint8Array): void {
    if (bytes.byteOffset !== 0) return;
    const whole = bytes.length === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes.buffer);
    if (this.pooledBytes + whole.length > MAX_POOLED_BYTES) return;
    this.kept.splice(this.firstAtLeast(whole.length), 0, whole);
    this.pooledBytes += whole.length;
  }

  /** Index of the first kept buffer of at least `lengthBytes` (binary search), or `kept.length`. */
  private firstAtLeast(lengthBytes: number): number {
    let low = 0;
    let high = this.kept.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.kept[middle]!.length < lengthBytes) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** `lengthBytes` zeroed bytes at the start of a fresh buffer of the next power of two (up to the pool's size), or exactly as long; `null` when the host refuses. */
function allocateWithSpare(lengthBytes: number): Uint8Array | null {
  const capacity = 2 ** Math.ceil(Math.log2(lengthBytes));
  if (capacity > lengthBytes && capacity <= MAX_POOLED_BYTES) {
    const spacious = tryAllocateBytes(capacity);
    if (spacious !== null) return spacious.subarray(0, lengthBytes);
  }
  return tryAllocateBytes(lengthBytes);
}

/** The pool every simulated address space of this thread shares. */
export const SHARED_BUFFER_POOL = new BufferPool();
