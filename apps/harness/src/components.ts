// Turns the CLI's component names into components: `--backend` into a backend factory and `--policy`
// into a fit policy, `--check` into a check level. The one place that knows which backends exist;
// unknown names are usage errors that list the valid choices.
import { createSimBackend } from "@osmem/backend-sim";
import type { CheckLevel, FitPolicy } from "@osmem/core";
import { POLICIES } from "@osmem/policies";
import type { SyscallBackend } from "@osmem/syscalls";
import { UsageError } from "./check.js";

/** The backends `--backend` accepts. */
export const BACKEND_NAMES: readonly string[] = ["sim"];

/**
 * A factory of fresh backends for the backend named `name`.
 * @throws UsageError for `native` (not available yet) and unknown names.
 */
export function backendFactory(name: string): () => SyscallBackend {
  if (name === "sim") return () => createSimBackend();
  if (name === "native") throw new UsageError("the native backend is not available yet; use --backend sim");
  throw new UsageError(`unknown backend "${name}" (available: ${BACKEND_NAMES.join(", ")})`);
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
