// Small-object slabs: requests up to the shape's `slabMaxBytes` share heap blocks instead of paying a
// 32-byte header each. A slab is an allocated heap block with status Slab whose payload is laid out as
//
//   +0  objectBytes | capacity << 16 (u32)
//   +4  bitmap: one bit per object, set = in use; every bit past `capacity` up to the objects is set
//   then the objects, `objectBytes` apart, from the first 8-aligned address after the bitmap.
//
// The bytes in the heap are the truth about which objects are live; the pool keeps an index beside
// them, as the fit policies do: every slab by address (to find the slab of a pointer by binary search)
// and, per size class, the slabs with room. A slab that empties goes back to the heap as a free block
// at once (keeping one per class for reuse lowered slab-fit's mean peak utilization on the real traces).
import type { Addr, Memory } from "@osmem/syscalls";
import { AllocatorMisuseError, type SlabInfo } from "../api.js";
import { alignUp, blockEnd, payloadOf, readSize } from "../block-header.js";
import type { HeapState } from "./heap-state.js";
import { Layout, Status } from "./layout.js";

/** The slab header at the start of a slab block's payload. */
export const SLAB_HEADER_BYTES = 4;
/** A new slab's objects take at least this many bytes (and at least two objects). */
export const MIN_SLAB_OBJECT_AREA = 256;
/** ... and at most this many, however many objects of the class are live. */
export const MAX_SLAB_OBJECT_AREA = 4096;
/**
 * Between those, a new slab holds this fraction of the objects its class has live: the slabs of a
 * class grow with it, and the newest one, the one most likely to be partly empty, stays small next to
 * the others. Measured on the 13 real-program traces of BENCHMARKS.md (mean peak utilization under
 * slab-fit): 1 86.3%, 1/2 87.5%, 1/4 87.8%, 1/8 88.2%, 1/16 88.5%, 1/32 88.2%, 0 (always the
 * smallest slab) 85.6%.
 */
export const SLAB_GROWTH = 1 / 16;

const FULL_WORD = 0xffffffff;

/** One slab: where it is and what it holds. The index's copy of the slab header, plus counts. */
export class Slab {
  // Number fields get a number initializer (docs/architecture.md, "Rules of the hot paths").
  /** Header address of the slab block. */
  readonly block: Addr = 0;
  /** Address of the first object. */
  readonly objects: Addr = 0;
  /** First address past the last object. */
  readonly end: Addr = 0;
  readonly objectBytes: number = 0;
  readonly capacity: number = 0;
  /** Address of the bitmap's first word. */
  readonly bitmap: Addr = 0;
  /** Objects in use. */
  live = 0;
  /** Every bitmap word before this one is full. */
  hint = 0;
  /** Index in its class's list of slabs with room, or -1. */
  roomSlot = -1;

  constructor(block: Addr, objectBytes: number, capacity: number) {
    this.block = block;
    this.objectBytes = objectBytes;
    this.capacity = capacity;
    this.bitmap = payloadOf(block) + SLAB_HEADER_BYTES;
    this.objects = payloadOf(block) + metadataBytes(capacity);
    this.end = this.objects + capacity * objectBytes;
  }
}

/** Bytes of the slab header and the bitmap of `capacity` objects, padded so that objects start 8-aligned. */
const metadataBytes = (capacity: number): number => alignUp(SLAB_HEADER_BYTES + ((capacity + 31) >>> 5) * 4);

/** Payload bytes of a slab block for `capacity` objects of `objectBytes`. */
export const slabPayloadBytes = (objectBytes: number, capacity: number): number => metadataBytes(capacity) + capacity * objectBytes;

/** Index of the lowest clear bit of a word that has one. */
const lowestClearBit = (word: number): number => 31 - Math.clz32(~word & (word + 1));

/** The slabs of one size class. */
class SizeClass {
  readonly objectBytes: number;
  /** Objects of this class in use, over all its slabs. */
  live = 0;
  /** Slabs with room; the last one serves the next request. */
  readonly withRoom: Slab[] = [];
  constructor(objectBytes: number) {
    this.objectBytes = objectBytes;
  }
}

/** What the pool needs from the heap: heap blocks to carve, and a way to give them back. */
export interface SlabBlockSource {
  /** An allocated heap block with a payload of at least `alignedBytes`, or 0 (with `errno` set). */
  allocateBlock(alignedBytes: number): Addr;
  /** Frees an allocated heap block. */
  releaseBlock(block: Addr): void;
}

export class SlabPool {
  readonly maxObjectBytes: number;
  /** Every slab, by block address. */
  readonly slabs: Slab[] = [];
  /** Live objects over all slabs. */
  objects = 0;
  private readonly classes: SizeClass[] = [];
  private readonly s: HeapState;
  private readonly source: SlabBlockSource;
  /** The slab the last pointer lookup found (frees often come in runs from one slab). */
  private recent: Slab | undefined = undefined;

  constructor(s: HeapState, maxObjectBytes: number, source: SlabBlockSource) {
    this.s = s;
    this.maxObjectBytes = maxObjectBytes;
    this.source = source;
    for (let bytes = Layout.Align; bytes <= maxObjectBytes; bytes += Layout.Align) this.classes.push(new SizeClass(bytes));
  }

  /** An object of `alignedBytes` (8..maxObjectBytes), or 0 when no slab has room and the heap cannot give one. */
  allocate(alignedBytes: number): Addr {
    const sizeClass = this.classes[alignedBytes / Layout.Align - 1]!;
    const room = sizeClass.withRoom;
    const slab = room.length > 0 ? room[room.length - 1]! : this.createSlab(sizeClass);
    if (slab === undefined) return 0;
    const h = this.s.headers;
    let w = slab.hint;
    let addr = slab.bitmap + w * 4;
    let word = h.word(addr);
    while (word === FULL_WORD) {
      w += 1;
      addr += 4;
      word = h.word(addr);
    }
    const bit = lowestClearBit(word);
    h.setWord(addr, (word | (1 << bit)) >>> 0);
    slab.hint = w;
    slab.live += 1;
    sizeClass.live += 1;
    this.objects += 1;
    if (slab.live === slab.capacity) removeRoom(room, slab);
    return slab.objects + (w * 32 + bit) * slab.objectBytes;
  }

  /** The slab whose object area holds `ptr`, or undefined (any other pointer, NaN included). */
  find(ptr: Addr): Slab | undefined {
    const recent = this.recent;
    if (recent !== undefined && ptr >= recent.objects && ptr < recent.end) return recent;
    const slabs = this.slabs;
    let low = 0;
    let high = slabs.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const slab = slabs[mid]!;
      if (ptr < slab.objects) high = mid - 1;
      else if (ptr >= slab.end) low = mid + 1;
      else {
        this.recent = slab;
        return slab;
      }
    }
    return undefined;
  }

  /**
   * Frees the object at `ptr` in `slab`. `what` names the call for the error message.
   * @throws AllocatorMisuseError when `ptr` is not an object's start, or the object is not in use.
   */
  release(slab: Slab, ptr: Addr, what: string): void {
    const index = this.indexOf(slab, ptr, what);
    if (!this.isLive(slab, index)) {
      throw new AllocatorMisuseError("double-free", `${what}(0x${ptr.toString(16)}): double free, the ${slab.objectBytes}-byte object is already free`, ptr);
    }
    const h = this.s.headers;
    const w = index >>> 5;
    const addr = slab.bitmap + w * 4;
    h.setWord(addr, (h.word(addr) & ~(1 << (index & 31))) >>> 0);
    if (w < slab.hint) slab.hint = w;
    const sizeClass = this.classes[slab.objectBytes / Layout.Align - 1]!;
    slab.live -= 1;
    sizeClass.live -= 1;
    this.objects -= 1;
    const room = sizeClass.withRoom;
    if (slab.live === 0) {
      this.destroySlab(slab, room);
      return;
    }
    if (slab.roomSlot < 0) {
      slab.roomSlot = room.length;
      room.push(slab);
    }
  }

  /**
   * The index of the object that starts at `ptr` in `slab` (live or not).
   * @throws AllocatorMisuseError when `ptr` is inside an object.
   */
  indexOf(slab: Slab, ptr: Addr, what: string): number {
    const index = (ptr - slab.objects) / slab.objectBytes;
    if (!Number.isInteger(index)) {
      throw new AllocatorMisuseError("invalid-pointer", `${what}(0x${ptr.toString(16)}): not a pointer returned by this heap (it is inside a ${slab.objectBytes}-byte object)`, ptr);
    }
    return index;
  }

  /** True when object `index` of `slab` is in use (its bit is set). */
  isLive(slab: Slab, index: number): boolean {
    return (this.s.headers.word(slab.bitmap + (index >>> 5) * 4) & (1 << (index & 31))) !== 0;
  }

  /** A new slab for `sizeClass`, listed as having room; undefined when the heap cannot give a block. */
  private createSlab(sizeClass: SizeClass): Slab | undefined {
    const objectBytes = sizeClass.objectBytes;
    const fewest = Math.max(2, Math.ceil(MIN_SLAB_OBJECT_AREA / objectBytes));
    const most = Math.max(fewest, Math.floor(MAX_SLAB_OBJECT_AREA / objectBytes));
    const capacity = Math.min(most, Math.max(fewest, Math.floor(sizeClass.live * SLAB_GROWTH)));
    const block = this.source.allocateBlock(slabPayloadBytes(objectBytes, capacity));
    if (block === 0) return undefined;
    const h = this.s.headers;
    h.setStatus(block, Status.Slab);
    const slab = new Slab(block, objectBytes, capacity);
    const header = payloadOf(block);
    h.setWord(header, objectBytes + capacity * 0x10000);
    for (let w = 0, addr = slab.bitmap; addr < slab.objects; w += 1, addr += 4) {
      const objectsInWord = capacity - w * 32;
      h.setWord(addr, objectsInWord >= 32 ? 0 : objectsInWord <= 0 ? FULL_WORD : (FULL_WORD << objectsInWord) >>> 0);
    }
    this.slabs.splice(this.insertionPoint(block), 0, slab);
    slab.roomSlot = sizeClass.withRoom.length;
    sizeClass.withRoom.push(slab);
    return slab;
  }

  /** Takes the empty `slab` out of the index and frees its block. */
  private destroySlab(slab: Slab, room: Slab[]): void {
    if (slab.roomSlot >= 0) removeRoom(room, slab);
    this.slabs.splice(this.insertionPoint(slab.block), 1);
    if (this.recent === slab) this.recent = undefined;
    this.s.headers.setStatus(slab.block, Status.Alloc);
    this.source.releaseBlock(slab.block);
  }

  /** True when `block` is the block of one of the slabs. */
  has(block: Addr): boolean {
    return this.slabs[this.insertionPoint(block)]?.block === block;
  }

  /** The index of the first slab at or after `block`. */
  private insertionPoint(block: Addr): number {
    let low = 0;
    let high = this.slabs.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.slabs[mid]!.block < block) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /**
   * Checks the index against `inHeap`, the slab blocks the checker found in the heap list, in address
   * order: the same set of blocks, headers and bitmaps that agree with it, live counts that agree with
   * the bitmaps, and the lists of slabs with room. Reads memory through {@link Memory} only.
   */
  check(inHeap: readonly Addr[], report: (code: string, addr: Addr, message: string) => void): void {
    const m = this.s.memory;
    const hex = (addr: Addr): string => `0x${addr.toString(16)}`;
    if (inHeap.length !== this.slabs.length || inHeap.some((block, i) => this.slabs[i]!.block !== block)) {
      report("slab-index", 0, `the heap holds ${inHeap.length} slab block(s) but the slab index lists ${this.slabs.length}, or in another order`);
      return;
    }
    let objects = 0;
    const classLive = new Map<number, number>();
    for (const slab of this.slabs) {
      const { objectBytes, capacity, liveObjects } = readSlab(m, slab.block);
      if (objectBytes !== slab.objectBytes || capacity !== slab.capacity) {
        report("slab-header", slab.block, `slab ${hex(slab.block)}: its header says ${objectBytes}-byte objects × ${capacity}, the index ${slab.objectBytes} × ${slab.capacity}`);
        continue;
      }
      if (slab.end > blockEnd(slab.block, readSize(m, slab.block))) report("slab-header", slab.block, `slab ${hex(slab.block)}: its objects run past the block's end`);
      for (let index = capacity; index < ((slab.objects - slab.bitmap) >>> 2) * 32; index += 1) {
        if (!bitIsSet(m, slab.bitmap, index)) report("slab-bitmap", slab.block, `slab ${hex(slab.block)}: bit ${index} past the capacity is clear`);
      }
      const live = liveObjects.length;
      if (live !== slab.live) report("slab-count", slab.block, `slab ${hex(slab.block)}: ${live} object(s) in use in the bitmap, ${slab.live} in the index`);
      const hasRoom = slab.live < slab.capacity;
      const room = this.classes[slab.objectBytes / Layout.Align - 1]?.withRoom;
      if (hasRoom !== (slab.roomSlot >= 0) || (slab.roomSlot >= 0 && room?.[slab.roomSlot] !== slab)) {
        report("slab-room", slab.block, `slab ${hex(slab.block)}: ${hasRoom ? "has room but is not listed" : "is full but listed"} as having room`);
      }
      objects += live;
      classLive.set(slab.objectBytes, (classLive.get(slab.objectBytes) ?? 0) + live);
    }
    if (objects !== this.objects) report("stats", 0, `stats.slabObjects is ${this.objects} but the slabs hold ${objects}`);
    for (const sizeClass of this.classes) {
      if (sizeClass.live !== (classLive.get(sizeClass.objectBytes) ?? 0)) {
        report("slab-count", 0, `size class ${sizeClass.objectBytes}: ${sizeClass.live} live in the index, ${classLive.get(sizeClass.objectBytes) ?? 0} in the slabs`);
      }
    }
  }
}

/** Removes `slab` from its class's list of slabs with room, in O(1) (the last one takes its place). */
function removeRoom(room: Slab[], slab: Slab): void {
  const last = room.pop()!;
  if (last !== slab) {
    room[slab.roomSlot] = last;
    last.roomSlot = slab.roomSlot;
  }
  slab.roomSlot = -1;
}

/** Reads the slab in the slab block at `block` through `m`: its header and the objects its bitmap marks live. */
export function readSlab(m: Memory, block: Addr): SlabInfo {
  const header = m.readU32(payloadOf(block));
  const objectBytes = header & 0xffff;
  const capacity = header >>> 16;
  const bitmap = payloadOf(block) + SLAB_HEADER_BYTES;
  const objectsAddr = payloadOf(block) + metadataBytes(capacity);
  const liveObjects: Addr[] = [];
  for (let index = 0; index < capacity; index += 1) {
    if (bitIsSet(m, bitmap, index)) liveObjects.push(objectsAddr + index * objectBytes);
  }
  return { objectBytes, capacity, objectsAddr, liveObjects };
}

/** True when bit `index` of the bitmap at `bitmap` is set, read through `m`. */
const bitIsSet = (m: Memory, bitmap: Addr, index: number): boolean => (m.readU32(bitmap + (index >>> 5) * 4) & (1 << (index & 31))) !== 0;
