// Heap buffers of released address spaces, kept zeroed for the next address spaces this thread
// creates. A fresh buffer costs the host a page fault on the first touch of every page (tens of
// microseconds per MiB on some virtual machines), which is the simulator's cost, not the simulated
// program's; a recycled one was zeroed once, when it was released. Holds at most a fixed number of bytes.

/** The most bytes kept for reuse. */
const MAX_KEPT_BYTES = 1024 ** 3;

/** Kept buffers, every byte zero, smallest first. */
const kept: Uint8Array[] = [];
let keptBytes = 0;

/**
 * The largest kept buffer, taken out of the pool, when it holds at least `lengthBytes`; `undefined`
 * otherwise. The largest, because a heap that grows past a smaller buffer would copy itself into the
 * next one (a cost real `brk` never has), and pages of it the heap never reaches cost the host nothing.
 */
export function takeRecycledHeap(lengthBytes: number): Uint8Array | undefined {
  const largest = kept[kept.length - 1];
  if (largest === undefined || largest.length < lengthBytes) return undefined;
  kept.pop();
  keptBytes -= largest.length;
  return largest;
}

/**
 * Offers the buffer of a released heap, whose bytes from `usedBytes` on are already zero. It is
 * zeroed and kept when it fits (smaller buffers make room for it), else dropped.
 */
export function recycleHeap(bytes: Uint8Array, usedBytes: number): void {
  if (bytes.length === 0 || bytes.length > MAX_KEPT_BYTES) return;
  while (kept.length > 0 && keptBytes + bytes.length > MAX_KEPT_BYTES) keptBytes -= kept.shift()!.length;
  bytes.fill(0, 0, Math.min(usedBytes, bytes.length));
  const index = kept.findIndex((other) => other.length >= bytes.length);
  kept.splice(index < 0 ? kept.length : index, 0, bytes);
  keptBytes += bytes.length;
}
