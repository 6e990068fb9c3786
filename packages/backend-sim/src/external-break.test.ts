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
