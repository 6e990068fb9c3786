// Turns the CLI's component names into components: `--backend` into a backend factory and `--policy`
// into a fit policy, `--check` into a check level. The one place that knows which backends exist;
// unknown names are usage errors that list the valid choices.
import { createSimBackend } from "@osmem/backend-sim";
import type { CheckLevel, FitPolicy } from "@osmem/core";
import { POLICIES } from "@osmem/policies";
import type { SyscallBackend } from "@osmem/syscalls";
import { UsageError } from "./check.js";

/** The backends `--backend` accepts. */
export const BACKEND_NAMES: readonly string[] = ["sim", "native"];

/** A backend chosen by name: how to make a fresh one, and whether each program needs its own process. */
export interface BackendChoice {
  readonly name: string;
  /** Makes a fresh backend. */
  create(): SyscallBackend;
  /** True when the backend is the real process's memory: replay each program in a child process. */
  readonly isolate: boolean;
  /** The environment such a child process should run with. */
  childEnvironment?(base: Readonly<Record<string, string | undefined>>): Record<string, string | undefined>;
  /** Marks a point in an strace log (a harmless failing write), where the backend can. */
  mark?(label: string): void;
}

/**
 * The backend named `name`. `native` is loaded on demand, since it is an optional piece.
 * @throws UsageError for an unknown name, or when the native backend cannot load here (one line saying why).
 */
export async function resolveBackend(name: string): Promise<BackendChoice> {
  if (name === "sim") return { name, create: () => createSimBackend(), isolate: false };
  if (name !== "native") throw new UsageError(`unknown backend "${name}" (available: ${BACKEND_NAMES.join(", ")})`);
  let native: typeof import("@osmem/backend-native");
  try {
    native = await import("@osmem/backend-native");
  } catch (error) {
    throw new UsageError(`the native backend is not installed here (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
  if (!native.isNativeBackendAvailable()) {
    throw new UsageError(`the native backend is not available here: ${native.nativeBackendUnavailableReason() ?? "unknown reason"}`);
  }
  return {
    name,
    create: () => native.createNativeBackend(),
    isolate: true,
    childEnvironment: (base) => native.calmBreakEnvironment(base),
    mark: (label) => native.traceMarker(label),
  };
}

/** The names `--policy` accepts (the keys of `POLICIES`). */
export const policyNames = (): string[] => Object.keys(POLICIES);

/**
 * The fit policy named `name`.
 * @throws UsageError for an unknown name.
 */
export function policyByName(name: string): FitPolicy {
  const policy = Object.prototype.hasOwnProperty.call(POLICIES, name) ? POLICIES[name] : undefined;
  if (policy === undefined) throw new UsageError(`unknown policy "${name}" (available: ${policyNames().join(", ")})`);
  return policy;
}

/**
 * Parses a `--check` value.
 * @throws UsageError unless it is 0, 1 or 2.
 */
export function parseCheckLevel(text: string): CheckLevel {
  if (text === "0" || text === "1" || text === "2") return Number(text) as CheckLevel;
  throw new UsageError(`--check must be 0, 1 or 2, got "${text}"`);
}
