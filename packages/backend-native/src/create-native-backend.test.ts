// Native-specific behaviour beyond the shared contract: the safety rules (foreign ranges are never
// unmapped, stale views are detached rather than dangling), the real process break and peekBreak,
// the reserved mode's private break, memory windows, event reporting details and option validation.
import { ERRNO_VALUES, SegmentationFault, type Errno, type SyscallEvent } from "@osmem/syscalls";
import { afterEach, expect, it } from "vitest";
import type { NativeBackend, NativeBackendOptions } from "./api.js";
import { isProcessBreakMovable, processBreakBlockedReason } from "./break-probe.js";
import { createNativeBackend } from "./create-native-backend.js";
import { describeNative } from "./internal/describe-native.js";
import { requireBinding } from "./load-binding.js";

const created: NativeBackend[] = [];

function make(options: NativeBackendOptions = {}): NativeBackend {
  const backend = createNativeBackend(options);
  created.push(backend);
  return backend;
}

function unwrap<T>(result: { ok: true; value: T } | { ok: false; errno: Errno }): T {
  if (!result.ok) throw new Error(`unexpected ${result.errno}`);
  return result.value;
}

afterEach(() => {
  for (const backend of created.splice(0).reverse()) backend.dispose();
});

describeNative("native backend safety", () => {
  it("refuses to munmap a range it never mapped, with EINVAL and without touching it", () => {
    const owner = make();
    const other = make();
    const foreign = unwrap(owner.mmap(2 * owner.pageSize));
    owner.memory.writeU32(foreign, 0xcafe);
    expect(other.munmap(foreign, owner.pageSize)).toEqual({ ok: false, errno: "EINVAL" });
    expect(owner.memory.readU32(foreign)).toBe(0xcafe);
    // A range that starts inside our mapping but runs past it is refused whole.
    const mine = unwrap(other.mmap(other.pageSize));
    expect(other.munmap(mine, 64 * other.pageSize)).toEqual({ ok: false, errno: "EINVAL" });
    expect(other.mappings()).toEqual([{ addr: mine, lengthBytes: other.pageSize }]);
  });

  it("detaches views obtained before munmap and faults on later access", () => {
    const backend = make();
    const addr = unwrap(backend.mmap(3 * backend.pageSize));
    const view = backend.bytesView(addr, 16);
    const dataView = new DataView(view.buffer, view.byteOffset, view.byteLength);
    view[0] = 7;
    expect(backend.memory.readU8(addr)).toBe(7);
    const detachedBefore = requireBinding().viewCounts().detached;
    unwrap(backend.munmap(addr, 3 * backend.pageSize));
    expect(requireBinding().viewCounts().detached).toBeGreaterThan(detachedBefore);
    expect(view.byteLength).toBe(0);
    expect(view[0]).toBeUndefined();
    expect(() => dataView.getUint8(0)).toThrow(TypeError);
    expect(() => backend.memory.readU8(addr)).toThrow(SegmentationFault);
    expect(() => backend.bytesView(addr, 1)).toThrow(SegmentationFault);
  });

  it("keeps the surviving pieces of a partially unmapped mapping readable through fresh views", () => {
    const backend = make();
    const { pageSize } = backend;
    const addr = unwrap(backend.mmap(4 * pageSize));
    const whole = backend.bytesView(addr, 4 * pageSize);
    for (let page = 0; page < 4; page += 1) backend.memory.writeU32(addr + page * pageSize, page + 10);
    unwrap(backend.munmap(addr + pageSize, 2 * pageSize));
    expect(whole.length).toBe(0);
    expect(backend.mappings()).toEqual([
      { addr, lengthBytes: pageSize },
      { addr: addr + 3 * pageSize, lengthBytes: pageSize },
    ]);
    expect(backend.memory.readU32(addr)).toBe(10);
    expect(backend.memory.readU32(addr + 3 * pageSize)).toBe(13);
  });

  it("never lowers the break below memory someone else raised above its own", () => {
    const backend = make();
    const start = unwrap(backend.brk(0));
    const raised = unwrap(backend.brk(start + 4 * backend.pageSize));
    // Another party (here a second backend, standing in for glibc's malloc) raises the break further.
    const other = make();
    const foreignEnd = unwrap(other.brk(raised + backend.pageSize));
    expect(backend.brk(start + backend.pageSize)).toEqual({ ok: true, value: foreignEnd });
    expect(backend.peekBreak()).toBe(foreignEnd);
    expect(backend.heapRanges()).toEqual([{ addr: start, lengthBytes: raised - start }]);
  });
}, { growsProcessBreak: true });

describeNative("native backend, process break", () => {
  it("grows the real break with brk and round-trips values through the new memory", () => {
    const backend = make();
    const start = unwrap(backend.brk(0));
    expect(start).toBe(backend.peekBreak());
    const end = unwrap(backend.brk(start + 10 * backend.pageSize));
    expect(end).toBe(start + 10 * backend.pageSize);
    expect(backend.peekBreak()).toBe(end);
    const base = Math.ceil(start / 8) * 8;
    backend.memory.writeU64(base, 0x1234_5678_9abc);
    backend.memory.writeI32(end - 4, -5);
    expect(backend.memory.readU64(base)).toBe(0x1234_5678_9abc);
    expect(backend.memory.readI32(end - 4)).toBe(-5);
    expect(backend.heapRanges()).toEqual([{ addr: start, lengthBytes: end - start }]);
  });

  it("starts a new heap range when the break moved between its calls", () => {
    const backend = make();
    const start = unwrap(backend.brk(0));
    const first = unwrap(backend.brk(start + backend.pageSize));
    const other = make();
    const moved = unwrap(other.brk(first + 3 * backend.pageSize));
    const second = unwrap(backend.brk(moved + backend.pageSize));
    expect(backend.heapRanges()).toEqual([
      { addr: start, lengthBytes: first - start },
      { addr: moved, lengthBytes: second - moved },
    ]);
    expect(() => backend.memory.readU8(first)).toThrow(SegmentationFault);
    expect(backend.memory.readU8(moved)).toBe(0);
  });

  it("lowers the break inside its own top range and detaches views of the dropped bytes", () => {
    const backend = make();
    const start = unwrap(backend.brk(0));
    const end = unwrap(backend.brk(start + 8 * backend.pageSize));
    const tail = backend.bytesView(end - 8, 8);
    expect(unwrap(backend.brk(start + backend.pageSize))).toBe(start + backend.pageSize);
    expect(tail.length).toBe(0);
    expect(() => backend.memory.readU8(end - 8)).toThrow(SegmentationFault);
  });

  it("probes whether the break can grow without leaving it moved", () => {
    const before = requireBinding().peekBreak();
    expect(isProcessBreakMovable()).toBe(true); // this suite runs only where it can
    expect(processBreakBlockedReason()).toBeUndefined();
    expect(requireBinding().peekBreak()).toBe(before);
  });

  it("reports brk failures as ENOMEM and leaves the break where it was", () => {
    const backend = make();
    const start = unwrap(backend.brk(0));
    expect(backend.brk(2 ** 47 + 4096)).toEqual({ ok: false, errno: "ENOMEM" });
    expect(backend.peekBreak()).toBe(start);
    expect(backend.brk(-1)).toEqual({ ok: false, errno: "EINVAL" });
    expect(backend.brk(1.5)).toEqual({ ok: false, errno: "EINVAL" });
  });
}, { growsProcessBreak: true });

describeNative("native backend, reserved break", () => {
  it("emulates a private break inside the reservation and never moves the process break", () => {
    const processBreak = requireBinding().peekBreak();
    const backend = make({ breakMode: "reserved", reserveBytes: 16 * 4096 });
    expect(backend.breakMode).toBe("reserved");
    const start = unwrap(backend.brk(0));
    expect(start).toBe(backend.initialBreak);
    expect(unwrap(backend.brk(start + 3 * backend.pageSize + 1))).toBe(start + 3 * backend.pageSize + 1);
    expect(backend.peekBreak()).toBe(start + 3 * backend.pageSize + 1);
    backend.memory.writeU64(start, 99);
    expect(backend.memory.readU64(start)).toBe(99);
    expect(backend.brk(start + 16 * 4096 + 1)).toEqual({ ok: false, errno: "ENOMEM" });
    expect(backend.brk(start + 16 * 4096)).toEqual({ ok: true, value: start + 16 * 4096 });
    expect(requireBinding().peekBreak()).toBeGreaterThanOrEqual(processBreak);
    expect(backend.heapRanges()).toEqual([{ addr: start, lengthBytes: 16 * 4096 }]);
  });

  it("gives back zeroed pages after lowering and growing again", () => {
    const backend = make({ breakMode: "reserved", reserveBytes: 8 * 4096 });
    const start = unwrap(backend.brk(0));
    unwrap(backend.brk(start + 4 * backend.pageSize));
    backend.memory.fill(start, 4 * backend.pageSize, 0xee);
    unwrap(backend.brk(start + 10));
    expect(() => backend.memory.readU8(start + 10)).toThrow(SegmentationFault);
    unwrap(backend.brk(start + 4 * backend.pageSize));
    expect(backend.memory.readU8(start + 9)).toBe(0xee);
    expect(backend.memory.readBytes(start + 10, 4 * backend.pageSize - 10).every((byte) => byte === 0)).toBe(true);
  });

  it("releases the reservation on dispose and detaches the heap view", () => {
    const backend = createNativeBackend({ breakMode: "reserved", reserveBytes: 4 * 4096 });
    const start = unwrap(backend.brk(0));
    unwrap(backend.brk(start + 64));
    const view = backend.bytesView(start, 64);
    backend.dispose();
    expect(view.length).toBe(0);
    expect(() => backend.brk(0)).toThrow(/after dispose/);
  });
});

describeNative("native backend memory windows", () => {
  it("offers the heap's own words, which follow Memory both ways", () => {
    const backend = make();
    const start = unwrap(backend.brk(0));
    const end = unwrap(backend.brk(start + 4 * backend.pageSize));
    const window = backend.memory.windowAt?.(start);
    if (start % 8 !== 0) {
      expect(window).toBeUndefined(); // windows start 8-aligned; an odd break gets the methods only
      return;
    }
    expect(window).toMatchObject({ base: start, lengthBytes: Math.floor((end - start) / 8) * 8 });
    backend.memory.writeU32(start + 40, 0xdead_beef);
    expect(window!.u32[10]).toBe(0xdead_beef);
    window!.i32[11] = -2;
    expect(backend.memory.readI32(start + 44)).toBe(-2);
    expect(backend.memory.windowAt?.(end - 1)).toBe(window);
    expect(backend.memory.windowAt?.(end)).toBeUndefined();
  });

  it("keeps an old window readable while the break grows, and empties it when the break drops", () => {
    const backend = make({ breakMode: "reserved", reserveBytes: 16 * 4096 });
    const start = unwrap(backend.brk(0));
    unwrap(backend.brk(start + 2 * backend.pageSize));
    const small = backend.memory.windowAt!(start)!;
    small.u32[1] = 77;
    unwrap(backend.brk(start + 8 * backend.pageSize));
    const large = backend.memory.windowAt!(start)!;
    expect(large.lengthBytes).toBe(8 * backend.pageSize);
    expect(small.u32[1]).toBe(77); // grown, not moved: the old window still views live bytes
    expect(large.u32[1]).toBe(77);
    unwrap(backend.brk(start + backend.pageSize));
    expect(small.u32.length).toBe(0); // detached before the bytes were released, never dangling
    expect(large.u32.length).toBe(0);
    expect(backend.memory.windowAt!(start)!.lengthBytes).toBe(backend.pageSize);
  });

  it("moves windowEpoch at each of its syscalls and at dispose, and at nothing else", () => {
    const backend = make({ breakMode: "reserved", reserveBytes: 16 * 4096 });
    const epoch = (): number | undefined => backend.memory.windowEpoch;
    const start = unwrap(backend.brk(0));
    let seen = epoch();
    expect(seen).toEqual(expect.any(Number));
    const moved = (): boolean => {
      const now = epoch();
      const changed = now !== seen;
      seen = now;
      return changed;
    };
    unwrap(backend.brk(start + 2 * backend.pageSize));
    expect(moved()).toBe(true);
    const window = backend.memory.windowAt!(start)!;
    backend.memory.writeU32(start + 8, 3);
    backend.peekBreak();
    backend.bytesView(start, 16);
    expect(moved()).toBe(false); // reads, writes and peeks change no region
    expect(backend.memory.windowAt!(start)).toBe(window); // so the window fetched since is still the answer
    const addr = unwrap(backend.mmap(backend.pageSize));
    expect(moved()).toBe(true);
    expect(backend.munmap(addr, backend.pageSize).ok).toBe(true);
    expect(moved()).toBe(true);
    expect(backend.munmap(addr, 0)).toEqual({ ok: false, errno: "EINVAL" });
    expect(moved()).toBe(true); // a failed call moves it too: callers refetch after every syscall
    backend.dispose();
    expect(moved()).toBe(true);
  });

  it("offers a window over a mapping and detaches it on munmap", () => {
    const backend = make();
    const addr = unwrap(backend.mmap(2 * backend.pageSize));
    const window = backend.memory.windowAt!(addr + 100)!;
    expect(window).toMatchObject({ base: addr, lengthBytes: 2 * backend.pageSize });
    window.u32[3] = 5;
    expect(backend.memory.readU32(addr + 12)).toBe(5);
    unwrap(backend.munmap(addr, 2 * backend.pageSize));
    expect(window.u32.length).toBe(0);
    expect(backend.memory.windowAt!(addr)).toBeUndefined();
  });
}, { growsProcessBreak: true });

describeNative("native backend reporting and options", () => {
  it("logs every call with sim-compatible fields and errno names from the Errno union", () => {
    const backend = make();
    const seen: SyscallEvent[] = [];
    backend.observer = (event) => seen.push(event);
    const failed = backend.munmap(4096, 4096);
    const mapped = backend.mmap(0);
    expect(backend.log).toEqual(seen);
    expect(seen.map((event) => event.kind)).toEqual(["munmap", "mmap"]);
    for (const result of [failed, mapped]) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(Object.keys(ERRNO_VALUES)).toContain(result.errno);
    }
  });

  it("keeps no log when record is false", () => {
    const backend = make({ record: false });
    backend.brk(0);
    expect(backend.log).toEqual([]);
  });

  it.each<NativeBackendOptions>([{ breakMode: "heap" as never }, { reserveBytes: 0 }, { reserveBytes: 1.5 }])(
    "rejects invalid options %o with RangeError",
    (options) => {
      expect(() => createNativeBackend(options)).toThrow(RangeError);
    },
  );
});
