// Public types of the osmem core: the glossary, the heap's options and results, the fit-policy
// contract and the error kinds. Types and constants only; the behaviour lives in heap.ts.
//
// Glossary (use these words, no synonyms):
//   block   = header + payload, a contiguous range inside a region
//   header  = the 32-byte record at the start of a block (size, status, prev, next)
//   payload = the user's bytes, starting right after the header
//   region  = the brk heap, or one mmap'd range
//   page    = an OS page
//   break   = the current end of the brk heap
import type { Addr, Errno, SyscallBackend } from "@osmem/syscalls";

/** Header size in bytes: `size` u64 @0, `status` i32 @8 (+4 padding), `prev` u64 @16, `next` u64 @24. */
export const HEADER_BYTES = 32;
/** Payload alignment in bytes; every size is rounded up to a multiple of it. */
export const ALIGN = 8;
/** The brk heap is first grown by this many bytes (128 KiB), as one free block. */
export const DEFAULT_PREALLOC_BYTES = 128 * 1024;
/** Blocks whose total size (aligned payload + header) reaches this go to `mmap` (malloc, realloc). */
export const DEFAULT_MMAP_THRESHOLD_BYTES = 128 * 1024;

/**
 * Requests of at most this many bytes are the most a heap may serve from slabs
 * ({@link HeapShape.slabMaxBytes}).
 */
export const MAX_SLAB_OBJECT_BYTES = 1024;

/**
 * Block status, stored as an i32 in the header. `Slab` marks an allocated heap block that the heap
 * itself carved into small objects of one size (see {@link HeapShape.slabMaxBytes}).
 */
export const BlockStatus = Object.freeze({ Free: 0, Alloc: 1, Mapped: 2, Slab: 3 } as const);
/** One of the {@link BlockStatus} values. */
export type BlockStatus = (typeof BlockStatus)[keyof typeof BlockStatus];

/** 0 = release (user-misuse checks only), 1 = O(1) internal checks, 2 = full heap walks around every call. */
export type CheckLevel = 0 | 1 | 2;

/**
 * When free blocks are merged with their free neighbours.
 * - `"deferred"`: all adjacent free blocks are merged in one pass before each fit search (the reference).
 * - `"immediate"`: a block is merged with its free neighbours as soon as it becomes free.
 */
export type CoalescingMode = "deferred" | "immediate";

/** Why a block entered the free set. */
export type FreeInsertReason = "freed" | "created" | "split" | "merged" | "grown";
/** Why a block left the free set. */
export type FreeRemoveReason = "allocated" | "merged" | "resized";

/**
 * Read-only access to the heap's block list, in address order, for fit policies.
 * Blocks are named by their header address; sizes are payload bytes.
 */
export interface BlockView {
  /** The lowest heap block, or NULL when the heap is empty. */
  firstBlock(): Addr;
  /** The block after `block` in address order, or NULL. */
  nextBlock(block: Addr): Addr;
  /** The block before `block` in address order, or NULL. */
  prevBlock(block: Addr): Addr;
  /** The block's payload size in bytes. */
  blockSize(block: Addr): number;
  /** True when the block is free. */
  isFree(block: Addr): boolean;
  /**
   * Reads the policy's tag of the free `block`: a 32-bit signed integer the policy stored there with
   * {@link BlockView.setFreeTag}, e.g. the index of the block's node in the policy's own tables, so that
   * it finds the node without a search. pre: `block` is in the policy's free set and was tagged since
   * it entered it; otherwise the value is whatever the payload held.
   */
  freeTag(block: Addr): number;
  /**
   * Stores a tag in the free `block`, in the first 4 bytes of its payload (every payload has at least
   * 8, and a free block's payload belongs to the allocator). The tag lives while the block stays in the
   * free set: allocating the block, merging it into another, or a new size ends it.
   * pre: `block` is in the free set; `tag` is a 32-bit signed integer.
   */
  setFreeTag(block: Addr, tag: number): void;
  /**
   * The payload size of `addr` when it is a free block of this heap, else -1. Exact for any address,
   * including one that stopped being a block (merged into the block before it, or now inside a
   * payload): the answer never comes from bytes a program can write. For a policy that removes blocks
   * from its index lazily and must tell a stale entry from a live one. O(1).
   */
  freeBlockSize(addr: Addr): number;
  /**
   * The heap's {@link CheckLevel} (a view without one counts as 1). At 0 a strategy may skip its own
   * internal O(1) consistency checks, as the core skips its own: they guard against bugs in the core,
   * not against bad pointers, which the core rejects before a strategy hears of a block.
   */
  readonly checkLevel?: CheckLevel;
}

/**
 * A fit policy's per-heap state. The core keeps it informed of every change to the set of free heap
 * blocks (a free block whose size changes is removed and inserted again), and asks it where to place
 * a request. Mapped blocks are never shown to a policy.
 */
export interface FitStrategy {
  /**
   * Chooses a free heap block whose payload holds at least `sizeBytes` (already aligned), or returns
   * NULL when none fits. Must not modify the heap.
   */
  findFit(sizeBytes: number): Addr;
  /** `block` (payload `sizeBytes`) became free. */
  insertFree(block: Addr, sizeBytes: number, reason: FreeInsertReason): void;
  /** `block` (payload `sizeBytes` as it was while free) is no longer a free block. */
  removeFree(block: Addr, sizeBytes: number, reason: FreeRemoveReason): void;
}

/**
 * How a heap takes memory from the OS and where in a free block it carves a request: the parts of a
 * strategy that are not the choice of block. Every field is optional; an absent field keeps the
 * reference behaviour. {@link HeapOptions} fields of the same name override a policy's shape.
 */
export interface HeapShape {
  /** Bytes the first heap use takes from the break (reference: {@link DEFAULT_PREALLOC_BYTES}). */
  readonly preallocBytes?: number;
  /** Total block size from which malloc and realloc map (reference: {@link DEFAULT_MMAP_THRESHOLD_BYTES}). */
  readonly mmapThresholdBytes?: number;
  /**
   * When no free block fits a request whose block (payload + header) is smaller than this, the heap
   * grows by this many bytes at once and places the request in the new free space, so that the small
   * requests that follow share one chunk. 0 (the reference): grow by exactly what the request needs.
   */
  readonly growthChunkBytes?: number;
  /**
   * Requests whose aligned payload is at most this many bytes are carved from the high end of the
   * chosen free block, the rest of it staying free in front; larger ones from the low end (the
   * reference, 0: always the low end). Keeps small long-lived blocks apart from large short-lived ones.
   */
  readonly backPlacementMaxBytes?: number;
  /**
   * Requests whose aligned payload is at most this many bytes (a multiple of 8, at most
   * {@link MAX_SLAB_OBJECT_BYTES}) are served from slabs instead of blocks of their own. A slab is one
   * allocated heap block (status {@link BlockStatus.Slab}, 32-byte header as usual) whose payload holds
   * a 4-byte slab header, a bitmap of the objects in use and then objects of one size class (8-byte
   * steps), so small objects share one block header instead of paying 32 bytes each. A slab that
   * empties is freed as a block at once. realloc moves an object whose size changes class. 0 (the
   * reference): no slabs, every request is a block.
   */
  readonly slabMaxBytes?: number;
}

/**
 * A placement strategy. The core never imports a concrete policy: it receives one of these and calls
 * `bind` once per heap. Implementations live in `@osmem/policies`.
 */
export interface FitPolicy {
  /** A stable, kebab-case name (`best-fit`). */
  readonly name: string;
  /** When adjacent free blocks are merged. */
  readonly coalescing: CoalescingMode;
  /** How the heap grows and splits under this policy; absent for the reference shape. */
  readonly heapShape?: HeapShape;
  /** Creates the per-heap state, reading blocks through `view`. */
  bind(view: BlockView): FitStrategy;
}

/** Options of {@link createHeap}. */
export interface HeapOptions {
  /** The OS the heap gets memory from. */
  backend: SyscallBackend;
  /** Where requests are placed. */
  policy: FitPolicy;
  /** How much self-checking to do; default 1. */
  checkLevel?: CheckLevel;
  /** Total block size (aligned payload + header) from which malloc and realloc use mmap; default 128 KiB. */
  mmapThresholdBytes?: number;
  /** The same threshold for calloc; default the backend's page size. */
  callocThresholdBytes?: number;
  /** Bytes the first heap use takes from the break at once; default 128 KiB. */
  preallocBytes?: number;
  /** See {@link HeapShape.growthChunkBytes}; default the policy's, else 0. */
  growthChunkBytes?: number;
  /** See {@link HeapShape.backPlacementMaxBytes}; default the policy's, else 0. */
  backPlacementMaxBytes?: number;
  /** See {@link HeapShape.slabMaxBytes}; default the policy's, else 0 (no slabs). */
  slabMaxBytes?: number;
}

/** One block as the heap walker reports it. */
export interface BlockInfo {
  /** Header address. */
  readonly addr: Addr;
  /** Payload address (`addr + HEADER_BYTES`). */
  readonly payloadAddr: Addr;
  /** Payload bytes. */
  readonly sizeBytes: number;
  /** `slab`: an allocated block holding small objects (see {@link HeapShape.slabMaxBytes}). */
  readonly status: "free" | "alloc" | "mapped" | "slab";
}

/** What a slab block holds, as {@link inspectSlab} reads it from the heap's memory. */
export interface SlabInfo {
  /** Bytes per object (the size class, a multiple of 8). */
  readonly objectBytes: number;
  /** Objects the slab has room for. */
  readonly capacity: number;
  /** Address of the first object (after the 4-byte slab header and the bitmap, 8-aligned). */
  readonly objectsAddr: Addr;
  /** Addresses of the objects in use (their bits set), lowest first. */
  readonly liveObjects: readonly Addr[];
}

/** Counters and gauges of one heap. Gauges are recounted by the checker. */
export interface HeapStats {
  /** Payload bytes of allocated and mapped blocks. */
  bytesInUse: number;
  /** Payload bytes of free heap blocks. */
  bytesFree: number;
  /** Bytes taken from the break (the heap's size). */
  heapBytes: number;
  /** Bytes held in live mappings (block totals, before page rounding). */
  mappedBytes: number;
  /** Allocated heap blocks. */
  allocBlocks: number;
  /** Free heap blocks. */
  freeBlocks: number;
  /** Live mapped blocks. */
  mappedBlocks: number;
  /** Slab blocks (counted in `allocBlocks` too; their payloads in `bytesInUse`). 0 without slabs. */
  slabBlocks: number;
  /** Live small objects held in slabs. 0 without slabs. */
  slabObjects: number;
  /** Syscalls made, by kind. */
  syscalls: { brk: number; mmap: number; munmap: number };
  /** Requests that returned NULL because the OS refused memory. */
  failures: number;
  /**
   * Heap segments: runs of memory this heap raised the break over. 1 once the heap is in use; more when
   * someone else moved the break between two growths (see the core README).
   */
  segments: number;
}

/** One violated invariant found by the heap checker. */
export interface HeapProblem {
  /** A short stable code, e.g. `"link"`, `"overlap"`, `"adjacent-free"`. */
  readonly code: string;
  /** The block (header address) the problem is about, or NULL for heap-wide problems. */
  readonly addr: Addr;
  /** A sentence for people. */
  readonly message: string;
}

/** What kind of misuse an {@link AllocatorMisuseError} reports. */
export type MisuseKind = "invalid-size" | "invalid-pointer" | "double-free";

/**
 * The caller broke the allocator's contract: a bad size, a pointer the allocator never returned, or a
 * double free. The heap is left exactly as it was.
 */
export class AllocatorMisuseError extends Error {
  readonly kind: MisuseKind;
  /** The offending pointer, or NULL for size errors. */
  readonly addr: Addr;
  constructor(kind: MisuseKind, message: string, addr: Addr = 0) {
    super(message);
    this.name = "AllocatorMisuseError";
    this.kind = kind;
    this.addr = addr;
  }
}

/**
 * A size that is not a non-negative safe integer (NaN, negative, fractional, or 2^53 and above).
 * A `RangeError`, so callers may catch either.
 */
export class InvalidSizeError extends RangeError {
  readonly kind = "invalid-size" as const;
  /** The rejected value. */
  readonly value: unknown;
  constructor(what: string, value: unknown) {
    super(`${what}: size must be a non-negative safe integer, got ${String(value)}`);
    this.name = "InvalidSizeError";
    this.value = value;
  }
}

/** The allocator found its own data structures inconsistent: a bug in osmem, never the caller's fault. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvariantError";
  }
}

/** The allocator: the C `malloc` family over a {@link SyscallBackend}. NULL is 0. */
export interface Heap {
  /** The backend this heap takes memory from. */
  readonly backend: SyscallBackend;
  /** The policy's name. */
  readonly policyName: string;
  /** The check level in force. */
  readonly checkLevel: CheckLevel;
  /** The errno of the most recent request that returned NULL for lack of memory, else undefined. */
  readonly errno: Errno | undefined;
  /** The address the first `brk(0)` returned, or NULL before the heap was first used. */
  readonly heapStart: Addr;
  /**
   * Allocates `sizeBytes` bytes (not initialised). Returns the payload address, 8-byte aligned, or
   * NULL for `sizeBytes = 0` and when the OS refuses memory (then `errno` says why).
   * @throws InvalidSizeError when `sizeBytes` is not a non-negative safe integer.
   */
  malloc(sizeBytes: number): Addr;
  /**
   * Allocates `count * sizeBytes` zeroed bytes. NULL when either is 0, and with `errno = "ENOMEM"`
   * (no syscall) when the product exceeds the address space.
   * @throws InvalidSizeError for a bad `count` or `sizeBytes`.
   */
  calloc(count: number, sizeBytes: number): Addr;
  /**
   * Resizes the block at `ptr`, keeping `min(old, new)` payload bytes. `realloc(NULL, n)` is `malloc(n)`;
   * `realloc(p, 0)` frees `p` and returns NULL; a free block gives NULL. On failure returns NULL and
   * leaves `ptr` untouched.
   * @throws AllocatorMisuseError when `ptr` was never returned by this heap.
   */
  realloc(ptr: Addr, sizeBytes: number): Addr;
  /**
   * Releases the block at `ptr`; NULL is ignored. Mapped blocks are unmapped at once; heap memory
   * is kept for reuse.
   * @throws AllocatorMisuseError for a pointer this heap never returned or a double free; the heap is unchanged.
   */
  free(ptr: Addr): void;
  /** The payload bytes usable at `ptr` (the aligned size). @throws AllocatorMisuseError for a bad pointer. */
  usableSize(ptr: Addr): number;
  /** A snapshot of the counters and gauges. */
  stats(): HeapStats;
}
