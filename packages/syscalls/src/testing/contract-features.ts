// The named features of the backend contract suite. A backend that cannot honour one opts out by name,
// so every deviation is visible in its test file and in vitest's output; there is no silent `if`.
// Names are `area.behaviour`; descriptions say what the feature promises, not how it is tested.

/** Every feature the contract suite checks, with a one-line statement of what it promises. */
export const CONTRACT_FEATURES = Object.freeze({
  "brk.query": "brk(0) returns the current break and changes nothing",
  "brk.grow": "brk(higher) moves the break there; the new bytes read as zero and are writable",
  "brk.shrink-below-start": "brk below the initial break never lowers the break",
  "mmap.basic": "mmap returns a page-aligned, zero-filled, read/write range of ceil(length / page) pages",
  "mmap.disjoint": "live mappings never overlap each other or the heap",
  "mmap.einval": "mmap with length 0 fails with EINVAL",
  "munmap.fault-after-unmap": "touching an unmapped page throws SegmentationFault carrying the address",
  "munmap.partial": "munmap of some pages of a mapping leaves the other pages intact",
  "munmap.einval": "munmap with length 0 or a misaligned address fails with EINVAL",
  "memory.round-trip": "u8/u32/i32/u64 values round-trip, little-endian, at aligned and unaligned addresses",
  "memory.u64-range-check": "writeU64 rejects values outside [0, 2^53 - 1] and non-integers with RangeError",
  "memory.bytes": "readBytes/writeBytes/fill/copy move bytes; an overlapping copy behaves like memmove",
  "memory.straddle-mapping-end": "an access running past the end of a mapping throws SegmentationFault",
  "memory.straddle-break": "an access running past the break throws SegmentationFault",
  "observer.events": "the observer receives one SyscallEvent per call, with the arguments as passed",
  "observer.nesting": "recordSyscalls recordings nest and restore the previous observer",
} as const);

/** The name of one contract feature; pass it in `skip` to opt out of that part of the suite. */
export type ContractFeature = keyof typeof CONTRACT_FEATURES;

/** Whether `name` is a known {@link ContractFeature}. */
export const isContractFeature = (name: string): name is ContractFeature =>
  Object.prototype.hasOwnProperty.call(CONTRACT_FEATURES, name);
