// Whether this process's program break can grow at all. Node reserves address space at start-up, and
// now and then (about one process in a hundred on the development machine) the kernel places one of
// those reservations right where the break ends; the break can then never grow in that process, and
// the "process" break mode correctly answers every growth with ENOMEM. Callers that need a growable
// break (tests, tools) ask first; the "reserved" mode is unaffected.
import { requireBinding } from "./load-binding.js";

/**
 * True when glibc's `brk()` can move this process's break up by one page right now (it is moved
 * back at once). False when the kernel refuses, e.g. because a mapping starts right at the break.
 * Makes two `brk` syscalls; call it while no other thread of the process moves the break.
 * @throws NativeBackendUnavailableError when the addon cannot load.
 */
export function isProcessBreakMovable(): boolean {
  const binding = requireBinding();
  const current = binding.peekBreak();
  const raised = binding.brk(current + binding.pageSize);
  if (!raised.ok || raised.value < current + binding.pageSize) return false;
  binding.brk(current);
  return true;
}

/** Whether the break could grow when first asked: probed once per process, then remembered. */
let breakMovable: boolean | undefined;

/**
 * Why a program that grows this process's break cannot run here, as one line for a skipped test or
 * a tool's message; `undefined` when the break can grow. Probes with {@link isProcessBreakMovable}
 * on the first call only (the layout that blocks the break is fixed at start-up).
 * @throws NativeBackendUnavailableError when the addon cannot load.
 */
export function processBreakBlockedReason(): string | undefined {
  breakMovable ??= isProcessBreakMovable();
  return breakMovable ? undefined : "this process's break cannot grow: Node mapped memory right above it (rare; a rerun gets a new layout)";
}
