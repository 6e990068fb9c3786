// The only module that knows where the fields of a block header live. Everything else reads and
// writes headers through these accessors; nothing outside this file adds a field offset to an address.
//
//  +0  u64 size    payload bytes, a multiple of ALIGN
//  +8  i32 status  FREE 0 | ALLOC 1 | MAPPED 2   (+12: 4 bytes padding)
//  +16 u64 prev    header address of the previous block in the list, 0 if none
//  +24 u64 next    header address of the next block in the list, 0 if none
import type { Addr, Memory } from "@osmem/syscalls";
import { ALIGN, HEADER_BYTES, type BlockStatus } from "./api.js";

/** Byte offset of the `size` field. */
export const OFF_SIZE = 0;
/** Byte offset of the `status` field. */
export const OFF_STATUS = 8;
/** Byte offset of the `prev` field. */
export const OFF_PREV = 16;
/** Byte offset of the `next` field. */
export const OFF_NEXT = 24;

/** Rounds `sizeBytes` up to a multiple of {@link ALIGN}. pre: a non-negative safe integer. */
export const alignUp = (sizeBytes: number): number => Math.ceil(sizeBytes / ALIGN) * ALIGN;

/** The payload address of the block whose header is at `block`. */
export const payloadOf = (block: Addr): Addr => block + HEADER_BYTES;
/** The header address of the block whose payload is at `payload`. */
export const blockOf = (payload: Addr): Addr => payload - HEADER_BYTES;
/** The address just past the block (its header plus `sizeBytes` of payload). */
export const blockEnd = (block: Addr, sizeBytes: number): Addr => block + HEADER_BYTES + sizeBytes;

/** Reads the payload size of `block`. */
export const readSize = (m: Memory, block: Addr): number => m.readU64(block + OFF_SIZE);
/** Writes the payload size of `block`. */
export const writeSize = (m: Memory, block: Addr, sizeBytes: number): void => m.writeU64(block + OFF_SIZE, sizeBytes);
/** Reads the raw status of `block` (not necessarily a valid {@link BlockStatus}). */
export const readStatus = (m: Memory, block: Addr): number => m.readI32(block + OFF_STATUS);
/** Writes the status of `block`. */
export const writeStatus = (m: Memory, block: Addr, status: BlockStatus): void => m.writeI32(block + OFF_STATUS, status);
/** Reads the previous block's header address (0 if none). */
export const readPrev = (m: Memory, block: Addr): Addr => m.readU64(block + OFF_PREV);
/** Writes the previous block's header address. */
export const writePrev = (m: Memory, block: Addr, prev: Addr): void => m.writeU64(block + OFF_PREV, prev);
/** Reads the next block's header address (0 if none). */
export const readNext = (m: Memory, block: Addr): Addr => m.readU64(block + OFF_NEXT);
/** Writes the next block's header address. */
export const writeNext = (m: Memory, block: Addr, next: Addr): void => m.writeU64(block + OFF_NEXT, next);

/** Writes a whole header, padding included. */
export function writeHeader(m: Memory, block: Addr, sizeBytes: number, status: BlockStatus, prev: Addr, next: Addr): void {
  m.writeU64(block + OFF_SIZE, sizeBytes);
  m.writeI32(block + OFF_STATUS, status);
  m.writeI32(block + OFF_STATUS + 4, 0);
  m.writeU64(block + OFF_PREV, prev);
  m.writeU64(block + OFF_NEXT, next);
}

/** True when `value` is a multiple of {@link ALIGN}. */
export const isAligned = (value: number): boolean => value % ALIGN === 0;
