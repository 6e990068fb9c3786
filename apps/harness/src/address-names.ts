// Names addresses the way the reference traces do, so traces compare across runs and machines:
// `HeapStart + 0x..` relative to the first `brk(0)` result, `<mapped-addrN> + 0x..` inside the N-th
// successful mmap, `0` for NULL. The namer learns the address space only from syscall events, fed in
// the order they happened; it never reads memory.
import { MAP_ANONYMOUS, MAP_PRIVATE, PROT_READ, PROT_WRITE } from "@osmem/syscalls";
import type { Addr, SyscallEvent, SysResult } from "@osmem/syscalls";
import type { TraceLine } from "./ref-format.js";

/** The text of a failed syscall's result: strace's `-1` followed by the errno name (`-1 ENOMEM`). */
export const failedResultText = (result: SysResult<unknown>): string => (result.ok ? "" : `-1 ${result.errno}`);

interface Mapping {
  readonly start: Addr;
  readonly lengthBytes: number;
  /** 1-based number of the mmap call that created it. */
  readonly n: number;
}

const hex = (value: number): string => `0x${value.toString(16)}`;

/**
 * Turns addresses into the reference trace's relative names. Feed it every syscall event with
 * {@link AddressNamer.observe}, in order; {@link AddressNamer.name} then names addresses as of that point.
 *
 * Lookup order: a live mapping containing the address; the heap `[HeapStart, highest break]`; the most
 * recent dead mapping containing it (a dangling pointer); `HeapStart + 0x..` above the heap start; else
 * the absolute address in hex. A munmap removes every live mapping whose start lies in the unmapped range.
 */
export class AddressNamer {
  private heapStartAddr: Addr | undefined;
  private highestBreak: Addr = 0;
  private mmapCount = 0;
  private live: Mapping[] = [];
  private dead: Mapping[] = [];

  /** The heap start (the first `brk(0)` result), or undefined before one succeeded. */
  get heapStart(): Addr | undefined {
    return this.heapStartAddr;
  }

  /** Updates the picture of the address space with a syscall that has just returned. */
  observe(event: SyscallEvent): void {
    if (!event.result.ok) return;
    switch (event.kind) {
      case "brk":
        if (event.addr === 0 && this.heapStartAddr === undefined) this.heapStartAddr = event.result.value;
        this.highestBreak = Math.max(this.highestBreak, event.result.value);
        return;
      case "mmap":
        this.mmapCount += 1;
        this.live.push({ start: event.result.value, lengthBytes: event.lengthBytes, n: this.mmapCount });
        return;
      case "munmap": {
        const end = event.addr + event.lengthBytes;
        const isGone = (m: Mapping): boolean => m.start >= event.addr && m.start < end;
        this.dead.push(...this.live.filter(isGone));
        this.live = this.live.filter((m) => !isGone(m));
        return;
      }
    }
  }

  /** Names `addr` as the reference traces do. NULL is `0`. */
  name(addr: Addr): string {
    if (addr === 0) return "0";
    const mapping = findLast(this.live, addr) ?? (this.isInHeap(addr) ? undefined : findLast(this.dead, addr));
    if (mapping !== undefined) {
      const offset = addr - mapping.start;
      return offset === 0 ? `<mapped-addr${mapping.n}>` : `<mapped-addr${mapping.n}> + ${hex(offset)}`;
    }
    if (this.heapStartAddr !== undefined && addr >= this.heapStartAddr) {
      return `HeapStart + ${hex(addr - this.heapStartAddr)}`;
    }
    return hex(addr);
  }

  private isInHeap(addr: Addr): boolean {
    return this.heapStartAddr !== undefined && addr >= this.heapStartAddr && addr <= this.highestBreak;
  }
}

function findLast(mappings: readonly Mapping[], addr: Addr): Mapping | undefined {
  for (let i = mappings.length - 1; i >= 0; i -= 1) {
    const m = mappings[i];
    if (m !== undefined && addr >= m.start && addr < m.start + m.lengthBytes) return m;
  }
  return undefined;
}

const PROT_NAMES: readonly [number, string][] = [
  [PROT_READ, "PROT_READ"],
  [PROT_WRITE, "PROT_WRITE"],
];
const MAP_NAMES: readonly [number, string][] = [
  [MAP_PRIVATE, "MAP_PRIVATE"],
  [MAP_ANONYMOUS, "MAP_ANON"],
];

/** Prints a bit set as `A | B`, with unknown bits in hex and `none` for 0. */
function formatFlags(value: number, names: readonly [number, string][], none: string): string {
  const parts: string[] = [];
  let rest = value;
  for (const [bit, label] of names) {
    if ((value & bit) !== 0) {
      parts.push(label);
      rest &= ~bit;
    }
  }
  if (rest !== 0) parts.push(hex(rest));
  return parts.length === 0 ? none : parts.join(" | ");
}

/**
 * Turns a syscall event into a trace line, naming its arguments before and its result after
 * feeding the event to `namer` (so a new mapping is named by its own number). Updates `namer`.
 * A failed call prints `-1 ERRNO`.
 */
export function formatSyscallLine(namer: AddressNamer, event: SyscallEvent): TraceLine {
  let args: string[];
  switch (event.kind) {
    case "brk":
      args = [namer.name(event.addr)];
      break;
    case "mmap":
      args = [
        namer.name(event.addr),
        String(event.lengthBytes),
        formatFlags(event.prot, PROT_NAMES, "PROT_NONE"),
        formatFlags(event.flags, MAP_NAMES, "0"),
        String(event.fd),
        String(event.offset),
      ];
      break;
    case "munmap":
      args = [namer.name(event.addr), String(event.lengthBytes)];
      break;
  }
  namer.observe(event);
  let result: string;
  if (!event.result.ok) result = failedResultText(event.result);
  else if (event.kind === "munmap") result = String(event.result.value);
  else result = namer.name(event.result.value);
  return { depth: 1, name: event.kind, args, result };
}
