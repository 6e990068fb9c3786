import { describe, expect, it } from "vitest";
import { createSimBackend } from "./create-sim-backend.js";

describe("a break moved by someone else", () => {
  it("is visible through peekBreak and never logged or observed", () => {
    const backend = createSimBackend();
    const seen: string[] = [];
    backend.observer = (e) => seen.push(e.kind);
    const start = backend.initialBreak;
    expect(backend.moveBreakExternally(start + 4096)).toEqual({ ok: true, value: start + 4096 });
    expect(backend.peekBreak()).toBe(start + 4096);
    expect(backend.currentBreak).toBe(start + 4096);
    expect(backend.log).toEqual([]);
    expect(seen).toEqual([]);
    expect(backend.callCounts).toEqual({ brk: 0, mmap: 0, munmap: 0 });
    backend.memory.writeU64(start + 4088, 7);
    expect(backend.memory.readU64(start + 4088)).toBe(7);
  });

  it("obeys the same limits as brk", () => {
    const backend = createSimBackend({ memoryLimitBytes: 8192 });
    expect(backend.moveBreakExternally(backend.initialBreak + 16384)).toEqual({ ok: false, errno: "ENOMEM" });
    expect(backend.peekBreak()).toBe(backend.initialBreak);
  });
});

describe("recycled mapping buffers", () => {
  it("read as zero when a mapping of the same length reuses an unmapped one's bytes", () => {
    const backend = createSimBackend();
    const first = backend.mmap(8192);
    if (!first.ok) throw new Error("mmap failed");
    backend.memory.fill(first.value, 8192, 0xee);
    backend.munmap(first.value, 8192);
    const second = backend.mmap(8192);
    if (!second.ok) throw new Error("mmap failed");
    expect([...backend.memory.readBytes(second.value, 8192)].every((b) => b === 0)).toBe(true);
  });
});
