import { createSimBackend } from "@osmem/backend-sim";
import { describe, expect, it } from "vitest";
import { ALIGN, BlockStatus, HEADER_BYTES } from "./api.js";
import * as header from "./block-header.js";

describe("block-header", () => {
  it("lays the header out as the C struct does", () => {
    expect([header.OFF_SIZE, header.OFF_STATUS, header.OFF_PREV, header.OFF_NEXT]).toEqual([0, 8, 16, 24]);
    expect(HEADER_BYTES).toBe(32);
  });

  it("round-trips every field at its offset, little-endian", () => {
    const backend = createSimBackend();
    const start = backend.initialBreak;
    backend.brk(start + 4096);
    const m = backend.memory;
    header.writeHeader(m, start, 2 ** 40 + 8, BlockStatus.Mapped, start + 0x123456780, 2 ** 52);
    expect(header.readSize(m, start)).toBe(2 ** 40 + 8);
    expect(m.readU8(start + header.OFF_SIZE + 5)).toBe(1);
    expect(header.readStatus(m, start)).toBe(BlockStatus.Mapped);
    expect(header.readPrev(m, start)).toBe(start + 0x123456780);
    expect(header.readNext(m, start)).toBe(2 ** 52);
  });

  it("aligns sizes up to 8", () => {
    expect([0, 1, 7, 8, 9, 16, 17].map(header.alignUp)).toEqual([0, 8, 8, 8, 16, 16, 24]);
    expect(header.alignUp(2 ** 50 + 1) % ALIGN).toBe(0);
  });

  it("converts between blocks and payloads", () => {
    expect(header.payloadOf(0x1000)).toBe(0x1000 + HEADER_BYTES);
    expect(header.blockOf(header.payloadOf(0x1000))).toBe(0x1000);
    expect(header.blockEnd(0x1000, 64)).toBe(0x1000 + HEADER_BYTES + 64);
  });
});
