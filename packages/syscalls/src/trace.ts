// Collects the syscall events a backend reports while a piece of code runs.
// Attaches through the backend's `observer` slot only; never wraps memory access.
import { MAP_ANONYMOUS, MAP_PRIVATE, PROT_READ, PROT_WRITE, type Addr, type SysResult, type SyscallBackend, type SyscallEvent } from "./api.js";

/** A live recording of a backend's syscalls; `stop()` detaches it. */
export interface SyscallRecording {
  /** The events seen so far, oldest first. */
  readonly events: SyscallEvent[];
  /** Detaches the recording and restores whatever observer was set before. */
  stop(): void;
}

/**
 * Starts recording every syscall `backend` makes. Chains to an observer that was already set, so
 * recordings nest.
 */
export function recordSyscalls(backend: SyscallBackend): SyscallRecording {
  const events: SyscallEvent[] = [];
  const previous = backend.observer;
  backend.observer = (event) => {
    events.push(event);
    previous?.(event);
  };
  return {
    events,
    stop() {
      backend.observer = previous;
    },
  };
}

/** Counts events by syscall name. */
export function countSyscalls(events: readonly SyscallEvent[]): { brk: number; mmap: number; munmap: number } {
  const counts = { brk: 0, mmap: 0, munmap: 0 };
  for (const event of events) counts[event.kind] += 1;
  return counts;
}

/**
 * The event of the one mmap call the allocator makes:
 * `mmap(NULL, lengthBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)`.
 * Backends report it with this, so every trace spells the call the same way.
 */
export function anonymousMmapEvent(lengthBytes: number, result: SysResult<Addr>): SyscallEvent {
  return { kind: "mmap", addr: 0, lengthBytes, prot: PROT_READ | PROT_WRITE, flags: MAP_PRIVATE | MAP_ANONYMOUS, fd: -1, offset: 0, result };
}
