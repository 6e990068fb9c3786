// Contract tests for syscall reporting: one event per call, carrying the arguments as the caller
// passed them (failed calls included), and `recordSyscalls` recordings that nest.
import { expect, it } from "vitest";
import { MAP_ANONYMOUS, MAP_PRIVATE, PROT_READ, PROT_WRITE, type SyscallEvent } from "../../api.js";
import { recordSyscalls } from "../../trace.js";
import type { ContractContext } from "./contract-context.js";
import { unwrap } from "./contract-context.js";

const MMAP_FIXED_ARGS = { addr: 0, prot: PROT_READ | PROT_WRITE, flags: MAP_PRIVATE | MAP_ANONYMOUS, fd: -1, offset: 0 };

/** Registers the `observer.*` features. */
export function observerContract({ makeBackend, feature }: ContractContext): void {
  feature("observer.events", () => {
    it("reports each call once, in order, with its arguments and result", () => {
      const backend = makeBackend();
      const events: SyscallEvent[] = [];
      backend.observer = (event) => events.push(event);
      const initial = unwrap(backend.brk(0), "brk(0)");
      const raised = unwrap(backend.brk(initial + 40), "brk(initial + 40)");
      const addr = unwrap(backend.mmap(100), "mmap(100)");
      unwrap(backend.munmap(addr, 100), "munmap(addr, 100)");
      const failedMmap = backend.mmap(0);
      const failedMunmap = backend.munmap(addr + 1, 100);
      expect(events).toEqual<SyscallEvent[]>([
        { kind: "brk", addr: 0, result: { ok: true, value: initial } },
        { kind: "brk", addr: initial + 40, result: { ok: true, value: raised } },
        { kind: "mmap", ...MMAP_FIXED_ARGS, lengthBytes: 100, result: { ok: true, value: addr } },
        { kind: "munmap", addr, lengthBytes: 100, result: { ok: true, value: 0 } },
        { kind: "mmap", ...MMAP_FIXED_ARGS, lengthBytes: 0, result: failedMmap },
        { kind: "munmap", addr: addr + 1, lengthBytes: 100, result: failedMunmap },
      ]);
      expect(failedMmap.ok).toBe(false);
      expect(failedMunmap.ok).toBe(false);
    });

    it("reports nothing while the observer is unset", () => {
      const backend = makeBackend();
      const events: SyscallEvent[] = [];
      backend.observer = (event) => events.push(event);
      backend.observer = undefined;
      backend.brk(0);
      backend.mmap(1);
      expect(events).toEqual([]);
    });

    it("never reports memory accesses", () => {
      const backend = makeBackend();
      const addr = unwrap(backend.mmap(64), "mmap(64)");
      const events: SyscallEvent[] = [];
      backend.observer = (event) => events.push(event);
      backend.memory.writeU64(addr, 1);
      backend.memory.readU64(addr);
      backend.memory.fill(addr, 8, 0);
      expect(events).toEqual([]);
    });
  });

  feature("observer.nesting", () => {
    it("lets an inner recording see only its calls while the outer one sees all of them", () => {
      const backend = makeBackend();
      const seenByOriginal: SyscallEvent[] = [];
      const original = (event: SyscallEvent): void => {
        seenByOriginal.push(event);
      };
      backend.observer = original;
      const outer = recordSyscalls(backend);
      backend.brk(0);
      const inner = recordSyscalls(backend);
      const mapped = backend.mmap(10);
      inner.stop();
      backend.brk(0);
      outer.stop();
      backend.brk(0);
      expect(inner.events.map((event) => event.kind)).toEqual(["mmap"]);
      expect(inner.events[0]?.result).toEqual(mapped);
      expect(outer.events.map((event) => event.kind)).toEqual(["brk", "mmap", "brk"]);
      expect(seenByOriginal.map((event) => event.kind)).toEqual(["brk", "mmap", "brk", "brk"]);
      expect(backend.observer).toBe(original);
    });
  });
}
