// Memory behaviour specific to the simulator, driven through the public API: faults carry the
// access's first address and length, accesses may cross the seam between adjacent regions, and
// malformed addresses or lengths are RangeErrors rather than silent truncation.
import { SegmentationFault, NULL } from "@osmem/syscalls";
import { describe, expect, it } from "vitest";
import { createSimBackend } from "../index.js";

const PAGE = 4096;

function catchFault(access: () => unknown): SegmentationFault {
  try {
    access();
  } catch (error) {
    if (error instanceof SegmentationFault) return error;
    throw error;
  }
  throw new Error("expected a SegmentationFault");
}

describe("SegmentationFault", () => {
  it("carries the first address and the length of the access", () => {
    const backend = createSimBackend();
    const fault = catchFault(() => backend.memory.readU64(NULL));
    expect(fault.addr).toBe(NULL);
    expect(fault.lengthBytes).toBe(8);
    const end = backend.initialBreak;
    const straddle = catchFault(() => backend.memory.readBytes(end - 3, 10));
    expect(straddle.addr).toBe(end - 3);
    expect(straddle.lengthBytes).toBe(10);
  });

  it("leaves memory untouched when a write straddles into an unmapped page", () => {
    const backend = createSimBackend();
    const addr = backend.mmap(2 * PAGE);
    if (!addr.ok) throw new Error("mmap failed");
    backend.munmap(addr.value + PAGE, PAGE);
    const last = addr.value + PAGE - 4;
    expect(() => backend.memory.writeBytes(last, new Uint8Array(8).fill(7))).toThrow(SegmentationFault);
    expect(() => backend.memory.writeU64(last, 2 ** 40)).toThrow(SegmentationFault);
    expect(backend.memory.readU32(last)).toBe(0);
  });
});

describe("adjacent regions", () => {
  it("lets values and byte ranges cross the seam between two adjacent mappings", () => {
    const backend = createSimBackend();
    const upper = backend.mmap(PAGE);
    const lower = backend.mmap(PAGE);
    if (!upper.ok || !lower.ok) throw new Error("mmap failed");
    const seam = upper.value;
    expect(lower.value + PAGE).toBe(seam);
    backend.memory.writeU64(seam - 3, 2 ** 53 - 1);
    expect(backend.memory.readU64(seam - 3)).toBe(2 ** 53 - 1);
    backend.memory.writeI32(seam - 2, -5);
    expect(backend.memory.readI32(seam - 2)).toBe(-5);
    backend.memory.fill(seam - 100, 200, 0x3c);
    expect(backend.memory.readBytes(seam - 100, 200).every((byte) => byte === 0x3c)).toBe(true);
    backend.memory.copy(seam - 50, seam - 60, 100);
    expect(backend.memory.readU8(seam + 49)).toBe(0x3c);
  });

  it("lets an access cross from a page-aligned break into a mapping placed right above it", () => {
    const heapStart = 0x10_000;
    const backend = createSimBackend({ heapStart, mmapBase: heapStart + 2 * PAGE });
    backend.brk(heapStart + PAGE);
    const mapped = backend.mmap(PAGE);
    expect(mapped).toEqual({ ok: true, value: heapStart + PAGE });
    backend.memory.writeU32(heapStart + PAGE - 2, 0xa1b2c3d4);
    expect(backend.memory.readU32(heapStart + PAGE - 2)).toBe(0xa1b2c3d4);
  });
});

describe("value edge cases", () => {
  it("reads a u64 of 2^53 or more as a value Number.isSafeInteger rejects", () => {
    const backend = createSimBackend();
    backend.brk(backend.initialBreak + 16);
    backend.memory.fill(backend.initialBreak, 8, 0xff);
    const value = backend.memory.readU64(backend.initialBreak);
    expect(Number.isSafeInteger(value)).toBe(false);
    expect(value).toBeGreaterThanOrEqual(2 ** 53);
  });

  it("rejects addresses that are not integers with RangeError", () => {
    const backend = createSimBackend();
    backend.brk(backend.initialBreak + 16);
    expect(() => backend.memory.readU32(backend.initialBreak + 0.5)).toThrow(RangeError);
    expect(() => backend.memory.writeU8(Number.NaN, 1)).toThrow(RangeError);
  });

  it("rejects lengths that are not non-negative integers with RangeError", () => {
    const backend = createSimBackend();
    backend.brk(backend.initialBreak + 16);
    expect(() => backend.memory.readBytes(backend.initialBreak, -1)).toThrow(RangeError);
    expect(() => backend.memory.fill(backend.initialBreak, 1.5, 0)).toThrow(RangeError);
    expect(() => backend.memory.copy(backend.initialBreak, backend.initialBreak, Number.NaN)).toThrow(RangeError);
  });

  it("treats zero-length operations as no-ops anywhere, like memcpy with n = 0", () => {
    const backend = createSimBackend();
    expect(backend.memory.readBytes(NULL, 0)).toEqual(new Uint8Array(0));
    expect(() => backend.memory.writeBytes(NULL, new Uint8Array(0))).not.toThrow();
    expect(() => backend.memory.fill(NULL, 0, 1)).not.toThrow();
    expect(() => backend.memory.copy(NULL, NULL, 0)).not.toThrow();
  });
});
