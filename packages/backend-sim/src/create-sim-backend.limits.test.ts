// Sim-specific failure paths: the memory limit (ENOMEM with nothing changed), fault injection by
// call number, call counts and the log. Each test builds a fresh backend.
import type { SyscallEvent } from "@osmem/syscalls";
import { describe, expect, it } from "vitest";
import { createSimBackend, type SimBackend } from "./index.js";

const PAGE = 4096;

const okValue = <T>(result: { ok: true; value: T } | { ok: false; errno: string }): T => {
  if (!result.ok) throw new Error(`unexpected ${result.errno}`);
  return result.value;
};

const snapshot = (backend: SimBackend) => ({
  currentBreak: backend.currentBreak,
  mappings: backend.mappings(),
});

describe("memoryLimitBytes", () => {
  it("fails brk and mmap with ENOMEM past the limit and changes nothing", () => {
    const backend = createSimBackend({ memoryLimitBytes: 4 * PAGE });
    const start = backend.initialBreak;
    okValue(backend.brk(start + PAGE + 1));
    okValue(backend.mmap(2 * PAGE));
    const before = snapshot(backend);
    expect(backend.mmap(1)).toEqual({ ok: false, errno: "ENOMEM" });
    expect(backend.brk(start + 2 * PAGE + 1)).toEqual({ ok: false, errno: "ENOMEM" });
    expect(snapshot(backend)).toEqual(before);
    expect(okValue(backend.brk(start + 2 * PAGE))).toBe(start + 2 * PAGE);
    expect(backend.log.filter((event) => !event.result.ok)).toHaveLength(2);
  });

  it("frees budget on munmap and when the break is lowered", () => {
    const backend = createSimBackend({ memoryLimitBytes: 2 * PAGE });
    const addr = okValue(backend.mmap(2 * PAGE));
    expect(backend.brk(backend.initialBreak + 1).ok).toBe(false);
    okValue(backend.munmap(addr, 2 * PAGE));
    okValue(backend.brk(backend.initialBreak + 2 * PAGE));
    expect(backend.mmap(1).ok).toBe(false);
    okValue(backend.brk(backend.initialBreak + PAGE));
    expect(backend.mmap(1).ok).toBe(true);
  });
});

describe("fault injection", () => {
  it.each(["ENOMEM", "EAGAIN"] as const)("fails the nth brk with %s, then works again", (errno) => {
    const backend = createSimBackend();
    backend.injectFault({ syscall: "brk", nth: 2, errno });
    const start = backend.initialBreak;
    okValue(backend.brk(start + 8));
    expect(backend.brk(start + 16)).toEqual({ ok: false, errno });
    expect(backend.currentBreak).toBe(start + 8);
    expect(okValue(backend.brk(start + 16))).toBe(start + 16);
    expect(backend.log[1]).toEqual<SyscallEvent>({ kind: "brk", addr: start + 16, result: { ok: false, errno } });
  });

  it("fails the nth mmap with ENOMEM by default, even for arguments that would be invalid", () => {
    const backend = createSimBackend();
    backend.injectFault({ syscall: "mmap", nth: 1 });
    backend.injectFault({ syscall: "mmap", nth: 3 });
    expect(backend.mmap(PAGE)).toEqual({ ok: false, errno: "ENOMEM" });
    expect(backend.mappings()).toEqual([]);
    expect(backend.mmap(PAGE).ok).toBe(true);
    expect(backend.mmap(0)).toEqual({ ok: false, errno: "ENOMEM" });
    expect(backend.mmap(PAGE).ok).toBe(true);
    expect(backend.log.map((event) => event.result.ok)).toEqual([false, true, false, true]);
  });

  it("fails the nth munmap and leaves the mapping in place", () => {
    const backend = createSimBackend();
    const addr = okValue(backend.mmap(PAGE));
    backend.injectFault({ syscall: "munmap", nth: 1, errno: "EINVAL" });
    expect(backend.munmap(addr, PAGE)).toEqual({ ok: false, errno: "EINVAL" });
    expect(backend.mappings()).toEqual([{ addr, lengthBytes: PAGE }]);
    expect(backend.munmap(addr, PAGE)).toEqual({ ok: true, value: 0 });
    expect(backend.mappings()).toEqual([]);
  });

  it("counts calls per kind since creation", () => {
    const backend = createSimBackend();
    backend.brk(0);
    backend.brk(0);
    backend.injectFault({ syscall: "brk", nth: 3 });
    backend.injectFault({ syscall: "mmap", nth: 1 });
    expect(backend.mmap(1).ok).toBe(false);
    expect(backend.brk(0).ok).toBe(false);
    expect(backend.callCounts).toEqual({ brk: 3, mmap: 1, munmap: 0 });
  });

  it.each([
    { name: "nth 0", spec: { syscall: "brk", nth: 0 } },
    { name: "fractional nth", spec: { syscall: "brk", nth: 1.5 } },
    { name: "an nth already past", spec: { syscall: "brk", nth: 1 } },
    { name: "an unknown syscall", spec: { syscall: "sbrk", nth: 5 } },
  ] as const)("rejects $name with RangeError", ({ spec }) => {
    const backend = createSimBackend();
    backend.brk(0);
    expect(() => backend.injectFault(spec as never)).toThrow(RangeError);
  });
});

describe("log, counts and observer", () => {
  it("keeps every call in the log and hands out frozen count snapshots", () => {
    const backend = createSimBackend();
    backend.brk(0);
    backend.mmap(0);
    const counts = backend.callCounts;
    backend.munmap(1, 1);
    expect(counts).toEqual({ brk: 1, mmap: 1, munmap: 0 });
    expect(Object.isFrozen(counts)).toBe(true);
    expect(backend.log.map((event) => event.kind)).toEqual(["brk", "mmap", "munmap"]);
  });

  it("keeps no log with record off but still reports to the observer", () => {
    const backend = createSimBackend({ record: false });
    const seen: SyscallEvent[] = [];
    backend.observer = (event) => seen.push(event);
    backend.brk(0);
    expect(backend.log).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(backend.callCounts.brk).toBe(1);
  });

  it("does not report currentBreak or mappings() queries", () => {
    const backend = createSimBackend();
    void backend.currentBreak;
    backend.mappings();
    expect(backend.log).toEqual([]);
  });
});
