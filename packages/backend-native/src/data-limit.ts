// Reads and lowers the process's RLIMIT_DATA soft limit, so tests can make brk and mmap fail with
// ENOMEM on purpose. Process-wide and inherited by children: meant for a dedicated child process.
import { errnoName } from "./internal/errno.js";
import type { DataLimit } from "./api.js";
import { requireBinding } from "./load-binding.js";

/**
 * The process's RLIMIT_DATA limits in bytes (`Infinity` = unlimited). Throws
 * {@link NativeBackendUnavailableError} without the addon, and an `Error` if getrlimit fails.
 */
export function getDataLimit(): DataLimit {
  const raw = requireBinding().getDataLimit();
  if (!raw.ok) throw new Error(`getDataLimit: getrlimit(RLIMIT_DATA) failed with ${errnoName(raw.errno)}`);
  return { softBytes: raw.value.soft, hardBytes: raw.value.hard };
}

/**
 * Sets the soft RLIMIT_DATA limit to `bytes` (a non-negative safe integer, or `Infinity` for
 * unlimited); the hard limit is unchanged. Linux counts the break's growth and private writable
 * mappings against it, so a brk or mmap that would exceed it fails with ENOMEM. It applies to the whole
 * process, Node's own heap included: lower it only in a process you are about to end, or restore it.
 *
 * Throws `RangeError` for an invalid `bytes` or one above the hard limit, and an `Error` for any other
 * setrlimit failure. Throws {@link NativeBackendUnavailableError} without the addon.
 */
export function setDataLimit(bytes: number): void {
  const unlimited = bytes === Number.POSITIVE_INFINITY;
  if (!unlimited && (!Number.isSafeInteger(bytes) || bytes < 0)) {
    throw new RangeError(`setDataLimit: ${bytes} is not a non-negative safe integer or Infinity`);
  }
  const raw = requireBinding().setDataLimit(bytes);
  if (raw.ok) return;
  const errno = errnoName(raw.errno);
  if (errno === "EINVAL") throw new RangeError(`setDataLimit: ${bytes} is above the hard limit of RLIMIT_DATA`);
  throw new Error(`setDataLimit: setrlimit(RLIMIT_DATA) failed with ${errno}`);
}
