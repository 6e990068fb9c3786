// Recycles the byte buffers of unmapped regions for later mappings of the same length. Allocating a
// fresh zeroed buffer per mmap (and collecting it after munmap) dominated realloc-heavy workloads; a
// recycled buffer is zeroed with one fill instead. Holds at most a fixed number of bytes.
import { tryAllocateBytes } from "./region.js";

/** The most bytes kept for reuse. */
const MAX_POOLED_BYTES = 64 * 1024 * 1024;

export class BufferPool {
  private readonly byLength = new Map<number, Uint8Array[]>();
  private pooledBytes = 0;

  /** A zeroed buffer of `lengthBytes`, recycled when one is pooled; `null` when the host refuses. */
  take(lengthBytes: number): Uint8Array | null {
    const recycled = this.byLength.get(lengthBytes)?.pop();
    if (recycled === undefined) return tryAllocateBytes(lengthBytes);
    this.pooledBytes -= lengthBytes;
    recycled.fill(0);
    return recycled;
  }

  /** Offers a buffer nobody references any more; kept only if it is whole and the pool has room. */
  give(bytes: Uint8Array): void {
    if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) return;
    if (this.pooledBytes + bytes.byteLength > MAX_POOLED_BYTES) return;
    const list = this.byLength.get(bytes.byteLength);
    if (list === undefined) this.byLength.set(bytes.byteLength, [bytes]);
    else list.push(bytes);
    this.pooledBytes += bytes.byteLength;
  }
}
