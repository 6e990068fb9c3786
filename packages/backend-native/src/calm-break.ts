// Environment for a child process that will run the native backend in "process" break mode: asks
// glibc's malloc to grow its own heap in large steps and to serve big requests from that heap, so that
// it moves the shared program break rarely (and not in the middle of a short allocator run).
// Pure data; it does not load the addon.

/** The glibc tunables {@link calmBreakEnvironment} adds: a 256 MiB top pad and a 32 MiB mmap threshold. */
export const CALM_BREAK_TUNABLES = "glibc.malloc.top_pad=268435456:glibc.malloc.mmap_threshold=33554432";

/**
 * A copy of `base` whose `GLIBC_TUNABLES` also carries {@link CALM_BREAK_TUNABLES}. Give it to a child
 * process (e.g. `spawn(process.execPath, args, { env: calmBreakEnvironment(process.env) })`) that runs
 * reference programs on the real break: glibc then reserves its heap in one 256 MiB step at start-up
 * (address space, not memory) and stays off the break while the program runs, so the trace shows only
 * this allocator's `brk` calls. Without it the allocator still works; it just starts new heap segments
 * more often. Tunables already set in `base` are kept (glibc reads the last value of a repeated one).
 */
export function calmBreakEnvironment(base: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const existing = base["GLIBC_TUNABLES"];
  return { ...base, GLIBC_TUNABLES: existing === undefined || existing === "" ? CALM_BREAK_TUNABLES : `${existing}:${CALM_BREAK_TUNABLES}` };
}
