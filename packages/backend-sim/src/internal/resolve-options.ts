// Validates `SimBackendOptions` and fills in the defaults, so the rest of the backend can rely on
// page-aligned bounds and a sane limit. Throws `RangeError` naming the offending option; never clamps.
import { DEFAULT_PAGE_SIZE, formatAddr, type Addr } from "@osmem/syscalls";
import {
  ADDRESS_SPACE_END,
  DEFAULT_HEAP_START,
  DEFAULT_MEMORY_LIMIT_BYTES,
  DEFAULT_MMAP_BASE,
  type SimBackendOptions,
} from "../api.js";
import { isPageAligned, isPowerOfTwo, roundUpToPage } from "./page-math.js";

const MIN_PAGE_SIZE = 8;
const MAX_PAGE_SIZE = 2 ** 30;

/** Options with every default applied and every value checked. */
export interface ResolvedOptions {
  readonly heapStart: Addr;
  readonly mmapBase: Addr;
  readonly pageSize: number;
  readonly memoryLimitBytes: number;
  readonly record: boolean;
}

/** Applies defaults and validates; throws `RangeError` for the first invalid option. */
export function resolveOptions(options: SimBackendOptions): ResolvedOptions {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!isPowerOfTwo(pageSize) || pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE) {
    throw new RangeError(`pageSize must be a power of two from ${MIN_PAGE_SIZE} to 2^30, got ${pageSize}`);
  }
  // The defaults suit 4 KiB pages; for larger pages they move to the nearest page inside the layout.
  const heapStart = options.heapStart ?? roundUpToPage(DEFAULT_HEAP_START, pageSize);
  const mmapBase = options.mmapBase ?? Math.floor(DEFAULT_MMAP_BASE / pageSize) * pageSize;
  checkAddress("heapStart", heapStart, pageSize);
  checkAddress("mmapBase", mmapBase, pageSize);
  if (heapStart === 0) throw new RangeError("heapStart must not be 0: the first page stays unmapped so that NULL faults");
  if (mmapBase <= heapStart) {
    throw new RangeError(`mmapBase (${formatAddr(mmapBase)}) must lie above heapStart (${formatAddr(heapStart)})`);
  }
  const memoryLimitBytes = options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES;
  if (!Number.isSafeInteger(memoryLimitBytes) || memoryLimitBytes < 0) {
    throw new RangeError(`memoryLimitBytes must be a non-negative integer, got ${memoryLimitBytes}`);
  }
  const record = options.record ?? true;
  if (typeof record !== "boolean") throw new RangeError(`record must be a boolean, got ${String(record)}`);
  return { heapStart, mmapBase, pageSize, memoryLimitBytes, record };
}

function checkAddress(name: string, addr: Addr, pageSize: number): void {
  if (!Number.isSafeInteger(addr) || addr < 0 || addr > ADDRESS_SPACE_END) {
    throw new RangeError(`${name} must be an integer in [0, 2^47], got ${addr}`);
  }
  if (!isPageAligned(addr, pageSize)) {
    throw new RangeError(`${name} (${formatAddr(addr)}) must be a multiple of the page size (${pageSize})`);
  }
}
