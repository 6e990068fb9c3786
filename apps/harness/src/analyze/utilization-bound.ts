// An upper bound on peak utilization that no allocator keeping a header per block can beat on a
// trace: at every moment each live block needs its aligned payload plus its header, so the peak
// footprint is at least the largest such sum over the trace, and
//
//   peak utilization = peak live bytes ÷ peak footprint ≤ peak live bytes ÷ max_t Σ (align(size) + header).
//
// It tells how much of a low utilization is the header's fault and how much is the allocator's.
import { ALIGN, HEADER_BYTES } from "@osmem/core";
import { RepOpKind, type RepTrace } from "./rep-format.js";

/**
 * The highest peak utilization any allocator with `headerBytes` per block and `align`-byte payloads
 * can reach on `trace` (0 when nothing is ever live). Replays the trace's bookkeeping only: sizes as
 * the parser resolved them, `realloc` replaces the block, a zero-size request holds no block.
 */
export function utilizationBound(trace: RepTrace, headerBytes: number = HEADER_BYTES, align: number = ALIGN): number {
  const live = new Float64Array(trace.idLimit);
  let liveBytes = 0;
  let blockBytes = 0;
  let peakLive = 0;
  let peakBlocks = 0;
  const release = (id: number): void => {
    const size = live[id] ?? 0;
    if (size === 0) return;
    liveBytes -= size;
    blockBytes -= Math.ceil(size / align) * align + headerBytes;
    live[id] = 0;
  };
  for (let i = 0; i < trace.opCount; i += 1) {
    const id = trace.ids[i] ?? -1;
    if (id < 0) continue;
    release(id);
    if (trace.kinds[i] !== RepOpKind.Free) {
      const size = trace.sizes[i] ?? 0;
      live[id] = size;
      if (size > 0) {
        liveBytes += size;
        blockBytes += Math.ceil(size / align) * align + headerBytes;
      }
    }
    if (liveBytes > peakLive) peakLive = liveBytes;
    if (blockBytes > peakBlocks) peakBlocks = blockBytes;
  }
  return peakBlocks === 0 ? 0 : peakLive / peakBlocks;
}
