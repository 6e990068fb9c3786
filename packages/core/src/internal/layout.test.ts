import { describe, expect, it } from "vitest";
import { ALIGN, BlockStatus, HEADER_BYTES } from "../api.js";
import { OFF_NEXT, OFF_PREV, OFF_SIZE, OFF_STATUS } from "../block-header.js";
import { Layout, Status } from "./layout.js";

describe("the inlined layout constants", () => {
  it("agree with the public constants", () => {
    expect([Layout.HeaderBytes, Layout.Align]).toEqual([HEADER_BYTES, ALIGN]);
    expect([Layout.OffSize, Layout.OffStatus, Layout.OffPrev, Layout.OffNext]).toEqual([OFF_SIZE, OFF_STATUS, OFF_PREV, OFF_NEXT]);
    expect([Status.Free, Status.Alloc, Status.Mapped, Status.Slab]).toEqual([BlockStatus.Free, BlockStatus.Alloc, BlockStatus.Mapped, BlockStatus.Slab]);
  });

  it("derive from each other as the header layout says", () => {
    expect(Layout.HeaderWords * 4).toBe(HEADER_BYTES);
    expect(Layout.OffFreeTag).toBe(HEADER_BYTES);
    expect(Layout.MinSplitRemainder).toBe(HEADER_BYTES + ALIGN);
    expect(Layout.HighWordUnit).toBe(2 ** 32);
  });
});
