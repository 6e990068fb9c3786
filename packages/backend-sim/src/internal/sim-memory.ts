// `Memory` over the simulated address space: little-endian access to the heap and live mappings.
// Hot path: an access wholly inside the heap (checked first) or inside one mapping goes straight to
// that region's DataView. Anything else takes the slow path, which either splits the access across
// adjacent regions or throws SegmentationFault before touching a single byte.
import { SegmentationFault, type Addr, type Memory, type MemoryWindow } from "@osmem/syscalls";
import type { MappingTable } from "./mapping-table.js";
import type { Region } from "./region.js";

const TWO_POW_32 = 2 ** 32;
/** Typed arrays use the host's byte order; windows are offered only where it is little-endian. */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** One piece of a slow-path access: `count` bytes of `region` starting at buffer index `offset`. */
interface Segment {
  readonly region: Region;
  readonly offset: number;
  readonly count: number;
}

/** A {@link MemoryWindow} whose length the memory may update (its users see it read-only). */
type MutableWindow = { -readonly [K in keyof MemoryWindow]: MemoryWindow[K] };

/** The simulated process memory. Holds no state of its own beyond a scratch buffer for split accesses. */
export class SimMemory implements Memory {
  private readonly scratchBytes = new Uint8Array(8);
  private readonly scratchView = new DataView(this.scratchBytes.buffer);
  /**
   * The heap's window as last handed out, and the heap's generation it was made for (-1: none yet).
   * A brk that keeps the buffer updates its length in place: the old length was valid only until that
   * brk (see {@link Memory.windowAt}), and a new object per brk was most of what a `brk` allocated.
   */
  private heapWindow: MutableWindow | undefined = undefined;
  private heapWindowGeneration = -1;

  constructor(
    private readonly heap: Region,
    private readonly mappings: MappingTable,
  ) {}

  readU8(addr: Addr): number {
    const region = this.locate(addr, 1);
    if (region !== undefined) return region.bytes[addr - region.start] ?? 0;
    return this.gather(addr, 1, "read").getUint8(0);
  }

  writeU8(addr: Addr, value: number): void {
    const region = this.locate(addr, 1);
    if (region !== undefined) region.bytes[addr - region.start] = value;
    else this.scatter(addr, 1, "write", (view) => view.setUint8(0, value));
  }

  readU32(addr: Addr): number {
    const region = this.locate(addr, 4);
    if (region !== undefined) return region.view.getUint32(addr - region.start, true);
    return this.gather(addr, 4, "read").getUint32(0, true);
  }

  writeU32(addr: Addr, value: number): void {
    const region = this.locate(addr, 4);
    if (region !== undefined) region.view.setUint32(addr - region.start, value, true);
    else this.scatter(addr, 4, "write", (view) => view.setUint32(0, value, true));
  }

  readI32(addr: Addr): number {
    const region = this.locate(addr, 4);
    if (region !== undefined) return region.view.getInt32(addr - region.start, true);
    return this.gather(addr, 4, "read").getInt32(0, true);
  }

  writeI32(addr: Addr, value: number): void {
    const region = this.locate(addr, 4);
    if (region !== undefined) region.view.setInt32(addr - region.start, value, true);
    else this.scatter(addr, 4, "write", (view) => view.setInt32(0, value, true));
  }

  /** Values of 2^53 or more come back rounded (still >= 2^53), so `Number.isSafeInteger` detects them. */
  readU64(addr: Addr): number {
    const region = this.locate(addr, 8);
    const view = region !== undefined ? region.view : this.gather(addr, 8, "read");
    const offset = region !== undefined ? addr - region.start : 0;
    return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * TWO_POW_32;
  }

  /** Throws `RangeError` unless `value` is an integer in `[0, 2^53 - 1]`; memory is then untouched. */
  writeU64(addr: Addr, value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`writeU64: ${value} is not an integer in [0, 2^53 - 1]`);
    }
    const low = value >>> 0;
    const high = (value - low) / TWO_POW_32;
    const region = this.locate(addr, 8);
    if (region !== undefined) {
      const offset = addr - region.start;
      region.view.setUint32(offset, low, true);
      region.view.setUint32(offset + 4, high, true);
    } else {
      this.scatter(addr, 8, "write", (view) => {
        view.setUint32(0, low, true);
        view.setUint32(4, high, true);
      });
    }
  }

  readBytes(addr: Addr, lengthBytes: number): Uint8Array {
    checkLength(lengthBytes, "readBytes");
    if (lengthBytes === 0) return new Uint8Array(0);
    const region = this.locate(addr, lengthBytes);
    if (region !== undefined) return region.bytes.slice(addr - region.start, addr - region.start + lengthBytes);
    const out = new Uint8Array(lengthBytes);
    let written = 0;
    for (const { region: piece, offset, count } of this.segments(addr, lengthBytes, "read")) {
      out.set(piece.bytes.subarray(offset, offset + count), written);
      written += count;
    }
    return out;
  }

  writeBytes(addr: Addr, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const region = this.locate(addr, bytes.length);
    if (region !== undefined) {
      region.bytes.set(bytes, addr - region.start);
      return;
    }
    let read = 0;
    for (const { region: piece, offset, count } of this.segments(addr, bytes.length, "write")) {
      piece.bytes.set(bytes.subarray(read, read + count), offset);
      read += count;
    }
  }

  fill(addr: Addr, lengthBytes: number, value: number): void {
    checkLength(lengthBytes, "fill");
    if (lengthBytes === 0) return;
    const byte = value & 0xff;
    const region = this.locate(addr, lengthBytes);
    if (region !== undefined) {
      region.bytes.fill(byte, addr - region.start, addr - region.start + lengthBytes);
      return;
    }
    for (const { region: piece, offset, count } of this.segments(addr, lengthBytes, "write")) {
      piece.bytes.fill(byte, offset, offset + count);
    }
  }

  copy(dst: Addr, src: Addr, lengthBytes: number): void {
    checkLength(lengthBytes, "copy");
    if (lengthBytes === 0) return;
    const from = this.locate(src, lengthBytes);
    const to = from === undefined ? undefined : this.locate(dst, lengthBytes);
    if (from === undefined || to === undefined) {
      this.segments(dst, lengthBytes, "write");
      this.writeBytes(dst, this.readBytes(src, lengthBytes));
      return;
    }
    const srcOffset = src - from.start;
    const dstOffset = dst - to.start;
    if (from === to) from.bytes.copyWithin(dstOffset, srcOffset, srcOffset + lengthBytes);
    else to.bytes.set(from.bytes.subarray(srcOffset, srcOffset + lengthBytes), dstOffset);
  }

  /** A window over the heap when `addr` is inside it; mappings offer none. */
  windowAt(addr: Addr): MemoryWindow | undefined {
    const heap = this.heap;
    if (!HOST_IS_LITTLE_ENDIAN || !(addr >= heap.start && addr < heap.end)) return undefined;
    if (this.heapWindowGeneration !== heap.generation) {
      const lengthBytes = Math.min(Math.floor((heap.end - heap.start) / 8) * 8, TWO_POW_32);
      const window = this.heapWindow;
      if (window !== undefined && window.u32 === heap.words && window.base === heap.start) window.lengthBytes = lengthBytes;
      else this.heapWindow = { base: heap.start, lengthBytes, u32: heap.words, i32: heap.signedWords };
      this.heapWindowGeneration = heap.generation;
    }
    return this.heapWindow;
  }

  /**
   * Changes whenever the heap's end or buffer changes (a `brk` by anyone, a buffer regrowth, the
   * backend's release): only the heap has windows. Mappings coming and going leave it alone.
   */
  get windowEpoch(): number {
    return this.heap.generation;
  }

  /** The region holding all of `[addr, addr + lengthBytes)`, or `undefined` (slow path). The heap is tried first. */
  private locate(addr: Addr, lengthBytes: number): Region | undefined {
    if (!Number.isInteger(addr)) return undefined;
    const heap = this.heap;
    if (addr >= heap.start && addr + lengthBytes <= heap.end) return heap;
    return this.mappings.find(addr, lengthBytes);
  }

  /** The region containing the byte at `addr`, or `undefined`. */
  private regionAt(addr: Addr): Region | undefined {
    const heap = this.heap;
    if (addr >= heap.start && addr < heap.end) return heap;
    return this.mappings.regionAt(addr);
  }

  /**
   * Splits `[addr, addr + lengthBytes)` into per-region segments. Throws `RangeError` for an address
   * that is not a safe integer, and `SegmentationFault` (before any byte moves) when a byte is unmapped.
   */
  private segments(addr: Addr, lengthBytes: number, what: string): Segment[] {
    if (!Number.isSafeInteger(addr)) throw new RangeError(`${what}: address ${addr} is not an integer`);
    const pieces: Segment[] = [];
    const end = addr + lengthBytes;
    let cursor = addr;
    while (cursor < end) {
      const region = this.regionAt(cursor);
      if (region === undefined) throw new SegmentationFault(addr, lengthBytes, what);
      const count = Math.min(region.end, end) - cursor;
      pieces.push({ region, offset: cursor - region.start, count });
      cursor += count;
    }
    return pieces;
  }

  /** Copies a split access of up to 8 bytes into the scratch buffer and returns a view of it. */
  private gather(addr: Addr, lengthBytes: number, what: string): DataView {
    let written = 0;
    for (const { region, offset, count } of this.segments(addr, lengthBytes, what)) {
      this.scratchBytes.set(region.bytes.subarray(offset, offset + count), written);
      written += count;
    }
    return this.scratchView;
  }

  /** Encodes a split write of up to 8 bytes in the scratch buffer, then stores it across regions. */
  private scatter(addr: Addr, lengthBytes: number, what: string, encode: (view: DataView) => void): void {
    const pieces = this.segments(addr, lengthBytes, what);
    encode(this.scratchView);
    let read = 0;
    for (const { region, offset, count } of pieces) {
      region.bytes.set(this.scratchBytes.subarray(read, read + count), offset);
      read += count;
    }
  }
}

/** Rejects a length that is not a non-negative safe integer with `RangeError`. */
function checkLength(lengthBytes: number, what: string): void {
  if (!Number.isSafeInteger(lengthBytes) || lengthBytes < 0) {
    throw new RangeError(`${what}: length ${lengthBytes} is not a non-negative integer`);
  }
}
