// The one place the native addon is loaded: platform and libc checks, the single node-gyp-build call,
// and a one-time check of the raw shape that turns the untyped module into a typed `RawBinding`.
// Nothing outside this file sees an untyped value from the addon. The outcome is cached per process.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { NativeBackendUnavailableError } from "./api.js";

/** What every addon syscall wrapper returns: the value, or the raw errno number. */
export type RawResult<T = number> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errno: number };

/** The addon's exports, as native/*.cc registers them. Addresses and lengths are exact doubles. */
export interface RawBinding {
  readonly pageSize: number;
  /** glibc `brk(addr)` (`brk(0)` is a real syscall), answering glibc's `sbrk(0)` on success. */
  brk(addr: number): RawResult;
  /** glibc `sbrk(0)`: no syscall. */
  peekBreak(): number;
  /** Anonymous private mmap: read/write, or `PROT_NONE` with `MAP_NORESERVE` when not `writable`. */
  mmap(lengthBytes: number, writable: boolean): RawResult;
  munmap(addr: number, lengthBytes: number): RawResult;
  mprotect(addr: number, lengthBytes: number, writable: boolean): RawResult;
  /** `madvise(MADV_DONTNEED)`. */
  discard(addr: number, lengthBytes: number): RawResult;
  /** `write(-1, label)`; returns what write returned (-1). */
  traceMarker(label: string): number;
  getDataLimit(): RawResult<{ readonly soft: number; readonly hard: number }>;
  setDataLimit(bytes: number): RawResult;
  /** An external ArrayBuffer over live read/write memory; detach it before releasing the memory. */
  createView(addr: number, lengthBytes: number): ArrayBuffer;
  detachView(view: ArrayBuffer): void;
  viewCounts(): { readonly created: number; readonly detached: number };
}

const FUNCTION_NAMES = [
  "brk",
  "peekBreak",
  "mmap",
  "munmap",
  "mprotect",
  "discard",
  "traceMarker",
  "getDataLimit",
  "setDataLimit",
  "createView",
  "detachView",
  "viewCounts",
] as const satisfies readonly Exclude<keyof RawBinding, "pageSize">[];

/** Setting this environment variable to `off` makes the addon count as unavailable (to test fallbacks). */
export const DISABLE_VARIABLE = "OSMEM_NATIVE";

type LoadOutcome = { readonly binding: RawBinding } | { readonly reason: string };

let outcome: LoadOutcome | undefined;

/** The package root: `..` from `src/` in tests and from `dist/` once built. */
const packageRoot = (): string => fileURLToPath(new URL("..", import.meta.url));

function isGlibc(): boolean {
  const report: unknown = process.report?.getReport();
  if (typeof report !== "object" || report === null || !("header" in report)) return false;
  const header: unknown = report.header;
  return typeof header === "object" && header !== null && "glibcVersionRuntime" in header;
}

/** Checks the loaded module once; returns the reason it is unusable, or the typed binding. */
function checkShape(raw: unknown): LoadOutcome {
  if (typeof raw !== "object" || raw === null) return { reason: "the addon did not export an object" };
  const record = raw as Record<string, unknown>;
  for (const name of FUNCTION_NAMES) {
    if (typeof record[name] !== "function") return { reason: `the addon lacks ${name}() (a stale build? rebuild with build:native)` };
  }
  const pageSize = record["pageSize"];
  if (typeof pageSize !== "number" || pageSize <= 0 || (pageSize & (pageSize - 1)) !== 0) {
    return { reason: "the addon reported an invalid page size" };
  }
  return { binding: raw as RawBinding };
}

function load(): LoadOutcome {
  const platform = `${process.platform}-${process.arch}`;
  if (process.env[DISABLE_VARIABLE] === "off") return { reason: `disabled by ${DISABLE_VARIABLE}=off in the environment` };
  if (process.platform !== "linux") return { reason: `unsupported platform ${platform}: the native backend needs Linux with glibc` };
  if (!isGlibc()) return { reason: `${platform} without glibc: the native backend needs glibc's brk/sbrk` };
  let raw: unknown;
  try {
    const require = createRequire(import.meta.url);
    const nodeGypBuild = require("node-gyp-build") as (root: string) => unknown;
    raw = nodeGypBuild(packageRoot());
  } catch (error) {
    const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
    if (detail?.startsWith("No native build was found")) {
      return { reason: `no prebuilt binary for ${platform} and no local build (install a C++ compiler and reinstall)` };
    }
    return { reason: `the addon failed to load: ${detail}` };
  }
  return checkShape(raw);
}

function getOutcome(): LoadOutcome {
  outcome ??= load();
  return outcome;
}

/** Loads the addon (once per process) and returns it; throws {@link NativeBackendUnavailableError}. */
export function requireBinding(): RawBinding {
  const current = getOutcome();
  if ("reason" in current) throw new NativeBackendUnavailableError(current.reason);
  return current.binding;
}

/** Whether the native addon loads on this machine. Never throws; loads the addon on first call. */
export function isNativeBackendAvailable(): boolean {
  return "binding" in getOutcome();
}

/** Why the native addon does not load, in one line; `undefined` when it does. Never throws. */
export function nativeBackendUnavailableReason(): string | undefined {
  const current = getOutcome();
  return "reason" in current ? current.reason : undefined;
}
