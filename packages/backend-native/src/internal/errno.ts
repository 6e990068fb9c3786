// Turns the raw errno numbers the addon returns into the `Errno` names of @osmem/syscalls, and raw
// results into `SysResult`s. The one place that knows the numeric values are Linux's.
import { ERRNO_VALUES, sysFail, sysOk, type Errno, type SysResult } from "@osmem/syscalls";
import type { RawResult } from "../load-binding.js";

const NAMES = new Map<number, Errno>(Object.entries(ERRNO_VALUES).map(([name, value]) => [value, name as Errno]));

/**
 * The `Errno` name of a Linux errno number. brk, mmap, munmap, mprotect and madvise only produce
 * names in the union; anything else (which would be a kernel surprise) is reported as `EINVAL`.
 */
export const errnoName = (errno: number): Errno => NAMES.get(errno) ?? "EINVAL";

/** A raw addon result as a `SysResult`, with `value` mapped through `map`. */
export function fromRaw<T>(raw: RawResult, map: (value: number) => T): SysResult<T> {
  return raw.ok ? sysOk(map(raw.value)) : sysFail(errnoName(raw.errno));
}
