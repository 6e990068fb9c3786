import { describe, expect, it } from "vitest";
import { BlockStarts } from "./block-starts.js";

const BASE = 0x5555_5555_0000;

describe("BlockStarts", () => {
  it("holds exactly the addresses added and not deleted", () => {
    const starts = new BlockStarts();
    starts.reset(BASE);
    starts.cover(BASE + 512);
    for (const offset of [0, 40, 80, 248, 256, 264]) starts.add(BASE + offset);
    starts.delete(BASE + 80);
    expect([...starts.addresses()]).toEqual([0, 40, 248, 256, 264].map((offset) => BASE + offset));
    expect(starts.has(BASE + 40)).toBe(true);
    expect(starts.has(BASE + 80)).toBe(false);
    expect(starts.has(BASE + 48)).toBe(false);
  });

  it("answers no beyond what it covers, and grows when asked to cover more", () => {
    const starts = new BlockStarts();
    starts.reset(BASE);
    starts.cover(BASE + 32);
    starts.add(BASE);
    const far = BASE + 64 * 1024 * 1024 + 8;
    expect(starts.has(far)).toBe(false);
    starts.cover(far + 32);
    expect(starts.has(far)).toBe(false);
    starts.add(far);
    expect(starts.has(far)).toBe(true);
    expect(starts.has(BASE)).toBe(true);
    expect([...starts.addresses()]).toEqual([BASE, far]);
  });

  it("keeps the right bit for blocks more than 4 GiB above the base", () => {
    const starts = new BlockStarts();
    starts.reset(BASE);
    const high = BASE + 2 ** 32 + 8 * 5;
    starts.cover(high + 32);
    starts.add(high);
    expect(starts.has(high)).toBe(true);
    expect(starts.has(high - 8)).toBe(false);
    expect(starts.has(BASE + 8 * 5)).toBe(false);
    expect([...starts.addresses()]).toEqual([high]);
  });

  it("forgets everything on reset", () => {
    const starts = new BlockStarts();
    starts.reset(BASE);
    starts.cover(BASE + 64);
    starts.add(BASE + 32);
    starts.reset(BASE + 32);
    expect(starts.has(BASE + 32)).toBe(false);
    expect([...starts.addresses()]).toEqual([]);
  });
});
