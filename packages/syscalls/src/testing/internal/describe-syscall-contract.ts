// The entry point of the contract suite: checks the opt-out list, then registers every section.
// Each feature becomes one `describe` block titled with its name, skipped (and so still listed)
// when the backend opted out of it.
import { describe } from "vitest";
import type { SyscallBackend } from "../../api.js";
import { CONTRACT_FEATURES, isContractFeature, type ContractFeature } from "../contract-features.js";
import { brkContract } from "./brk-contract.js";
import type { ContractContext } from "./contract-context.js";
import { memoryContract } from "./memory-contract.js";
import { mmapContract } from "./mmap-contract.js";
import { observerContract } from "./observer-contract.js";

/** Options for {@link describeSyscallContract}. */
export interface SyscallContractOptions {
  /**
   * Features this backend does not honour. Each name documents a deliberate deviation; the
   * skipped tests still show up in the report. Unknown names throw a `RangeError`.
   */
  readonly skip?: readonly ContractFeature[];
}

/**
 * Registers the backend contract suite with vitest (call it at the top level of a test file or
 * inside a `describe`). `makeBackend` is called once per test, so each test starts from a fresh
 * backend. Throws a `RangeError` for an unknown feature name in `options.skip`.
 */
export function describeSyscallContract(makeBackend: () => SyscallBackend, options: SyscallContractOptions = {}): void {
  const skipped = new Set<ContractFeature>();
  for (const name of options.skip ?? []) {
    if (!isContractFeature(name)) throw new RangeError(`describeSyscallContract: unknown contract feature "${String(name)}"`);
    skipped.add(name);
  }
  const context: ContractContext = {
    makeBackend,
    feature: (name, body) => describe.skipIf(skipped.has(name))(`${name}: ${CONTRACT_FEATURES[name]}`, body),
  };
  describe("SyscallBackend contract", () => {
    brkContract(context);
    mmapContract(context);
    memoryContract(context);
    observerContract(context);
  });
}
