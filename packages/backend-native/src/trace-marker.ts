// Marks a point in an strace log from JavaScript: a write to an invalid descriptor that fails
// harmlessly with EBADF but shows its label in the trace. Touches no memory and no file.
import { requireBinding } from "./load-binding.js";

/**
 * Performs `write(-1, label, byteLength(label))`, which fails with EBADF and changes nothing, so that
 * `strace -e trace=brk,mmap,munmap,mprotect,write` shows where a section of JavaScript starts or ends.
 * Not reported to any backend observer. Throws {@link NativeBackendUnavailableError} without the addon.
 *
 * @example
 * traceMarker("osmem: malloc(100) begins");   // strace: write(-1, "osmem: malloc(100) begins", 25) = -1 EBADF
 */
export function traceMarker(label: string): void {
  if (typeof label !== "string") throw new TypeError("traceMarker: label must be a string");
  requireBinding().traceMarker(label);
}
