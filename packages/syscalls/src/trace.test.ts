// Unit tests for the tracing helpers: recordSyscalls attaches, chains, nests and detaches through
// the observer slot; countSyscalls tallies events by name.
import { describe, expect, it } from "vitest";
import { MAP_ANONYMOUS, MAP_PRIVATE, PROT_READ, PROT_WRITE, sysFail, sysOk, type Memory, type SyscallBackend, type SyscallEvent } from "./api.js";
import { anonymousMmapEvent, countSyscalls, recordSyscalls } from "./trace.js";

/** A backend whose syscalls only report themselves; enough to drive the observer slot. */
function fakeBackend(): SyscallBackend {
  const unused = (): never => {
    throw new Error("memory is not used by these tests");
  };
  const memory: Memory = {
    readU8: unused, writeU8: unused, readU32: unused, writeU32: unused, readI32: unused, writeI32: unused,
    readU64: unused, writeU64: unused, readBytes: unused, writeBytes: unused, fill: unused, copy: unused,
  };
  const backend: SyscallBackend = {
    pageSize: 4096,
    memory,
    observer: undefined,
    brk(addr) {
      const result = sysOk(0x1000);
      backend.observer?.({ kind: "brk", addr, result });
      return result;
    },
    mmap(lengthBytes) {
      const result = sysFail<number>("ENOMEM");
      backend.observer?.({ kind: "mmap", addr: 0, lengthBytes, prot: 3, flags: 0x22, fd: -1, offset: 0, result });
      return result;
    },
    munmap(addr, lengthBytes) {
      const result = sysOk<0>(0);
      backend.observer?.({ kind: "munmap", addr, lengthBytes, result });
      return result;
    },
  };
  return backend;
}

describe("recordSyscalls", () => {
  it("records every call in order until stopped", () => {
    const backend = fakeBackend();
    const recording = recordSyscalls(backend);
    backend.brk(0);
    backend.mmap(10);
    backend.munmap(0x2000, 10);
    recording.stop();
    backend.brk(0);
    expect(recording.events.map((event) => event.kind)).toEqual(["brk", "mmap", "munmap"]);
    expect(recording.events[1]).toMatchObject({ kind: "mmap", lengthBytes: 10, result: { ok: false, errno: "ENOMEM" } });
  });

  it("restores an absent observer on stop", () => {
    const backend = fakeBackend();
    recordSyscalls(backend).stop();
    expect(backend.observer).toBeUndefined();
  });

  it("chains to the observer that was set before it", () => {
    const backend = fakeBackend();
    const before: SyscallEvent[] = [];
    const previous = (event: SyscallEvent): void => {
      before.push(event);
    };
    backend.observer = previous;
    const recording = recordSyscalls(backend);
    backend.brk(0);
    recording.stop();
    expect(before).toHaveLength(1);
    expect(recording.events).toEqual(before);
    expect(backend.observer).toBe(previous);
  });

  it("nests: an inner recording sees its window, the outer sees everything", () => {
    const backend = fakeBackend();
    const outer = recordSyscalls(backend);
    backend.brk(0);
    const inner = recordSyscalls(backend);
    backend.mmap(1);
    backend.munmap(0x2000, 1);
    inner.stop();
    backend.brk(0);
    outer.stop();
    expect(inner.events.map((event) => event.kind)).toEqual(["mmap", "munmap"]);
    expect(outer.events.map((event) => event.kind)).toEqual(["brk", "mmap", "munmap", "brk"]);
    expect(backend.observer).toBeUndefined();
  });
});

describe("countSyscalls", () => {
  it("is all zeros for no events", () => {
    expect(countSyscalls([])).toEqual({ brk: 0, mmap: 0, munmap: 0 });
  });

  it("counts failed calls too", () => {
    const backend = fakeBackend();
    const recording = recordSyscalls(backend);
    backend.brk(0);
    backend.brk(0x2000);
    backend.mmap(5);
    backend.munmap(0x2000, 5);
    recording.stop();
    expect(countSyscalls(recording.events)).toEqual({ brk: 2, mmap: 1, munmap: 1 });
  });
});

describe("anonymousMmapEvent", () => {
  it("spells the allocator's one mmap call", () => {
    expect(anonymousMmapEvent(4096, sysOk(0x7000))).toEqual({
      kind: "mmap",
      addr: 0,
      lengthBytes: 4096,
      prot: PROT_READ | PROT_WRITE,
      flags: MAP_PRIVATE | MAP_ANONYMOUS,
      fd: -1,
      offset: 0,
      result: { ok: true, value: 0x7000 },
    });
    expect(anonymousMmapEvent(0, sysFail("EINVAL")).result).toEqual({ ok: false, errno: "EINVAL" });
  });
});
