// The heap's view of the program break: a glibc-style sbrk over the backend's brk, and the heap
// segments it has grown. The break is shared with the rest of the process (libc's malloc moves it
// too), so before each growth it checks, untraced, that the break is still where this heap left it;
// when it is not, the heap continues in a new segment at the new break. No block spans two segments.
import type { Addr, Errno, SyscallBackend } from "@osmem/syscalls";
import { Layout } from "./layout.js";

/** A contiguous run of heap memory this heap raised the break over. */
export interface HeapSegment {
  /** The break when the segment began. */
  readonly base: Addr;
  /** The first block's address: `base` rounded up to {@link ALIGN}. */
  readonly start: Addr;
  /** The end of the segment (for the last segment, the break). */
  end: Addr;
}

/** What growing the heap needs from its owner: counting syscalls, hearing of them, recording refusals. */
export interface BreakHost {
  countBrk(): void;
  /** A brk call returned (whatever its outcome) and `breakAddr` says where the break is: any memory window is stale. */
  brkReturned(): void;
  fail(errno: Errno): -1;
}

export class HeapBreak {
  /** The first `brk(0)` answer; 0 before the heap was used. */
  heapStart: Addr = 0;
  /** The break as this heap last set or saw it. */
  breakAddr: Addr = 0;
  /** Every segment, in address order; empty before the first growth. */
  readonly segments: HeapSegment[] = [];
  /** Ends of the segments before the last, to recognise a block that ends a segment in O(1). */
  readonly closedEnds = new Set<Addr>();
  /** Bytes the break was moved by this heap (alignment padding included). */
  grownBytes = 0;

  constructor(
    private readonly backend: SyscallBackend,
    private readonly host: BreakHost,
  ) {}

  /**
   * Makes sure the break is where this heap left it; when someone else moved it up, starts a new
   * segment there. Returns false (with `errno`) when the break was lowered into this heap's memory.
   */
  sync(): boolean {
    const peek = this.backend.peekBreak;
    if (peek === undefined || this.segments.length === 0) return true;
    const now = peek.call(this.backend);
    if (now === this.breakAddr) return true;
    if (now < this.breakAddr) {
      this.host.fail("ENOMEM");
      return false;
    }
    this.closedEnds.add(this.breakAddr);
    this.segments.push({ base: now, start: alignUp(now), end: now });
    this.breakAddr = now;
    return true;
  }

  /**
   * Moves the break up by `incrementBytes` so that memory ending at `end` grows in place. Makes no
   * syscall and answers `"moved"` when the break is no longer at `end` (someone else moved it, or
   * `end` is not the break); `"failed"` (with `errno`) when the OS refuses.
   */
  extend(end: Addr, incrementBytes: number): "extended" | "moved" | "failed" {
    if (!this.sync()) return "failed";
    if (end !== this.breakAddr) return "moved";
    return this.moveTo(end + incrementBytes) ? "extended" : "failed";
  }

  /**
   * glibc-style `sbrk(incrementBytes)` for a new block: the first call learns the break with `brk(0)`,
   * later calls move it from where this heap left it (in a new segment if it moved). Returns the
   * address where the new bytes start (8-aligned), or -1 with `errno` set.
   */
  grow(incrementBytes: number): Addr {
    if (this.segments.length === 0 ? !this.begin() : !this.sync()) return -1;
    const from = Math.max(this.breakAddr, this.segments[this.segments.length - 1]!.start);
    return this.moveTo(from + incrementBytes) ? from : -1;
  }

  /**
   * The first growth of the heap: learns the break with `brk(0)` and opens the first segment. False
   * (with `errno`) when the OS refuses. Out of line: it runs once per heap, and inlined into
   * {@link grow} its first segment, an object pushed onto an empty array, deoptimized `grow`'s code at
   * the first `brk` of every new heap.
   */
  private begin(): boolean {
    this.host.countBrk();
    const query = this.backend.brk(0);
    this.host.brkReturned();
    if (!query.ok) {
      this.host.fail(query.errno);
      return false;
    }
    this.heapStart = query.value;
    this.breakAddr = query.value;
    this.segments.push({ base: query.value, start: alignUp(query.value), end: query.value });
    return true;
  }

  /** `brk(wanted)` for the last segment; false (with `errno`) unless the break lands exactly there. */
  private moveTo(wanted: Addr): boolean {
    this.host.countBrk();
    const moved = this.backend.brk(wanted);
    const landed = moved.ok && moved.value === wanted;
    if (landed) {
      this.grownBytes += wanted - this.breakAddr;
      this.breakAddr = wanted;
      this.segments[this.segments.length - 1]!.end = wanted;
    }
    this.host.brkReturned();
    if (!landed) this.host.fail(moved.ok ? "ENOMEM" : moved.errno);
    return landed;
  }

  /** True when `end` is the end of a segment (the break, or where an earlier segment stopped). */
  isSegmentEnd(end: Addr): boolean {
    return end === this.breakAddr || this.closedEnds.has(end);
  }
}

const alignUp = (addr: Addr): Addr => Math.ceil(addr / Layout.Align) * Layout.Align;
