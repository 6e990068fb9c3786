// `Memory` over the live regions of a native backend: little-endian reads and writes through each
// region's external buffer, with every access bounds-checked against the region set first, so a byte
// outside every live region throws SegmentationFault and real memory is never touched out of bounds.
// Owns the sorted region list; the heap and mapping bookkeeping add and remove regions through it.
import { SegmentationFault, type Addr, type Memory, type MemoryWindow } from "@osmem/syscalls";
import type { Region } from "./region.js";

const TWO_POW_32 = 2 ** 32;
/** Windows are little-endian words; a big-endian host gets none and uses the methods. */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const MAX_U64_EXACT = 2 ** 53 - 1;

/** One region's share of an access: `count` bytes from `offset` within `region`. */
interface Piece {
  readonly region: Region;
  readonly offset: number;
  readonly count: number;
}

/** Scratch space for the rare numeric access that straddles two adjacent regions. */
const scratch = new DataView(new ArrayBuffer(8));
const scratchBytes = new Uint8Array(scratch.buffer);

export class NativeMemory implements Memory {
  /** Live regions sorted by start; they never overlap. */
  private readonly regions: Region[] = [];
  /** The region the last access hit: headers are read in runs, so this hits most of the time. */
  private last: Region | undefined;
  /** See {@link windowEpoch}. */
  private epoch = 0;

  /**
   * Changes whenever {@link windowAt} may answer differently: the backend calls {@link regionsChanged}
   * at each of its syscalls and at dispose, the only times a region is added, resized, detached or
   * removed. Others moving the process break (glibc's malloc) change no region of this backend.
   */
  get windowEpoch(): number {
    return this.epoch;
  }

  /**
   * Records that the regions may change: the next {@link windowEpoch} differs. Called before the change,
   * so that a call that throws midway, having changed a region, still moved the epoch.
   */
  regionsChanged(): void {
    this.epoch += 1;
  }

  add(region: Region): void {
    let index = this.regions.length;
    while (index > 0 && (this.regions[index - 1] as Region).start > region.start) index -= 1;
    this.regions.splice(index, 0, region);
  }

  remove(region: Region): void {
    const index = this.regions.indexOf(region);
    if (index >= 0) this.regions.splice(index, 1);
    if (this.last === region) this.last = undefined;
  }

  /** The region holding all of `[addr, addr + lengthBytes)`, or a SegmentationFault. */
  regionFor(addr: Addr, lengthBytes: number, what: string): Region {
    const cached = this.last;
    if (cached !== undefined && addr >= cached.start && addr + lengthBytes <= cached.end) return cached;
    const region = this.regionAt(addr);
    if (region === undefined || addr + lengthBytes > region.end || !(lengthBytes >= 0)) {
      throw new SegmentationFault(addr, lengthBytes, what);
    }
    this.last = region;
    return region;
  }

  readU8(addr: Addr): number {
    const region = this.regionFor(addr, 1, "read");
    return region.view.getUint8(addr - region.start);
  }

  writeU8(addr: Addr, value: number): void {
    const region = this.regionFor(addr, 1, "write");
    region.view.setUint8(addr - region.start, value);
  }

  readU32(addr: Addr): number {
    const region = this.fastRegion(addr, 4);
    if (region === undefined) return this.readSlow(addr, 4).getUint32(0, true);
    return region.view.getUint32(addr - region.start, true);
  }

  writeU32(addr: Addr, value: number): void {
    const region = this.fastRegion(addr, 4);
    if (region !== undefined) return region.view.setUint32(addr - region.start, value, true);
    scratch.setUint32(0, value, true);
    this.writeSlow(addr, 4);
  }

  readI32(addr: Addr): number {
    const region = this.fastRegion(addr, 4);
    if (region === undefined) return this.readSlow(addr, 4).getInt32(0, true);
    return region.view.getInt32(addr - region.start, true);
  }

  writeI32(addr: Addr, value: number): void {
    const region = this.fastRegion(addr, 4);
    if (region !== undefined) return region.view.setInt32(addr - region.start, value, true);
    scratch.setInt32(0, value, true);
    this.writeSlow(addr, 4);
  }

  readU64(addr: Addr): number {
    const region = this.fastRegion(addr, 8);
    const view = region === undefined ? this.readSlow(addr, 8) : region.view;
    const offset = region === undefined ? 0 : addr - region.start;
    return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * TWO_POW_32;
  }

  writeU64(addr: Addr, value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > MAX_U64_EXACT) {
      throw new RangeError(`writeU64: ${value} is not an integer in [0, 2^53 - 1]`);
    }
    const low = value >>> 0;
    const high = Math.floor(value / TWO_POW_32);
    const region = this.fastRegion(addr, 8);
    if (region !== undefined) {
      const offset = addr - region.start;
      region.view.setUint32(offset, low, true);
      region.view.setUint32(offset + 4, high, true);
      return;
    }
    scratch.setUint32(0, low, true);
    scratch.setUint32(4, high, true);
    this.writeSlow(addr, 8);
  }

  readBytes(addr: Addr, lengthBytes: number): Uint8Array {
    const out = new Uint8Array(lengthBytes);
    let at = 0;
    for (const { region, offset, count } of this.pieces(addr, lengthBytes, "read")) {
      out.set(region.bytes.subarray(offset, offset + count), at);
      at += count;
    }
    return out;
  }

  writeBytes(addr: Addr, bytes: Uint8Array): void {
    let at = 0;
    for (const { region, offset, count } of this.pieces(addr, bytes.length, "write")) {
      region.bytes.set(bytes.subarray(at, at + count), offset);
      at += count;
    }
  }

  fill(addr: Addr, lengthBytes: number, value: number): void {
    for (const { region, offset, count } of this.pieces(addr, lengthBytes, "write")) {
      region.bytes.fill(value & 0xff, offset, offset + count);
    }
  }

  copy(dst: Addr, src: Addr, lengthBytes: number): void {
    const source = this.regionOrUndefined(src, lengthBytes);
    const target = this.regionOrUndefined(dst, lengthBytes);
    if (source !== undefined && source === target) {
      source.bytes.copyWithin(dst - source.start, src - source.start, src - source.start + lengthBytes);
      return;
    }
    this.pieces(dst, lengthBytes, "write");
    this.writeBytes(dst, this.readBytes(src, lengthBytes));
  }

  /**
   * A window over the live region (heap range or mapping) holding `addr`, over the region's external
   * buffer: the words are the process's own memory. `undefined` outside every region, for a region
   * that does not start 8-aligned, and on a big-endian host.
   */
  windowAt(addr: Addr): MemoryWindow | undefined {
    const region = this.regionHolding(addr, 1);
    return HOST_IS_LITTLE_ENDIAN && region !== undefined ? region.window() : undefined;
  }

  /** The last region starting at or below `addr` (binary search), if `addr` lies inside it. */
  private regionAt(addr: Addr): Region | undefined {
    let low = 0;
    let high = this.regions.length - 1;
    let found: Region | undefined;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const candidate = this.regions[middle] as Region;
      if (candidate.start <= addr) {
        found = candidate;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found !== undefined && addr < found.end ? found : undefined;
  }

  private regionOrUndefined(addr: Addr, lengthBytes: number): Region | undefined {
    const region = this.regionAt(addr);
    return region !== undefined && addr + lengthBytes <= region.end ? region : undefined;
  }

  /** The region for a numeric access inside one region; undefined when it straddles two adjacent ones. */
  private fastRegion(addr: Addr, lengthBytes: number): Region | undefined {
    const region = this.regionHolding(addr, lengthBytes);
    if (region === undefined) this.pieces(addr, lengthBytes, "access");
    return region;
  }

  /** The region holding all of `[addr, addr + lengthBytes)`: the last one hit when it does, else a search (remembered). */
  private regionHolding(addr: Addr, lengthBytes: number): Region | undefined {
    const cached = this.last;
    if (cached !== undefined && addr >= cached.start && addr + lengthBytes <= cached.end) return cached;
    const region = this.regionOrUndefined(addr, lengthBytes);
    if (region !== undefined) this.last = region;
    return region;
  }

  /**
   * Splits `[addr, addr + lengthBytes)` over consecutive, touching regions. Throws SegmentationFault
   * (with the access's first address) when any byte is outside every region, before anything is moved.
   */
  private pieces(addr: Addr, lengthBytes: number, what: string): Piece[] {
    if (!Number.isSafeInteger(lengthBytes) || lengthBytes < 0 || !Number.isSafeInteger(addr)) {
      throw new SegmentationFault(addr, lengthBytes, what);
    }
    const out: Piece[] = [];
    let at = addr;
    const end = addr + lengthBytes;
    while (at < end) {
      const region = this.regionAt(at);
      if (region === undefined) throw new SegmentationFault(addr, lengthBytes, what);
      const count = Math.min(end, region.end) - at;
      out.push({ region, offset: at - region.start, count });
      at += count;
    }
    return out;
  }

  private readSlow(addr: Addr, lengthBytes: number): DataView {
    scratchBytes.set(this.readBytes(addr, lengthBytes));
    return scratch;
  }

  private writeSlow(addr: Addr, lengthBytes: number): void {
    this.writeBytes(addr, scratchBytes.slice(0, lengthBytes));
  }
}
